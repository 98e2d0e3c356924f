"""Write: a document's body and sidecar, atomically.

For a document whose output stem is ``news/a`` this writes ``news/a.txt`` (the
body: kept lines, one per line, a blank line between, a trailing newline; no
title; or the same lines as Markdown, :mod:`pipeline.io.markdown`) and
``news/a.json`` (the sidecar). The sidecar is written last, so a sidecar on
disk always describes a complete body; each file goes to a temporary name
first and is renamed into place, so an interrupted run never leaves half a
file. Sidecars have sorted keys, rounded scores, UTF-8 text, no
timestamps and no absolute paths, so that two runs are byte-identical and a
diff shows only what changed.
"""

from __future__ import annotations

import errno
import hashlib
import json
import math
import os
import re
import itertools
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar

import orjson

from pipeline.document import Document, line_numbers_by_language, removal_records
from pipeline.io.markdown import render_markdown
from pipeline.version import __version__

#: Metadata fields every sidecar has (null when unknown), in the user's words.
METADATA_FIELDS = ("title", "date", "author", "url", "site", "tags")
#: Digits kept for floats, so tiny numeric noise never shows up in a diff.
FLOAT_DIGITS = 5
#: The sidecar fields that can hold floats; every other one holds strings, integers and lists of them.
FLOAT_FIELDS = ("language_shares", "trace", "metadata_extra", *METADATA_FIELDS)


def _rounded(value: Any) -> Any:
    if type(value) is str:
        return value
    if isinstance(value, float):
        return round(value, FLOAT_DIGITS)
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_rounded(item) for item in value]
    return value


def body_digest(body: str | bytes) -> str | None:
    """The sidecar's ``body_sha256``: sha256 of the body file's bytes (``body``: its text, or those
    bytes), None when no body is written.

    A body edited or cut without its sidecar no longer matches it (``pipeline diff`` reports it)::

        >>> body_digest("The minister said.\\n")[:12], body_digest("The minister said.\\n".encode())[:12], body_digest("")
        ('14aa2657c009', '14aa2657c009', None)
    """
    if not body:
        return None
    return hashlib.sha256(body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass")).hexdigest()


def sidecar(doc: Document, version: str, body_format: str = "text", body: str | bytes | None = None) -> dict[str, Any]:
    """Everything decided about ``doc``, as a JSON-ready dict (``body``: the body written, as text or
    as its UTF-8 bytes, when the caller has it already; its digest is the sidecar's ``body_sha256``).

    A Markdown body is named under ``body_format`` (so the review tools read it as Markdown); a text
    body, the default, is not, so the sidecars of text runs stay as they were. Line numbers and
    ``removed`` are the same for either body."""
    removed = removal_records(doc.lines)
    languages = line_numbers_by_language(doc.lines)
    kept = len(doc.lines) - len(removed)
    data: dict[str, Any] = {
        "source": doc.source,
        "sha256": doc.sha256,
        "body_sha256": body_digest(body_text(doc, body_format) if body is None else body),
        "format": doc.format,
        "encoding": doc.encoding or None,
        "repairs": doc.repairs,
        "language": doc.language,
        "language_shares": doc.language_shares,
        "line_languages": languages,
        "lines": {"in": len(doc.lines), "kept": kept, "removed": len(removed)},
        "removed": removed,
        "trace": doc.trace,
        "status": doc.outcome,
        "failure": doc.failure.as_dict() if doc.failure else None,
        "pipeline_version": version,
    }
    if body_format != "text":
        data["body_format"] = body_format
    for name in METADATA_FIELDS:
        data[name] = doc.metadata.get(name) or None
    extra = {key: value for key, value in doc.metadata.items() if key not in METADATA_FIELDS}
    if extra:
        data["metadata_extra"] = extra
    for name in FLOAT_FIELDS:
        if data.get(name):  # an empty or missing field has nothing to round
            data[name] = _rounded(data[name])
    return data


#: Lone surrogates (a file name that is not UTF-8, a JSON id like "\ud800") cannot be written as UTF-8.
_SURROGATE = re.compile("[\ud800-\udfff]")
#: orjson's options: sorted keys, and indented by 2 for the files people read.
_ORJSON_COMPACT, _ORJSON_INDENTED = orjson.OPT_SORT_KEYS, orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS


def _as_python_writes_floats(value: Any) -> Any:
    """``value`` with every float that Python's ``repr`` writes with an exponent (``5e-05``, ``1e+16``)
    or as a word (``Infinity``) made a pre-serialised fragment, so orjson writes the bytes json would."""
    kind = type(value)
    if kind is float:
        if not math.isfinite(value):
            return orjson.Fragment(json.dumps(value).encode())
        text = float.__repr__(value)  # what json writes for a finite float
        return orjson.Fragment(text.encode()) if "e" in text else value
    if kind is dict:
        return {key: _as_python_writes_floats(item) for key, item in value.items()}
    if kind is list or kind is tuple:
        return [_as_python_writes_floats(item) for item in value]
    return value


def json_text(value: Any, indent: bool = False, floats: bool = True) -> str:
    """JSON with sorted keys and UTF-8 text, compact (no spaces) or indented by 2 (``indent``).

    The indented form is byte for byte ``json.dumps(value, ensure_ascii=False, sort_keys=True,
    indent=2)``. orjson writes it (the standard library's encoder runs in pure Python when it
    indents, and was the most expensive part of writing a sidecar); the standard library takes over
    where orjson refuses the data, a lone surrogate (from a file name that is not UTF-8) or a key that
    is not a string, and lone surrogates stay ``\\uXXXX`` escapes. ``floats=False`` promises that
    ``value`` holds no float (a manifest entry), which saves looking::

        >>> json_text({"b": 5e-05, "a": [1, "é"]})
        '{"a":[1,"é"],"b":5e-05}'
        >>> json_text({"b": 5e-05, "a": [1, "é"]}, indent=True) == json.dumps(
        ...     {"b": 5e-05, "a": [1, "é"]}, ensure_ascii=False, sort_keys=True, indent=2)
        True
        >>> json_text({"id": chr(0xD800) + "é"})
        '{"id":"\\\\ud800é"}'
    """
    try:
        return orjson.dumps(_as_python_writes_floats(value) if floats else value,
                            option=_ORJSON_INDENTED if indent else _ORJSON_COMPACT).decode("utf-8")
    except TypeError:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True,
                          **({"indent": 2} if indent else {"separators": (",", ":")}))
        return _SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def json_value(text: str | bytes) -> Any:
    """The value of JSON text written by :func:`json_text` (orjson; the standard library for the
    lone surrogates orjson refuses)::

        >>> json_value('{"id":"\\\\udcff"}') == {"id": chr(0xDCFF)}
        True
    """
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def sidecar_json(data: dict[str, Any]) -> str:
    """A sidecar's text: sorted keys, indent 2, UTF-8, a final newline (see :func:`json_text`; only the
    :data:`FLOAT_FIELDS` are looked through for floats)."""
    encoded = sidecar_bytes(data)
    return encoded.decode("utf-8") if isinstance(encoded, bytes) else encoded


