"""A multilingual (Arabic, English) cleaning pipeline for scraped news dumps.

Library use: every stage is importable on its own, and ``clean_document`` runs
the whole chain on one document::

    >>> from pipeline import clean_document, sidecar
    >>> doc = clean_document(open("raw/seeds/003_b3a1f4fd9382c207.txt", "rb").read(), path="a.txt")  # doctest: +SKIP
    >>> doc.body, sidecar(doc)["title"]  # doctest: +SKIP
"""

from pipeline.core import Config, __version__, clean_document, default_stages, run_stages
from pipeline.document import Document, Failure, Line
from pipeline.stages.boilerplate import Boilerplate
from pipeline.stages.decode import Decode, decode_bytes
from pipeline.stages.extract import Extract, extract_html, split_dump
from pipeline.stages.language import DocumentLanguage, LineLanguage, detect_language
from pipeline.stages.metadata import Metadata, dump_metadata
from pipeline.stages.normalize import Normalize, normalize_text
from pipeline.stages.read import read_document, read_tree, sniff_format
from pipeline.stages.repair import Repair, repair_text
from pipeline.stages.write import Write, sidecar, write_outputs

__all__ = [
    "Boilerplate", "Config", "Decode", "Document", "DocumentLanguage", "Extract", "Failure", "Line",
    "LineLanguage", "Metadata", "Normalize", "Repair", "Write", "__version__", "clean_document",
    "decode_bytes", "default_stages", "detect_language", "dump_metadata", "extract_html", "normalize_text",
    "read_document", "read_tree", "repair_text", "run_stages", "sidecar", "sniff_format", "split_dump",
    "write_outputs",
]
