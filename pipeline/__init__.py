"""A multilingual (Arabic, English) cleaning pipeline for scraped news dumps.

A folder in, a folder out, through any list of stages::

    >>> from pipeline import run, Config
    >>> summary = run("raw", "clean")  # doctest: +SKIP
    >>> summary.line()  # doctest: +SKIP
    '11 documents, 11 written, 0 failed, 0 without body, 127 lines removed'

One document, or documents already in memory::

    >>> from pipeline import clean_document, sidecar, __version__
    >>> doc = clean_document(open("raw/seeds/003_b3a1f4fd9382c207.txt", "rb").read(), path="a.txt")  # doctest: +SKIP
    >>> doc.body, sidecar(doc, __version__)["title"]  # doctest: +SKIP
"""

from pipeline.chain import clean_document, clean_documents, default_stages, run_batch
from pipeline.config import Config, Limits
from pipeline.document import Document, Failure, Line
from pipeline.io.files import read_document, sniff_format
from pipeline.io.source import FileSource
from pipeline.io.write import Sink, sidecar, write_outputs
from pipeline.runners.run import Steps, run
from pipeline.sitewide import SitePass
from pipeline.stages import BatchStage, Stage
from pipeline.stages.boilerplate import Boilerplate
from pipeline.stages.decode import Decode, decode_bytes
from pipeline.stages.extract import Extract, extract_html, split_dump
from pipeline.stages.language import DocumentLanguage, LineLanguage, detect_language
from pipeline.stages.metadata import Metadata, dump_metadata
from pipeline.stages.normalize import Normalize, normalize_text
from pipeline.stages.repair import Repair, repair_text
from pipeline.version import __version__

__all__ = [
    "BatchStage", "Boilerplate", "Config", "Decode", "Document", "DocumentLanguage", "Extract", "Failure",
    "FileSource", "Limits", "Line", "LineLanguage", "Metadata", "Normalize", "Repair", "Sink", "SitePass", "Stage",
    "Steps", "__version__", "clean_document", "clean_documents", "decode_bytes", "default_stages", "detect_language",
    "dump_metadata", "extract_html", "normalize_text", "read_document", "repair_text", "run", "run_batch", "sidecar",
    "sniff_format", "split_dump", "write_outputs",
]
