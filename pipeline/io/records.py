"""Records: documents stored many to a file, in WARC and JSON Lines containers.

A crawl rarely arrives as one file per page. Two container formats are read:

- **WARC** (``.warc``, ``.warc.gz``): every ``response`` record with a 2xx HTTP
  status is one document (its HTTP payload, de-chunked and decompressed by
  warcio); requests, metadata, ``warcinfo`` records and redirects are not
  documents. A response whose ``Content-Type`` is not text or HTML is a
  document with outcome ``skipped`` (``unsupported-format``).
- **JSON Lines** (``.jsonl``, ``.jsonl.gz``): every non-blank line is one
  object with an ``id`` and either an ``html`` or a ``text`` field (and an
  optional ``url``), as dolma and datatrove write them.

Each record becomes a :class:`~pipeline.document.Document` whose ``id`` is
``<container>#<record id>`` (the JSONL ``id``, or the WARC target URI), and
whose output stem is ``<container>/<safe name>``: a name made from the record
id or URL with :func:`safe_record_name`, which keeps letters, digits, ``.``,
``-`` and ``_`` and nothing that could climb out of the output folder::

    >>> safe_record_name("https://example.com/news/2024/a-story.html?page=2")
    'example.com_news_2024_a-story.html_page_2'
    >>> safe_record_name("../../etc/passwd")
    'etc_passwd'

Records are read in file order; problems with one record (bad JSON, a record
over the size limit, a corrupt compressed payload) become that record's
failure, and the next record is read. Damage to the file itself (a gzip member
that stops decompressing, a ``Content-Length`` past the end of the file) is one
failed document (``bad-record``) that names the byte where it begins and where
reading went on: at the next gzip member or WARC record, so nothing after it is
lost. A file in which no record can be read at all is one ``bad-container``.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import io
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

from pipeline.config import Limits
from pipeline.document import Document
from pipeline.io.files import CONTAINER_SUFFIXES, JSONL_SUFFIXES, WARC_SUFFIXES, is_container, load_bytes

__all__ = ["CONTAINER_SUFFIXES", "JSONL_SUFFIXES", "WARC_SUFFIXES", "is_container", "iter_jsonl", "iter_records",
           "iter_warc", "safe_record_name"]

#: Longest record name kept in an output path (file systems allow 255 bytes;
#: room is left for the hash suffix, ``.json`` and multi-byte letters).
MAX_NAME_CHARS = 80
#: Hex digits of the id hash appended to names that were shortened or clash.
NAME_HASH_CHARS = 10
#: Characters allowed in an output name; everything else becomes ``_``.
_UNSAFE = re.compile(r"[^\w.\-]+")
_URL_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)
#: WARC payload types read as documents (anything else is ``unsupported-format``).
TEXT_CONTENT_TYPES = ("text/", "application/xhtml", "application/xml", "application/rss")
#: How much is read at a time when skipping over an over-long JSON line.
SKIP_CHUNK_BYTES = 1 << 20


def container_folder(rel: str) -> str:
    """Where a container's records are written: the container's own path (``crawl.warc.gz/``).

    Keeping the full file name means the folder can never clash with the
    outputs of a plain file next to it (``crawl.txt`` is written as ``crawl``).
    """
    return rel


def safe_record_name(name: str) -> str:
    """A file name made from a record id or URL, safe to join below the output folder.

    Path separators, ``..``, NUL, control and shell characters all become ``_``;
    leading dots are dropped (no hidden files, no ``..``); long names are cut and
    get a hash of the full name, so two long ids stay distinct.
    """
    text = _URL_SCHEME.sub("", name.strip())
    text = _UNSAFE.sub("_", text).strip("._-")
    text = re.sub(r"_{2,}", "_", text)
    if len(text) > MAX_NAME_CHARS:
        digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:NAME_HASH_CHARS]
        text = f"{text[:MAX_NAME_CHARS].rstrip('._-')}-{digest}"
    return text or "record"


class RecordNamer:
    """Unique output stems for the records of one container, in record order.

    A name already taken (compared without case, as on macOS and Windows file
    systems) gets the hash of the record id and, if the id itself repeats, the
    record's position: the result depends only on the container's content.
    """

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.taken: set[str] = set()

    def stem(self, record_id: str, position: int) -> str:
        name = safe_record_name(record_id)
        if name.lower() in self.taken:
            digest = hashlib.sha256(record_id.encode("utf-8", "surrogatepass")).hexdigest()[:NAME_HASH_CHARS]
            name = f"{name}-{digest}"
            if name.lower() in self.taken:
                name = f"{name}-{position}"
        self.taken.add(name.lower())
        return f"{self.folder}/{name}"


def _record_document(rel: str, record_id: str, position: int, namer: RecordNamer) -> Document:
    return Document(id=f"{rel}#{record_id}", source=f"{rel}#{record_id}", output=namer.stem(record_id, position))


def iter_records(path: Path, rel: str, limits: Limits = Limits()) -> Iterator[Document]:
    """Every document in the container at ``path`` (``rel`` below the input folder); a container that
    cannot be read is one failed document."""
    reader = iter_warc if rel.lower().endswith(WARC_SUFFIXES) else iter_jsonl
    try:
        yield from reader(path, rel, limits)
    except Exception as error:  # noqa: BLE001 - a broken container (warcio, gzip, I/O) must not stop the run
        doc = Document(id=rel, source=rel, output=f"{container_folder(rel)}/_container")
        doc.fail("read", "bad-container", f"{type(error).__name__}: {error}")
        yield doc


def _open_text_stream(path: Path) -> io.BufferedIOBase:
    raw = path.open("rb")
    return gzip.GzipFile(fileobj=raw) if path.name.lower().endswith(".gz") else raw  # type: ignore[return-value]


def _read_line(stream: io.BufferedIOBase, limit: int) -> tuple[bytes, bool]:
    """The next line (without its end), and whether it was cut at ``limit`` bytes."""
    line = stream.readline(limit + 1)
    if len(line) <= limit or line.endswith(b"\n"):
        return line, False
    while True:  # skip the rest of the over-long line without holding it
        rest = stream.readline(SKIP_CHUNK_BYTES)
        if not rest or rest.endswith(b"\n"):
            return line[:limit], True


def iter_jsonl(path: Path, rel: str, limits: Limits = Limits()) -> Iterator[Document]:
    """Documents of a JSON Lines file: ``{"id": ..., "html"|"text": ..., "url": ...}`` per line."""
    namer = RecordNamer(container_folder(rel))
    with _open_text_stream(path) as stream:
        number = 0
        while True:
            line, too_long = _read_line(stream, limits.max_input_bytes)
            if not line:
                return
            number += 1
            if not line.strip():
                continue
            if too_long:
                doc = _record_document(rel, f"line-{number}", number, namer)
                doc.fail("read", "too-large", f"line {number} is over {limits.max_input_bytes} bytes")
                yield doc
                continue
            yield _jsonl_document(line, rel, number, namer)


def _jsonl_document(line: bytes, rel: str, number: int, namer: RecordNamer) -> Document:
    try:
        record = json.loads(line)
    except (ValueError, UnicodeDecodeError) as error:
        record = error
    except RecursionError:  # arrays or objects nested deeper than the decoder goes: this line only
        record = ValueError("nested too deep to read")
    if not isinstance(record, dict):
        doc = _record_document(rel, f"line-{number}", number, namer)
        detail = str(record) if isinstance(record, Exception) else "a JSON line must be an object"
        doc.fail("read", "bad-record", f"line {number}: {detail}")
        return doc
    record_id = record.get("id")
    record_id = str(record_id) if record_id not in (None, "") else f"line-{number}"
    doc = _record_document(rel, record_id, number, namer)
    if isinstance(record.get("url"), str):
        doc.metadata["url"] = record["url"]
    field_name = "html" if isinstance(record.get("html"), str) else "text"
    content = record.get(field_name)
    if not isinstance(content, str):
        doc.fail("read", "bad-record", f"line {number}: no string 'html' or 'text' field")
        return doc
    doc = load_bytes(doc, content.encode("utf-8", "surrogatepass"))
    doc.format = field_name if field_name == "html" else "text"
    return doc


class CorruptData(ValueError):
    """Compressed data that stops decompressing part-way (a damaged gzip member or payload)."""


def _strict_decompress(reader, data: bytes) -> bytes:
    """warcio's ``_decompress``, except that data which stops decompressing part-way raises
    :class:`CorruptData`: warcio writes the error to stderr and returns nothing, which ends the file
    (or the payload) there without a word."""
    from warcio.bufferedreaders import BufferedReader

    if reader.decompressor and data and reader.num_block_read:
        try:
            return reader.decompressor.decompress(data)
        except Exception as error:  # noqa: BLE001 - zlib.error, brotli's: all mean the same here
            raise CorruptData(f"{type(error).__name__}: {error}") from error
    return BufferedReader._decompress(reader, data)


@functools.lru_cache(maxsize=1)
def _strict_readers() -> dict[str, type]:
    """warcio's readers with :func:`_strict_decompress`: the archive's, a payload's, a chunked payload's."""
    from warcio.bufferedreaders import BufferedReader, ChunkedDataReader, DecompressingBufferedReader

    return {name: type(f"Strict{base.__name__}", (base,), {"_decompress": _strict_decompress})
            for name, base in (("archive", DecompressingBufferedReader), ("payload", BufferedReader),
                               ("chunked", ChunkedDataReader))}


@functools.lru_cache(maxsize=1)
def quiet_archive_iterator() -> type:
    """warcio's ``ArchiveIterator`` without its warning on a record whose ``Content-Length`` is wrong,
    reading through a strict reader (:func:`_strict_decompress`).

    warcio writes that warning to stderr with the bytes that follow the record (a piece of a page),
    once per such record; a run's terminal shows the run, not pieces of a crawl, and the records
    are read all the same.
    """
    from warcio.archiveiterator import ArchiveIterator

    def __init__(self, fileobj, *args, **kwargs):  # noqa: N807 - ArchiveIterator's own signature
        ArchiveIterator.__init__(self, fileobj, *args, **kwargs)
        # Nothing has been read yet: the iterator reads through whichever reader it holds.
        self.reader = _strict_readers()["archive"](self.fh, block_size=kwargs.get("block_size", 16384))

    return type("QuietArchiveIterator", (ArchiveIterator,), {"INC_RECORD": "", "__init__": __init__})


def _content_stream(record):
    """The record's payload, de-chunked and decompressed as warcio's ``content_stream`` does, through
    the strict readers."""
    from warcio.bufferedreaders import BufferedReader

    encoding = (record.http_headers.get_header("content-encoding") or "").lower() or None
    if encoding not in BufferedReader.get_supported_decompressors():
        encoding = None
    readers = _strict_readers()
    if record.http_headers.get_header("transfer-encoding") == "chunked":
        return readers["chunked"](record.raw_stream, decomp_type=encoding)
    return readers["payload"](record.raw_stream, decomp_type=encoding) if encoding else record.raw_stream


#: A WARC record begins with its version line; reading resumes at the next one after damage.
_WARC_START = re.compile(rb"(?:^|\n)WARC/1\.[01]\r?\n")
_GZIP_MAGIC = b"\x1f\x8b\x08"
#: How much of a file is searched at a time for the next record or gzip member.
RESYNC_CHUNK_BYTES = 1 << 16
#: Damaged data is searched for a record to resume at this many times per file at most (random bytes
#: hold a gzip header every 16 MB or so; a file of crafted ones must not take the run hours).
MAX_RESYNCS = 1000


def _next_start(stream, after: int, gzipped: bool) -> int | None:
    """The offset of the next gzip member (``gzipped``) or WARC version line past byte ``after``."""
    position = after + 1
    tail = b""
    while True:
        stream.seek(position)
        chunk = stream.read(RESYNC_CHUNK_BYTES)
        if not chunk:
            return None
        data = tail + chunk
        base = position - len(tail)
        if gzipped:
            found = data.find(_GZIP_MAGIC)
            if found >= 0:
                return base + found
        elif match := _WARC_START.search(data):
            return base + match.start() + (1 if data[match.start():match.start() + 1] == b"\n" else 0)
        tail = data[-8:]
        position += len(chunk)


def _readable(text: str, limit: int = 120) -> str:
    """An error message fit for a sidecar: without the bytes warcio quotes, printable, short.

        >>> _readable("Invalid WARC record, first line: \\x1f\\x8b\\x08 ...")
        'Invalid WARC record'
    """
    text = text.split(", first line:")[0]
    cleaned = "".join(ch if ch.isprintable() and ch.isascii() else "?" for ch in text[:limit])
    return cleaned + ("..." if len(text) > limit else "")


def iter_warc(path: Path, rel: str, limits: Limits = Limits()) -> Iterator[Document]:
    """Documents of a WARC file: 2xx ``response`` records with an HTTP payload.

    HTTP headers are parsed here rather than by warcio's iterator, which stops
    the whole file at a response record without a ``WARC-Target-URI``; a record
    whose payload is not HTTP (``dns:``, ``file:``) is reported, not dropped.
    Damage does not cost the rest of the file: where the data stops making sense (a
    corrupt gzip member, a wrong ``Content-Length``), one failed document (``bad-record``)
    says where, and reading goes on at the next gzip member or WARC record.
    """
    gzipped = rel.lower().endswith(".gz")
    namer = RecordNamer(container_folder(rel))
    position, read_any, resyncs = 0, False, 0
    damage: tuple[int, str] | None = None  # (where the damage began, the first error there)
    with path.open("rb") as stream:
        size = os.fstat(stream.fileno()).st_size
        start: int | None = 0
        while start is not None:
            stream.seek(start)
            iterator = quiet_archive_iterator()(stream, no_record_parse=True)
            try:
                for record in iterator:
                    position += 1
                    if damage is not None:  # a record again: the damaged span ends here
                        yield _damaged(rel, damage, iterator.offset)
                        damage = None
                    declared = record.rec_headers.get_header("Content-Length") or "0"
                    if not gzipped and declared.isdigit() and iterator.offset + int(declared) > size:
                        # The record would swallow every record after it, as its payload.
                        raise ValueError(f"Content-Length {declared[:24]} runs past the end of the file")
                    read_any = True
                    yield from _response_documents(record, rel, position, namer, limits)
                start = None
            except Exception as error:  # noqa: BLE001 - warcio, zlib, a Content-Length past the end: damage
                # The iterator's offset: where the record it was reading starts (past the last whole one).
                at = max(int(getattr(iterator, "offset", start) or 0), start)
                if damage is None:
                    damage = (at, f"{type(error).__name__}: {_readable(str(error))}")
                    first_error = error
                resyncs += 1
                start = _next_start(stream, at, gzipped) if resyncs <= MAX_RESYNCS else None
    if damage is not None:
        if not read_any:
            raise first_error  # nothing of the file is a WARC record: a broken container
        yield _damaged(rel, damage, None)


def _damaged(rel: str, damage: tuple[int, str], resumed: int | None) -> Document:
    """The failed document that stands for a damaged span of a WARC file."""
    at, error = damage
    doc = Document(id=f"{rel}#damaged-at-{at}", source=f"{rel}#damaged-at-{at}",
                   output=f"{container_folder(rel)}/_damaged-at-{at}")
    until = f"; reading went on at byte {resumed}" if resumed is not None else "; nothing after it could be read"
    doc.fail("read", "bad-record", f"unreadable WARC data from byte {at} ({error}){until}")
    return doc


def _response_documents(record, rel: str, position: int, namer: RecordNamer, limits: Limits) -> Iterator[Document]:
    """The document of one WARC record, if it is one: a 2xx response with a text payload (or why not)."""
    from warcio.statusandheaders import StatusAndHeadersParser, StatusAndHeadersParserException

    if record.rec_type != "response":
        return
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    try:
        record.http_headers = StatusAndHeadersParser(["HTTP/1.0", "HTTP/1.1"]).parse(record.raw_stream)
    except (StatusAndHeadersParserException, EOFError, ValueError):
        doc = _record_document(rel, url or f"record-{position}", position, namer)
        doc.fail("read", "unsupported-format", f"non-HTTP response record {url[:80]}")
        yield doc
        return
    status = record.http_headers.get_statuscode() or ""
    if not status.startswith("2"):
        return
    record_id = url or record.rec_headers.get_header("WARC-Record-ID") or f"record-{position}"
    doc = _record_document(rel, record_id, position, namer)
    if url:
        doc.metadata["url"] = url
    content_type = (record.http_headers.get_header("Content-Type") or "text/html").lower()
    if not content_type.startswith(TEXT_CONTENT_TYPES):
        doc.fail("read", "unsupported-format", f"Content-Type {content_type.split(';')[0]}")
        yield doc
        return
    try:
        data = _content_stream(record).read(limits.max_input_bytes + 1)
    except CorruptData as error:
        doc.fail("read", "bad-record", f"the record's compressed payload is corrupt ({_readable(str(error))})")
        yield doc
        return
    if len(data) > limits.max_input_bytes:
        doc.fail("read", "too-large", f"payload over {limits.max_input_bytes} bytes")
        yield doc
        return
    yield load_bytes(doc, data)