def sidecar_bytes(data: dict[str, Any]) -> bytes | str:
    """:func:`sidecar_json` as the UTF-8 bytes of the file, as orjson writes them; the text itself
    where only the standard library can write it (see :func:`json_text`)."""
    ready = dict(data)
    for name in FLOAT_FIELDS:
        if data.get(name):
            ready[name] = _as_python_writes_floats(data[name])
    try:
        return orjson.dumps(ready, option=_ORJSON_INDENTED | orjson.OPT_APPEND_NEWLINE)
    except TypeError:
        return json_text(data, indent=True) + "\n"


def _process_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


#: Permissions of output files: what ``open()`` would give (``mkstemp`` makes them private).
OUTPUT_MODE = 0o666 & ~_process_umask()


def _make_readable(fd: int) -> None:
    if hasattr(os, "fchmod"):
        os.fchmod(fd, OUTPUT_MODE)


class StorageError(OSError):
    """The output folder cannot take a write: a full disk, no permission, a read-only file system.

    Not a document's fault: the run stops with this one-line message, keeps what it finished, and
    the next run does the rest.
    """


#: errno values that say the storage failed, not the document.
STORAGE_ERRNOS = frozenset(code for code in (errno.ENOSPC, getattr(errno, "EDQUOT", None), errno.EROFS, errno.EACCES,
                                             errno.EPERM, errno.EFBIG, errno.EIO, errno.EMFILE, errno.ENFILE)
                           if code is not None)


def storage_error(error: OSError, path: Path | str) -> OSError:
    """``error`` as a :class:`StorageError` naming ``path`` when it is the storage's fault, else as it is."""
    if isinstance(error, StorageError) or error.errno not in STORAGE_ERRNOS:
        return error
    found = StorageError(f"cannot write {path}: {error.strerror or error}")
    found.errno = error.errno
    return found


