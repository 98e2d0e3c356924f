# cython: language_level=3, boundscheck=False, wraparound=False
"""The lines kernel: records of a ``__slots__`` class made and taken apart a column at a time.

Every document is split into lines (a ``Line`` per line, about 170 in a text dump), spooled between
a run's phases as columns of field values and made into lines again; a ``Line`` made by calling the
class runs its ``__init__`` in Python, which cost more than the rest of reading and writing a dump.
Here a record is allocated as ``object.__new__`` does and each slot is set through the class's own
slot descriptor (what ``record.field = value`` does, without the lookup), so a record made here
is the record ``__init__`` would have made from the same values (``pipeline/document.py`` uses it
and documents it; a test compares the two). Also the split of a text dump into its stripped,
non-blank lines, which is ``str.splitlines`` and ``str.strip`` in a loop.
"""

from cpython.object cimport Py_TYPE, PyObject, PyTypeObject, descrgetfunc, descrsetfunc

cdef tuple _NO_ARGS = ()


cdef int _check_slots(tuple slots) except -1:
    """A TypeError unless every descriptor can be read and set (a slot descriptor can)."""
    cdef PyTypeObject* kind
    for descriptor in slots:
        kind = Py_TYPE(descriptor)
        if kind.tp_descr_set is NULL or kind.tp_descr_get is NULL:
            raise TypeError(f"{descriptor!r} is not a slot descriptor")
    return 0


def make_records(type cls, tuple slots, list columns, Py_ssize_t count):
    """``count`` new instances of ``cls``, ``__init__`` not called: slot ``slots[i]`` of record ``j``
    is ``columns[i][j]`` when ``columns[i]`` is a list (of at least ``count`` values), else
    ``columns[i]`` itself, for every record. ``slots`` are the class's slot descriptors
    (``cls.__dict__[name]``), one per column."""
    cdef Py_ssize_t n = len(slots), i, j
    if len(columns) != n:
        raise ValueError(f"{n} slots but {len(columns)} columns")
    _check_slots(slots)
    for i in range(n):
        if type(columns[i]) is list and len(<list>columns[i]) < count:
            raise ValueError(f"column {i} has {len(<list>columns[i])} values, not {count}")
    cdef PyTypeObject* made = <PyTypeObject*>cls
    cdef list records = [None] * count
    cdef object record, column, descriptor
    cdef descrsetfunc set_slot
    for j in range(count):
        record = made.tp_new(cls, <PyObject*>_NO_ARGS, NULL)
        for i in range(n):
            descriptor = slots[i]
            column = columns[i]
            set_slot = (Py_TYPE(descriptor)).tp_descr_set
            set_slot(descriptor, record, (<list>column)[j] if type(column) is list else column)
        records[j] = record
    return records


def record_columns(list records, tuple slots):
    """The values of ``slots`` (slot descriptors) over ``records``: a list per slot, in order."""
    _check_slots(slots)
    cdef Py_ssize_t n = len(slots), count = len(records), i, j
    cdef list columns = [], column
    cdef object descriptor
    cdef descrgetfunc get_slot
    for i in range(n):
        descriptor = slots[i]
        get_slot = (Py_TYPE(descriptor)).tp_descr_get
        column = [None] * count
        for j in range(count):
            column[j] = get_slot(descriptor, records[j], None)
        columns.append(column)
    return columns


def stripped_lines(str text):
    """The 1-based numbers and the stripped texts of the non-blank lines of ``text`` (its
    ``splitlines``), as two lists."""
    cdef list numbers = [], texts = []
    cdef Py_ssize_t number = 0
    cdef str stripped
    for raw in text.splitlines():
        number += 1
        stripped = (<str>raw).strip()
        if stripped:
            numbers.append(number)
            texts.append(stripped)
    return numbers, texts
