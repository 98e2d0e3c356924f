"""Files: walk an input folder inside its boundary, and read each file as a Document.

The walk visits files in sorted order of their relative path, so every run
sees the same sequence whatever the file system returns; it streams (one
folder's listing at a time), so a folder of a million files costs no more
memory than one of a thousand. Whether a file is HTML or a text dump is
decided by sniffing its first bytes, because scraped dumps are often saved as
``.html`` and pages as ``.txt``::

    >>> sniff_format(b"<!DOCTYPE html><html><body>Hi</body></html>")
    'html'
    >>> sniff_format(b"Home | News\\nThe minister said <b> is a tag.")
    'text'

The boundary. Nothing outside the input folder is read, and nothing inside it
is passed over silently: every path the walk does not read is reported with
a reason (:class:`NotRead`):

- ``hidden``: a name starting with ``.`` (``.DS_Store``, ``.git/``);
- ``outside-input``: a symbolic link whose target resolves outside the input
  folder (a crawl unpacked with a link to ``/etc/passwd``); read only with
  ``follow_symlinks``;
- ``link-inside-input``: a link to a file or folder inside the input folder,
  which is read once, under its own path, never a second time through the
  link (so links cannot loop or count a document twice);
- ``not-a-regular-file``: a FIFO, socket or device, never opened (a run
  never blocks on one).

``.gz`` files are decompressed with a ceiling on the decompressed size (a gzip
bomb is a recorded failure, not an out-of-memory crash).
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Limits
from pipeline.document import Document

#: Suffixes read as single documents; each may also end in ``.gz``.
DOCUMENT_SUFFIXES = (".txt", ".html", ".htm", ".xhtml")

#: Suffixes of container files, each holding many documents (:mod:`pipeline.io.records`).
WARC_SUFFIXES = (".warc", ".warc.gz")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
CONTAINER_SUFFIXES = WARC_SUFFIXES + JSONL_SUFFIXES

#: How much of a file is looked at to decide HTML or text.
SNIFF_BYTES = 2048
#: Markup that only HTML pages start with (after whitespace and comments).
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S)
#: Tags whose presence anywhere near the top means markup, not prose with a "<".
_HTML_TAGS = re.compile(rb"<(html|head|body|div|p|meta|script|title|article|span|table)\b[^>]*>", re.I)
#: A file with at least this many known tags in its head is HTML.
MIN_SNIFFED_TAGS = 3

#: Reasons a path below the input folder is not read (see the module docstring).
HIDDEN, OUTSIDE_INPUT, LINK_INSIDE_INPUT, NOT_A_REGULAR_FILE = (
    "hidden", "outside-input", "link-inside-input", "not-a-regular-file")


class InputTooLarge(ValueError):
    pass


@dataclass(frozen=True)
class InputFile:
    """A file the walk reads: its relative path (with ``/``) and where it is."""

    rel: str
    path: Path
    #: Where its outputs go, below the output folder (:func:`assign_output_stems`; unused for containers).
    stem: str = ""


@dataclass(frozen=True)
class NotRead:
    """A path below the input folder that is not read, and why."""

    rel: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.rel, "reason": self.reason}


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


def is_container(name: str) -> bool:
    """Whether a file holds many documents (WARC, JSON Lines): see :mod:`pipeline.io.records`."""
    return name.lower().endswith(CONTAINER_SUFFIXES)


def is_document_file(name: str) -> bool:
    name = name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return name.endswith(DOCUMENT_SUFFIXES)


def _inside(target: str, root: str) -> bool:
    return target == root or target.startswith(root.rstrip(os.sep) + os.sep)


def walk_input(root: Path, follow_symlinks: bool = False) -> Iterator[InputFile | NotRead]:
    """Every path below ``root`` in sorted order of relative path: files to read, and what is not read.

    A folder's entries are sorted with folders keyed as ``name/``, so a depth-first walk yields
    relative paths in exactly the order sorting all of them would (``a-b`` before ``a/x``).
    """
    real_root = os.path.realpath(root)
    yield from _walk(Path(root), "", real_root, follow_symlinks, frozenset({real_root}))


def _walk(folder: Path, prefix: str, real_root: str, follow: bool, open_folders: frozenset[str] | set[str]
          ) -> Iterator[InputFile | NotRead]:
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError:
        return  # a folder that cannot be listed has nothing to read; the run goes on
    keyed = []
    for entry in entries:
        try:
            is_dir = entry.is_dir()  # follows a link: a link to a folder sorts as a folder
        except OSError:
            is_dir = False
        keyed.append((entry.name + "/" if is_dir else entry.name, entry, is_dir))
    found: list[InputFile | NotRead | tuple[Path, str, str]] = []  # a tuple is a folder to walk
    for key, entry, is_dir in sorted(keyed, key=lambda item: item[0]):
        found.append(_classify(folder / entry.name, prefix + key, entry, is_dir, real_root, follow, open_folders))
    # Output stems clash only between files of one folder ("a.txt" and "a.html" both want "a").
    stems = assign_output_stems([item.rel for item in found if isinstance(item, InputFile) and not is_container(item.rel)])
    for item in found:
        if isinstance(item, tuple):
            path, rel, target = item
            yield from _walk(path, rel, real_root, follow, {*open_folders, target})
        elif isinstance(item, InputFile):
            yield InputFile(item.rel, item.path, stems.get(item.rel, ""))
        else:
            yield item


def _classify(path: Path, rel: str, entry: os.DirEntry, is_dir: bool, real_root: str, follow: bool,
              open_folders: frozenset[str] | set[str]) -> InputFile | NotRead | tuple[Path, str, str]:
    """What the walk does with one entry of a folder (see the module docstring)."""
    if entry.name.startswith("."):
        return NotRead(rel, HIDDEN)
    target = os.path.realpath(path) if is_dir or entry.is_symlink() else ""
    if entry.is_symlink():
        if _inside(target, real_root):
            return NotRead(rel, LINK_INSIDE_INPUT)
        if not follow:
            return NotRead(rel, OUTSIDE_INPUT)
        if target in open_folders:  # a link back into a folder being walked: a loop
            return NotRead(rel, LINK_INSIDE_INPUT)
    if is_dir:
        return (path, rel, target)
    try:
        # The entry's type from the listing, without a stat; a followed link's from its target.
        regular = stat.S_ISREG(os.stat(path).st_mode) if entry.is_symlink() else entry.is_file(follow_symlinks=False)
    except OSError:
        regular = False
    return InputFile(rel, path) if regular else NotRead(rel, NOT_A_REGULAR_FILE)


#: Bytes asked for at a time once a file is longer than it said it was (it grew after ``fstat``).
READ_CHUNK = 1 << 16


def _read_up_to(fd: int, expected: int, most: int) -> bytes:
    """At most ``most`` bytes of an open file, asking for the ``expected`` size (from ``fstat``) first.

    Asking for the limit itself would allocate a buffer of the limit's size for every file, tens of
    megabytes for a page of ten kilobytes, which cost more than the read.
    """
    chunks, size = [], 0
    want = min(expected + 1, most)
    while size < most:
        chunk = os.read(fd, min(max(want - size, READ_CHUNK), most - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if size == expected and len(chunk) < want:
            break  # the size fstat gave, and no byte more where one more was asked for: the end
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def read_document(path: Path, rel: str, limits: Limits = Limits(), follow_symlinks: bool = False) -> Document:
    """One file as a Document, with ``raw``, ``sha256`` and ``format`` set.

    The file is opened without following a link (unless ``follow_symlinks``) and without blocking,
    and read only if it is still a regular file, so a path swapped for a link or a FIFO after the
    walk saw it is refused, not followed or waited on. Problems that make the file unreadable become
    ``doc.failure``; nothing raises.
    """
    doc = Document(id=rel, source=rel)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | (0 if follow_symlinks else getattr(os, "O_NOFOLLOW", 0))
    try:
        fd = os.open(path, flags)
    except OSError as error:
        reason = OUTSIDE_INPUT if error.errno == errno.ELOOP else "unreadable"
        doc.fail("read", reason, f"{type(error).__name__}: {error.strerror or error}")
        return doc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            doc.fail("read", NOT_A_REGULAR_FILE, "the path is no longer a regular file")
            return doc
        if info.st_size > limits.max_input_bytes:
            doc.fail("read", "too-large", f"{info.st_size} bytes, limit {limits.max_input_bytes}")
            return doc
        data = _read_up_to(fd, info.st_size, limits.max_input_bytes + 1)
    except OSError as error:
        doc.fail("read", "unreadable", f"{type(error).__name__}: {error.strerror or error}")
        return doc
    finally:
        os.close(fd)
    if len(data) > limits.max_input_bytes:  # it grew after the size was looked at
        doc.fail("read", "too-large", f"over {limits.max_input_bytes} bytes")
        return doc
    doc.sha256 = hashlib.sha256(data).hexdigest()
    if rel.lower().endswith(".gz"):
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
    folder, slash, name = rel.rpartition("/")
    if name.lower().endswith(".gz"):
        name = name[:-3]
    stem, dot, suffix = name.rpartition(".")
    if dot and "." + suffix.lower() in DOCUMENT_SUFFIXES and stem:
        name = stem
    return folder + slash + name


def assign_output_stems(ids: list[str]) -> dict[str, str]:
    """Output stems for document ids, keeping the full name where two would clash.

    ``a.txt`` and ``a.html`` in one folder both want ``a``: each then keeps its
    suffix (``a.txt.txt``/``a.html.txt``), so neither overwrites the other.
    Names are compared without case, as macOS and Windows file systems do.
    """
    wanted: dict[str, list[str]] = {}
    for doc_id in ids:
        wanted.setdefault(output_stem(doc_id).lower(), []).append(doc_id)
    stems = {}
    for doc_id in ids:
        stem = output_stem(doc_id)
        stems[doc_id] = stem if len(wanted[stem.lower()]) == 1 else doc_id
    return stems