#: Numbers the temporary files of this process (with its pid, names no other writer uses).
_TEMPORARY_NUMBERS = itertools.count()
#: This process's id, as :func:`process_id` gives it.
_PROCESS_ID = [os.getpid()]
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=lambda: _PROCESS_ID.__setitem__(0, os.getpid()))


def process_id() -> int:
    """``os.getpid()`` without a system call for every file written: kept, and taken again in a
    forked child (a spawned one imports this module afresh)."""
    return _PROCESS_ID[0]


def _temporary_file(path: Path | str) -> tuple[int, str]:
    """A new hidden temporary file next to ``path`` (``.<name>.<pid>-<n>.tmp``), open for writing.

    Named by process id and a counter, so it is made with one ``open``, not ``mkstemp``'s search
    for an unused random name; ``O_EXCL`` still refuses a name that exists (a killed run's leftover,
    which the next run sweeps), and then the next number is taken. The folder is made when missing.
    """
    folder, name = os.path.split(os.fspath(path))
    try:
        return _new_temporary(folder, name)
    except FileNotFoundError:
        os.makedirs(folder or ".", exist_ok=True)
        return _new_temporary(folder, name)


def _new_temporary(folder: str, name: str) -> tuple[int, str]:
    while True:
        tmp = os.path.join(folder, f".{name}.{process_id()}-{next(_TEMPORARY_NUMBERS)}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OUTPUT_MODE), tmp
        except FileExistsError:
            continue


def _write_all(fd: int, data: bytes) -> None:
    """All of ``data`` to ``fd`` (``os.write`` may take only part of it)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def write_atomic(path: Path | str, text: str | bytes | Iterable[str | bytes], durable: bool = True) -> None:
    """Write ``text`` (a string, or strings one after another; bytes are written as they are, strings
    as UTF-8) to ``path`` through a temporary file and a rename.

    The rename is atomic, so a killed process never leaves half a file, and a failed write (a full
    disk) removes its temporary file and raises :class:`StorageError`. With ``durable`` the data is
    also synced before the rename (so a power cut cannot leave an empty file either); a run writing
    thousands of outputs passes ``False`` and syncs the file system once per checkpoint instead.
    """
    tmp = None
    try:
        fd, tmp = _temporary_file(path)
        try:
            for piece in (text,) if isinstance(text, (str, bytes)) else text:
                _write_all(fd, piece if isinstance(piece, bytes) else piece.encode("utf-8"))
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException as error:
        if tmp is not None:
            _unlink_if_there(tmp)
        if isinstance(error, OSError):
            raise storage_error(error, path) from error
        raise


#: Longest path component written, in bytes: 255 (the usual file-system limit) less room for
#: ``.json`` and the ``.<name>.json.XXXXXXXX.tmp`` name of an atomic write.
MAX_PART_BYTES = 200
#: Hex digits of the hash that keeps two shortened names apart.
PART_HASH_CHARS = 10
#: Top-level stems whose sidecar would be a run's own file (``_run.json``); they get a ``_`` appended.
RESERVED_STEMS = frozenset({"_run"})


#: Control characters (Unicode category Cc: C0, DEL and C1), which no output name holds: a newline in
#: a file name breaks every tool that lists names one a line.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def escape_control_characters(part: str) -> str:
    """``part`` with each control character written as ``%XX``, plus a hash of the original.

    The hash keeps apart names that differ only in a control character, and a name that was
    written with ``%0A`` to begin with::

        >>> escape_control_characters("new\\nline")
        'new%0Aline-58fb6729e5'
        >>> escape_control_characters("plain name")
        'plain name'
    """
    if not _CONTROL.search(part):
        return part
    digest = hashlib.sha256(part.encode("utf-8", "surrogatepass")).hexdigest()[:PART_HASH_CHARS]
    return _CONTROL.sub(lambda match: f"%{ord(match.group()):02X}", part) + f"-{digest}"


def _short_part(part: str) -> str:
    """``part`` cut to :data:`MAX_PART_BYTES` bytes (on a character boundary) plus a hash of the whole."""
    data = part.encode("utf-8", "surrogatepass")
    if len(data) <= MAX_PART_BYTES:
        return part
    digest = hashlib.sha256(data).hexdigest()[:PART_HASH_CHARS]
    cut = data[: MAX_PART_BYTES - PART_HASH_CHARS - 1].decode("utf-8", "ignore")
    return f"{cut}-{digest}"


def safe_stem(stem: str) -> PurePosixPath:
    """A relative output stem that cannot climb out of the output folder.

    ``..``, absolute paths and backslashes are dropped; control characters (NUL,
    newline, ...) are escaped (:func:`escape_control_characters`); a component
    too long for a file system is shortened with a hash, and ``_run`` gets a
    ``_`` so no document's sidecar is the run summary::

        >>> str(safe_stem("../../etc/passwd")), str(safe_stem("//abs/a\\x00b")), str(safe_stem("_run"))
        ('etc/passwd', 'abs/a%00b-59b271ae1b', '_run_')
    """
    parts = [_short_part(escape_control_characters(part)) for part in PurePosixPath(stem.replace("\\", "/")).parts
             if part.strip("/") not in ("", ".", "..")]  # "//" is a root too (POSIX allows a leading "//")
    if len(parts) == 1 and parts[0] in RESERVED_STEMS:
        parts[0] += "_"
    return PurePosixPath(*parts) if parts else PurePosixPath("_")


def _is_safe_already(stem: str) -> bool:
    """Whether :func:`safe_stem` would return ``stem`` unchanged (nearly every stem is), checked on
    the string: no backslash, control character, empty, ``.`` or ``..`` part, no part longer than
    :data:`MAX_PART_BYTES`, and not a reserved name."""
    if "\\" in stem or _CONTROL.search(stem) or stem in RESERVED_STEMS:
        return False
    for part in stem.split("/"):
        if part in ("", ".", "..") or (4 * len(part) > MAX_PART_BYTES
                                       and len(part.encode("utf-8", "surrogatepass")) > MAX_PART_BYTES):
            return False
    return True


def output_files(root: Path | str, stem: str) -> tuple[str, str]:
    """The body and sidecar paths of ``stem`` below ``root``, as strings (see :func:`output_paths`)::

        >>> output_files("out", "news/a")
        ('out/news/a.txt', 'out/news/a.json')
        >>> output_files("out", "../a")
        ('out/a.txt', 'out/a.json')
    """
    relative = stem if _is_safe_already(stem) else str(safe_stem(stem))
    base = os.path.join(os.fspath(root), relative)
    return base + ".txt", base + ".json"


def output_paths(root: Path, stem: str) -> tuple[Path, Path]:
    """The body and sidecar paths of ``stem`` below ``root`` (the stem made safe: :func:`safe_stem`)."""
    body, sidecar_file = output_files(root, stem)
    return Path(body), Path(sidecar_file)


def _unlink_if_there(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def body_text(doc: Document, body_format: str = "text") -> str:
    """The body of ``doc`` in ``body_format`` (``text`` or ``markdown``); empty for a failed document."""
    if doc.failure:
        return ""
    if body_format == "markdown":
        return render_markdown(doc.lines, from_dump=doc.format != "html")
    return doc.body


def render_outputs(doc: Document, version: str, body_format: str = "text") -> tuple[str | bytes, str | bytes]:
    """The body (empty for a failed document) and the sidecar of ``doc``, as the UTF-8 bytes written; as
    text where they cannot be UTF-8 (a lone surrogate: writing them then fails as it does for text)."""
    body: str | bytes = body_text(doc, body_format)
    try:
        body = body.encode("utf-8")
    except UnicodeEncodeError:
        pass
    return body, sidecar_bytes(sidecar(doc, version, body_format, body))


def write_rendered(root: Path, stem: str, body: str | bytes, sidecar_text: str | bytes, durable: bool = True) -> None:
    """Write a rendered body and sidecar below ``root`` (text, or its UTF-8 bytes); an empty body
    removes an old body file."""
    body_path, sidecar_path = output_files(root, stem)
    if body:
        write_atomic(body_path, body, durable)
    else:
        try:
            _unlink_if_there(body_path)
        except OSError as error:
            raise storage_error(error, body_path) from error
    write_atomic(sidecar_path, sidecar_text, durable)


def write_outputs(doc: Document, root: Path, version: str, durable: bool = True,
                  body_format: str = "text") -> None:
    """Write body and sidecar below ``root``; a failed document gets only a sidecar."""
    body, sidecar_text = render_outputs(doc, version, body_format)
    write_rendered(root, doc.output or doc.id, body, sidecar_text, durable)


#: The single output file of ``--format jsonl``.
JSONL_OUTPUT = "documents.jsonl"


def jsonl_record(doc: Document, version: str, body_format: str = "text") -> str:
    """One line of ``documents.jsonl``: ``{"id", "metadata", "text"}``, sorted keys (``text`` in ``body_format``)."""
    body = body_text(doc, body_format)
    record = {"id": doc.id, "text": body, "metadata": sidecar(doc, version, body_format, body)}
    return json_text(record) + "\n"


class JsonlOutput:
    """``documents.jsonl``, written to a temporary file and renamed into place by :meth:`commit`.

    Records of documents a re-run skips are copied byte for byte from the
    previous file (by offset and length), so the new file equals a full run's.
    """

    def __init__(self, root: Path) -> None:
        self.path = Path(root) / JSONL_OUTPUT
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, self.tmp = tempfile.mkstemp(prefix=f".{JSONL_OUTPUT}.", suffix=".tmp", dir=self.path.parent)
        except OSError as error:
            raise storage_error(error, self.path) from error
        _make_readable(fd)
        self.handle = os.fdopen(fd, "wb")
        self.previous = self.path.open("rb") if self.path.is_file() else None
        self.offset = 0

    def append(self, record: str) -> list[int]:
        """Write one record; returns its ``[offset, length]`` in the new file."""
        return self._append(record.encode("utf-8"))

    def append_bytes(self, record: bytes) -> list[int]:
        """:meth:`append` of a record already encoded as UTF-8."""
        return self._append(record)

    def has_previous(self, location: list[int] | None) -> bool:
        """Whether the previous file holds a record at ``[offset, length]``."""
        if self.previous is None or not location:
            return False
        offset, length = location
        return offset + length <= os.fstat(self.previous.fileno()).st_size

    def copy_previous(self, location: list[int] | None) -> list[int]:
        """Copy a record of the previous file (checked with :meth:`has_previous`); its new ``[offset, length]``."""
        if self.previous is None or not location:
            raise ValueError("no previous record to copy")
        self.previous.seek(location[0])
        data = self.previous.read(location[1])
        if len(data) != location[1] or not data.endswith(b"\n"):
            raise ValueError(f"{JSONL_OUTPUT} changed during the run")
        return self._append(data)

    def _append(self, data: bytes) -> list[int]:
        try:
            self.handle.write(data)
        except OSError as error:
            raise storage_error(error, self.path) from error
        location = [self.offset, len(data)]
        self.offset += len(data)
        return location

    def commit(self) -> None:
        self._close_previous()
        try:
            self.handle.flush()
            os.fsync(self.handle.fileno())
            self.handle.close()
            os.replace(self.tmp, self.path)
        except OSError as error:
            raise storage_error(error, self.path) from error

    def abort(self) -> None:
        self._close_previous()
        try:
            self.handle.close()
        except OSError:
            pass  # a full disk fails the flush: the file is removed all the same
        Path(self.tmp).unlink(missing_ok=True)

    def _close_previous(self) -> None:
        if self.previous is not None:
            self.previous.close()
            self.previous = None


@dataclass(frozen=True, slots=True)
class Rendered:
    """A document's outputs as text, made where it was cleaned and stored where the run decides:
    ``body`` and ``sidecar`` for the ``files`` layout (as text, or as the UTF-8 bytes written), ``record``
    (one JSON line) for ``jsonl``."""

    stem: str
    body: str | bytes = ""
    sidecar: str | bytes = ""
    record: str = ""

    def __reduce__(self) -> tuple:
        return (Rendered, (self.stem, self.body, self.sidecar, self.record))


@dataclass(frozen=True)
class Sink:
    """Step: the end of a run, where each document's outputs go (``files`` below ``root``, or one
    ``documents.jsonl`` there). :meth:`render` is pure and runs where the document was cleaned;
    :meth:`write` puts a file layout's outputs in place (a JSONL file is appended in input order by
    the run, see :class:`JsonlOutput`)."""

    root: Path
    output_format: str = "files"
    body_format: str = "text"
    name: ClassVar[str] = "write"

    def render(self, doc: Document) -> Rendered:
        """The outputs of ``doc``; a ``files`` layout's as :func:`render_outputs` makes them."""
        stem = doc.output or doc.id
        if self.output_format == "jsonl":
            return Rendered(stem, record=jsonl_record(doc, __version__, self.body_format))
        return Rendered(stem, *render_outputs(doc, __version__, self.body_format))

    def write(self, rendered: Rendered) -> None:
        """Write a ``files`` layout's body and sidecar (not synced: the run syncs at checkpoints)."""
        write_rendered(self.root, rendered.stem, rendered.body, rendered.sidecar, durable=False)
