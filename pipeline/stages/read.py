"""Read: find input files below a folder and turn each into a Document.

Files are visited in sorted order of their relative path, so every run sees the
same sequence whatever the file system returns. ``.gz`` files are decompressed
with a ceiling on the decompressed size (a gzip bomb is a recorded failure, not
an out-of-memory crash). Whether a file is HTML or a text dump is decided by
sniffing its first bytes, because scraped dumps are often saved as ``.html``
and pages as ``.txt``::

    >>> sniff_format(b"<!DOCTYPE html><html><body>Hi</body></html>")
    'html'
    >>> sniff_format(b"Home | News\\nThe minister said <b> is a tag.")
    'text'
"""

from __future__ import annotations

import hashlib
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pipeline.document import Document

#: Suffixes read as single documents; each may also end in ``.gz``.
DOCUMENT_SUFFIXES = (".txt", ".html", ".htm", ".xhtml")

#: How much of a file is looked at to decide HTML or text.
SNIFF_BYTES = 2048
#: Markup that only HTML pages start with (after whitespace and comments).
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S)
#: Tags whose presence anywhere near the top means markup, not prose with a "<".
_HTML_TAGS = re.compile(rb"<(html|head|body|div|p|meta|script|title|article|span|table)\b[^>]*>", re.I)
#: A file with at least this many known tags in its head is HTML.
MIN_SNIFFED_TAGS = 3


@dataclass(frozen=True)
class Limits:
    """Ceilings that turn hostile input into a recorded reason."""

    max_input_bytes: int = 64 * 1024 * 1024
    max_decompressed_bytes: int = 64 * 1024 * 1024


class InputTooLarge(ValueError):
    pass


def sniff_format(data: bytes) -> str:
    """``"html"`` when the content is markup, else ``"text"``."""
    head = data[:SNIFF_BYTES]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if _HTML_START.match(head):
        return "html"
    return "html" if len(_HTML_TAGS.findall(head)) >= MIN_SNIFFED_TAGS else "text"


def gunzip_limited(data: bytes, limit: int) -> bytes:
    """Decompress gzip data, refusing to produce more than ``limit`` bytes.

    Truncated archives give what was decompressed so far (as ``gzip`` would
    after a partial download), which is usually most of a page.
    """
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    out = inflater.decompress(data, limit + 1)
    if len(out) > limit or inflater.unconsumed_tail:
        raise InputTooLarge(f"decompresses to more than {limit} bytes")
    return out


def is_document_file(path: Path) -> bool:
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return name.endswith(DOCUMENT_SUFFIXES)


def iter_input_files(root: Path, hidden: list[str] | None = None) -> list[Path]:
    """Every regular, non-hidden file below ``root``, sorted by relative path.

    Hidden files and folders (a leading ``.``: ``.DS_Store``, ``.git/``) are
    skipped, and their relative paths appended to ``hidden`` when it is given,
    so a run can report them; symbolic links to folders are skipped too, so a
    link cannot make the walk leave ``root`` or loop.
    """
    found: list[tuple[str, Path]] = []
    for folder, dirs, names in os.walk(root):
        base = Path(folder)
        prefix = base.relative_to(root).as_posix()
        prefix = "" if prefix == "." else prefix + "/"
        if hidden is not None:
            hidden.extend(f"{prefix}{name}/" for name in dirs if name.startswith("."))
            hidden.extend(f"{prefix}{name}" for name in names if name.startswith("."))
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        for name in names:
            path = base / name
            if name.startswith(".") or not path.is_file():
                continue
            found.append((prefix + name, path))
    return [path for _, path in sorted(found, key=lambda item: item[0])]


def read_document(path: Path, root: Path, limits: Limits = Limits()) -> Document:
    """One file as a Document, with ``raw``, ``sha256`` and ``format`` set.

    Problems that make the file unreadable become ``doc.failure``; nothing raises.
    """
    rel = path.relative_to(root).as_posix()
    doc = Document(id=rel, source=rel)
    try:
        size = path.stat().st_size
        if size > limits.max_input_bytes:
            doc.fail("read", "too-large", f"{size} bytes, limit {limits.max_input_bytes}")
            return doc
        data = path.read_bytes()
    except OSError as error:
        doc.fail("read", "unreadable", f"{type(error).__name__}: {error.strerror or error}")
        return doc
    doc.sha256 = hashlib.sha256(data).hexdigest()
    if path.name.lower().endswith(".gz"):
        try:
            data = gunzip_limited(data, limits.max_decompressed_bytes)
        except InputTooLarge as error:
            doc.fail("read", "too-large", str(error))
            return doc
        except (zlib.error, EOFError) as error:
            doc.fail("read", "bad-gzip", str(error))
            return doc
    return load_bytes(doc, data)


def load_bytes(doc: Document, data: bytes) -> Document:
    """Attach content to a Document: raw bytes, sha256 if unset, sniffed format."""
    doc.raw = data
    doc.sha256 = doc.sha256 or hashlib.sha256(data).hexdigest()
    if not data.strip():
        doc.fail("read", "empty", "the file has no content")
    doc.format = sniff_format(data)
    return doc


def output_stem(rel: str) -> str:
    """``news/a.html.gz`` -> ``news/a``: the path outputs are named after."""
    path = PurePosixPath(rel)
    name = path.name
    if name.lower().endswith(".gz"):
        name = name[:-3]
    stem, dot, suffix = name.rpartition(".")
    if dot and "." + suffix.lower() in DOCUMENT_SUFFIXES and stem:
        name = stem
    return str(path.with_name(name))


def assign_output_stems(ids: list[str]) -> dict[str, str]:
    """Output stems for document ids, keeping the full name where two would clash.

    ``a.txt`` and ``a.html`` in one folder both want ``a``: each then keeps its
    suffix (``a.txt.txt``/``a.html.txt``), so neither overwrites the other.
    """
    wanted: dict[str, list[str]] = {}
    for doc_id in ids:
        wanted.setdefault(output_stem(doc_id).lower(), []).append(doc_id)
    stems = {}
    for doc_id in ids:
        stem = output_stem(doc_id)
        stems[doc_id] = stem if len(wanted[stem.lower()]) == 1 else doc_id
    return stems


def _unsupported(rel: str, suffix: str) -> Document:
    doc = Document(id=rel, source=rel)
    doc.fail("read", "unsupported-format", f"{suffix or 'no suffix'} is not a known input type")
    return doc


def read_tree(root: Path, limits: Limits = Limits(), only: set[str] | None = None) -> Iterator[Document]:
    """Documents for every supported file below ``root`` (or those named in ``only``), in sorted order.

    Plain files give one document each, with ``doc.output`` set to its output
    stem; WARC and JSON Lines containers give one document per record (see
    :mod:`pipeline.stages.records`), in file order.
    """
    from pipeline.stages.records import is_container, iter_records

    paths = iter_input_files(root)
    rels = [path.relative_to(root).as_posix() for path in paths]
    # Stems come from the whole folder even when ``only`` names a few files:
    # whether "a.txt" is written as "a" depends on whether "a.html" exists.
    stems = assign_output_stems([rel for rel in rels if not is_container(rel)])
    for path, rel in zip(paths, rels):
        if only is not None and rel not in only:
            continue
        if is_container(rel):
            yield from iter_records(path, root, limits)
            continue
        doc = read_document(path, root, limits) if is_document_file(path) else _unsupported(rel, path.suffix)
        doc.output = stems[rel]
        yield doc
