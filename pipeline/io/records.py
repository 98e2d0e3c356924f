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
over the size limit) become that record's failure, and the next record is read.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import io
import json
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


@functools.lru_cache(maxsize=1)
def quiet_archive_iterator() -> type:
    """warcio's ``ArchiveIterator`` without its warning on a record whose ``Content-Length`` is wrong.

    warcio writes that warning to stderr with the bytes that follow the record (a piece of a page),
    once per such record; a run's terminal shows the run, not pieces of a crawl, and the records
    are read all the same.
    """
    from warcio.archiveiterator import ArchiveIterator

    return type("QuietArchiveIterator", (ArchiveIterator,), {"INC_RECORD": ""})  # the text warcio writes


def iter_warc(path: Path, rel: str, limits: Limits = Limits()) -> Iterator[Document]:
    """Documents of a WARC file: 2xx ``response`` records with an HTTP payload.

    HTTP headers are parsed here rather than by warcio's iterator, which stops
    the whole file at a response record without a ``WARC-Target-URI``; a record
    whose payload is not HTTP (``dns:``, ``file:``) is reported, not dropped.
    """
    from warcio.statusandheaders import StatusAndHeadersParser, StatusAndHeadersParserException

    http_parser = StatusAndHeadersParser(["HTTP/1.0", "HTTP/1.1"])
    namer = RecordNamer(container_folder(rel))
    with path.open("rb") as stream:
        for position, record in enumerate(quiet_archive_iterator()(stream, no_record_parse=True), start=1):
            if record.rec_type != "response":
                continue
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            try:
                record.http_headers = http_parser.parse(record.raw_stream)
            except (StatusAndHeadersParserException, EOFError, ValueError):
                doc = _record_document(rel, url or f"record-{position}", position, namer)
                doc.fail("read", "unsupported-format", f"non-HTTP response record {url[:80]}")
                yield doc
                continue
            status = record.http_headers.get_statuscode() or ""
            if not status.startswith("2"):
                continue
            record_id = url or record.rec_headers.get_header("WARC-Record-ID") or f"record-{position}"
            doc = _record_document(rel, record_id, position, namer)
            if url:
                doc.metadata["url"] = url
            content_type = (record.http_headers.get_header("Content-Type") or "text/html").lower()
            if not content_type.startswith(TEXT_CONTENT_TYPES):
                doc.fail("read", "unsupported-format", f"Content-Type {content_type.split(';')[0]}")
                yield doc
                continue
            data = record.content_stream().read(limits.max_input_bytes + 1)
            if len(data) > limits.max_input_bytes:
                doc.fail("read", "too-large", f"payload over {limits.max_input_bytes} bytes")
                yield doc
                continue
            yield load_bytes(doc, data)
