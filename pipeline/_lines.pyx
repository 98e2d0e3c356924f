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


def record_columns(list records, tuple slots, bint compact=False):
    """The values of ``slots`` (slot descriptors) over ``records``: a list per slot, in order. With
    ``compact``, a slot that holds one and the same object (not a list) in every record gives that
    object instead of a list (what :func:`make_records` takes for "this value in every record")."""
    _check_slots(slots)
    cdef Py_ssize_t n = len(slots), count = len(records), i, j
    cdef list columns = [], column
    cdef object descriptor, first
    cdef descrgetfunc get_slot
    cdef bint same
    for i in range(n):
        descriptor = slots[i]
        get_slot = (Py_TYPE(descriptor)).tp_descr_get
        column = [None] * count
        same = compact and count > 0
        for j in range(count):
            column[j] = get_slot(descriptor, records[j], None)
            if same and column[j] is not column[0]:
                same = False
        first = column[0] if count else None
        columns.append(first if same and type(first) is not list else column)
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


cdef inline object _get(object descriptor, object record):
    return (Py_TYPE(descriptor)).tp_descr_get(descriptor, record, None)


def removed_records(list records, tuple slots, tuple names, object keep_slot):
    """A dict per record whose ``keep_slot`` is false: ``{names[i]: value of slots[i]}``, in order."""
    _check_slots(slots + (keep_slot,))
    cdef Py_ssize_t n = len(slots), i
    cdef list found = []
    cdef dict entry
    for record in records:
        if _get(keep_slot, record):
            continue
        entry = {}
        for i in range(n):
            entry[names[i]] = _get(slots[i], record)
        found.append(entry)
    return found


def group_values(list records, object key_slot, object value_slot):
    """``{key: [value, ...]}`` of ``key_slot`` and ``value_slot`` over ``records``, keys in first-seen order."""
    _check_slots((key_slot, value_slot))
    cdef dict groups = {}
    cdef object key, values
    for record in records:
        key = _get(key_slot, record)
        values = groups.get(key)
        if values is None:
            values = groups[key] = []
        (<list>values).append(_get(value_slot, record))
    return groups


def count_values(list records, object value_slot, object keep_slot):
    """``{value: count}`` of ``value_slot`` over the records whose ``keep_slot`` is false, first-seen order."""
    _check_slots((value_slot, keep_slot))
    cdef dict counts = {}
    cdef object value
    for record in records:
        if _get(keep_slot, record):
            continue
        value = _get(value_slot, record)
        counts[value] = counts.get(value, 0) + 1
    return counts


def kept_values(list records, object value_slot, object keep_slot):
    """The non-empty values of ``value_slot`` over the records whose ``keep_slot`` is true, in order."""
    _check_slots((value_slot, keep_slot))
    cdef list found = []
    cdef object value
    for record in records:
        if _get(keep_slot, record):
            value = _get(value_slot, record)
            if value:
                found.append(value)
    return found


def select_records(list records, object flag_slot, bint truth):
    """The records whose ``flag_slot`` is true (``truth``) or false (not ``truth``), in order."""
    _check_slots((flag_slot,))
    cdef list found = []
    for record in records:
        if bool(_get(flag_slot, record)) == truth:
            found.append(record)
    return found
