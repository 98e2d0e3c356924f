"""Source: the first step of a run, the documents below an input folder, in sorted order.

Plain files give one document each, with ``doc.output`` set to its output
stem; WARC and JSON Lines containers give one document per record (see
:mod:`pipeline.io.records`), in file order. What the walk does not read is
reported by :meth:`FileSource.walk` as :class:`~pipeline.io.files.NotRead`,
each with its reason, so a run can list it::

    >>> source = FileSource(Path("raw"))
    >>> [doc.id for doc in source.documents()][:1]  # doctest: +SKIP
    ['arabic/cnn-arabic.html']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.config import Limits
from pipeline.document import Document
from pipeline.io.files import InputFile, NotRead, is_container, is_document_file, read_document, walk_input
from pipeline.io.records import iter_records


@dataclass(frozen=True)
class FileSource:
    """Step: read the documents below ``root`` (see the module docstring)."""

    root: Path
    limits: Limits = field(default_factory=Limits)
    follow_symlinks: bool = False
    name = "read"

    def walk(self) -> Iterator[InputFile | NotRead]:
        """Every path below the folder, in sorted order: files to read, and what is not read and why."""
        return walk_input(self.root, self.follow_symlinks)

    def read(self, item: InputFile) -> Iterator[Document]:
        """The documents of one input file (one, or a container's records)."""
        if is_container(item.rel):
            yield from iter_records(item.path, item.rel, self.limits)
            return
        if is_document_file(item.rel):
            doc = read_document(item.path, item.rel, self.limits, self.follow_symlinks)
        else:
            doc = Document(id=item.rel, source=item.rel)
            suffix = Path(item.rel).suffix
            doc.fail("read", "unsupported-format", f"{suffix or 'no suffix'} is not a known input type")
        doc.output = item.stem
        yield doc

    def documents(self, files: Iterable[InputFile | NotRead] | None = None,
                  wanted: Callable[[str], bool] | None = None) -> Iterator[Document]:
        """The documents of ``files`` (default: the whole walk), or of those whose relative path
        ``wanted`` accepts."""
        for item in self.walk() if files is None else files:
            if isinstance(item, InputFile) and (wanted is None or wanted(item.rel)):
                yield from self.read(item)
