"""Loaders for the evaluation corpora in ``../shared/eval`` (and the seeds).

Each loader yields simple records in sorted order of their id, so every run
(and every training job) sees the same sequence:

- :class:`Page`: one page with a reference body, for the HTML and dump tracks
  (``scrapinghub``, ``wcxb-dev``, the CNN Arabic and assabah pages);
- :class:`LabelledDump`: one text dump with a class for every non-blank line
  (``body``, ``drop`` or ``meta``), for the seeds, the Arabic dumps and
  ``sites-dev``.

Text dumps of HTML pages are made with :func:`make_dump`, the recipe of the
corpora's README; it reproduces the 181 ``scrapinghub/dumps/`` byte for byte.
Dumps the corpora do not ship (``wcxb-dev``) are made once and cached below
``eval-out/dumps/`` (keyed by the inscriptis version, so an upgrade remakes
them)::

    >>> make_dump("<html><body><p>Menu</p><p>Body\\u00a0 text.</p></body></html>")
    'Menu\\n\\nBody text.\\n'
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata as package_metadata
from pathlib import Path
from typing import Any

#: Line classes of the hand labels (``../shared/gold/README.md``).
BODY, DROP, META = "body", "drop", "meta"
LINE_CLASSES = (BODY, DROP, META)

#: Where dumps made from HTML are cached (relative to the working directory,
#: like ``pipeline eval --out eval-out``).
DEFAULT_CACHE_DIR = Path("eval-out") / "dumps"

#: Recipe step 2: runs of spaces, tabs and NBSP become one space.
_SPACE_RUN = re.compile(r"[ \t\u00a0]+")

#: Corpus names, as they appear in the eval table.
SCRAPINGHUB, WCXB, ARABIC_DEV, SEEDS, SITES_DEV = "scrapinghub", "wcxb-dev", "arabic-dev", "seeds", "sites-dev"


@dataclass(frozen=True)
class Page:
    """A page with a reference article body (``truth``); either track may be missing.

    ``title``/``author``/``date`` are the reference metadata where the corpus
    has it (``date`` as ``YYYY-MM-DD``). ``with_snippets`` must appear in a
    good body and ``without_snippets`` must not.
    """

    corpus: str
    id: str
    html: str | None
    dump: str | None
    truth: str
    url: str | None = None
    title: str | None = None
    author: str | None = None
    date: str | None = None
    with_snippets: tuple[str, ...] = ()
    without_snippets: tuple[str, ...] = ()


@dataclass(frozen=True)
class LabelledDump:
    """A text dump with a class for each non-blank line (1-based line numbers of ``text``).

    ``categories`` gives the finer kind of each line (``nav``, ``paragraph``,
    ...); ``meta`` the reference metadata (``title``, ``date``, ``author``,
    ``url``, ``language``; null where the dump does not say). ``site`` groups
    pages of one site (for the cross-document pass); ``html`` is the page the
    dump was made from, when the corpus has it.
    """

    corpus: str
    id: str
    text: str
    labels: dict[int, str]
    categories: dict[int, str] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    site: str | None = None
    html: str | None = None

    def lines_of(self, line_class: str) -> list[str]:
        """The stripped text of the lines labelled ``line_class``, in order."""
        source = self.text.splitlines()
        return [source[number - 1].strip() for number in sorted(self.labels)
                if self.labels[number] == line_class and number <= len(source)]

    @property
    def truth(self) -> str:
        """The reference body: the ``body`` lines, one per line."""
        return "\n".join(self.lines_of(BODY))


# --------------------------------------------------------------------------- dumps

def make_dump(html: str) -> str:
    """The README's text dump of ``html``: what a naive scraper saves.

    1. ``inscriptis.get_text(html)``; 2. in every line, runs of spaces, tabs and
    NBSP become one space and the line is stripped; 3. runs of blank lines
    become one blank line. The result has no leading or trailing blank lines
    and ends in one newline (as the shipped dumps do).
    """
    import inscriptis  # an ``eval`` extra: imported only when a dump is made

    lines: list[str] = []
    for raw in inscriptis.get_text(html).split("\n"):
        line = _SPACE_RUN.sub(" ", raw).strip()
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip("\n") + "\n"


def _dump_cache(cache_dir: Path, corpus: str) -> Path:
    try:
        version = package_metadata.version("inscriptis")
    except package_metadata.PackageNotFoundError:
        version = "unknown"
    return Path(cache_dir) / corpus / f"inscriptis-{version}"


def cached_dump(html: str, corpus: str, page_id: str, cache_dir: Path = DEFAULT_CACHE_DIR) -> str:
    """:func:`make_dump` of ``html``, made once and kept at ``<cache>/<corpus>/inscriptis-<v>/<id>.txt``."""
    path = _dump_cache(cache_dir, corpus) / f"{page_id}.txt"
    if path.is_file():
        return path.read_text(encoding="utf-8")
    dump = make_dump(html)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(dump, encoding="utf-8", newline="\n")
    tmp.replace(path)
    return dump


# --------------------------------------------------------------------------- helpers

def _read_text(path: Path) -> str:
    """A UTF-8 file, gunzipped when it ends in ``.gz``; undecodable bytes replaced."""
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return data.decode("utf-8", errors="replace")


def _read_labels(path: Path) -> tuple[dict[int, str], dict[int, str]]:
    """``line -> class`` and ``line -> category`` from a ``<name>.labels.tsv``."""
    labels: dict[int, str] = {}
    categories: dict[int, str] = {}
    for row in path.read_text(encoding="utf-8").splitlines()[1:]:
        if not row.strip():
            continue
        number, line_class, category = (row.split("\t") + ["", ""])[:3]
        if line_class not in LINE_CLASSES:
            raise ValueError(f"{path}: unknown class {line_class!r} on line {number}")
        labels[int(number)] = line_class
        categories[int(number)] = category
    return labels, categories


def _date_part(value: str | None) -> str | None:
    return value[:10] if value else None


def _labelled_dump(corpus: str, page_id: str, dump_path: Path, labels_path: Path,
                   site: str | None = None, html_path: Path | None = None) -> LabelledDump:
    labels, categories = _read_labels(labels_path)
    meta_path = labels_path.with_name(labels_path.name.replace(".labels.tsv", ".meta.json"))
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
    html = _read_text(html_path) if html_path is not None and html_path.is_file() else None
    return LabelledDump(corpus, page_id, dump_path.read_text(encoding="utf-8"), labels, categories,
                        meta, site, html)


# --------------------------------------------------------------------------- corpora

def scrapinghub(root: Path) -> Iterator[Page]:
    """The 181 scrapinghub benchmark pages, with their shipped dumps. ``root`` is the ``eval`` folder."""
    base = Path(root) / "scrapinghub"
    truth = json.loads((base / "ground-truth.json").read_text(encoding="utf-8"))
    for page_id in sorted(truth):
        html_path = base / "html" / f"{page_id}.html.gz"
        dump_path = base / "dumps" / f"{page_id}.txt"
        yield Page(
            corpus=SCRAPINGHUB, id=page_id,
            html=_read_text(html_path) if html_path.is_file() else None,
            dump=dump_path.read_text(encoding="utf-8") if dump_path.is_file() else None,
            truth=truth[page_id]["articleBody"], url=truth[page_id].get("url") or None,
        )


def wcxb(root: Path, cache_dir: Path = DEFAULT_CACHE_DIR, dumps: bool = True) -> Iterator[Page]:
    """The WCXB dev-split article pages; dumps made with :func:`make_dump` and cached.

    ``dumps=False`` skips making missing dumps (``Page.dump`` is then None
    unless already cached).
    """
    base = Path(root) / "wcxb-dev"
    for truth_path in sorted((base / "ground-truth").glob("*.json")):
        page_id = truth_path.stem
        record = json.loads(truth_path.read_text(encoding="utf-8"))
        gold = record.get("ground_truth", {})
        html_path = base / "html" / f"{page_id}.html.gz"
        html = _read_text(html_path) if html_path.is_file() else None
        dump = None
        if html is not None:
            cached = _dump_cache(cache_dir, WCXB) / f"{page_id}.txt"
            if dumps or cached.is_file():
                dump = cached_dump(html, WCXB, page_id, cache_dir)
        yield Page(
            corpus=WCXB, id=page_id, html=html, dump=dump,
            truth=gold.get("main_content") or "", url=record.get("url") or None,
            title=gold.get("title") or None, author=gold.get("author") or None,
            date=_date_part(gold.get("publish_date")),
            with_snippets=tuple(gold.get("with") or ()), without_snippets=tuple(gold.get("without") or ()),
        )


def arabic_dev(root: Path) -> Iterator[Page]:
    """The two Arabic pages with reference bodies: ``cnn-arabic`` (body.txt) and ``assabah`` (snippets).

    Both have their shipped dump (``arabic-dev/dumps/``). assabah has no
    reference body, only snippets: ``truth`` is empty.
    """
    base = Path(root) / "arabic-dev"
    cnn = base / "cnn-arabic"
    if cnn.is_dir():
        meta = json.loads((cnn / "metadata.json").read_text(encoding="utf-8"))
        dump_path = base / "dumps" / "cnnarabic__1.txt"
        yield Page(
            corpus=ARABIC_DEV, id="cnn-arabic", html=_read_text(cnn / "page.html"),
            dump=dump_path.read_text(encoding="utf-8") if dump_path.is_file() else None,
            truth=(cnn / "body.txt").read_text(encoding="utf-8"), url=meta.get("url") or None,
            title=meta.get("title") or None, author=", ".join(meta.get("authors") or ()) or None,
            date=_date_part(meta.get("publish_date")),
        )
    assabah = base / "assabah"
    if assabah.is_dir():
        snippets = json.loads((assabah / "snippets.json").read_text(encoding="utf-8"))
        url, record = sorted(snippets.items())[0]
        dump_path = base / "dumps" / "assabah__1.txt"
        yield Page(
            corpus=ARABIC_DEV, id="assabah", html=_read_text(assabah / "page.html"),
            dump=dump_path.read_text(encoding="utf-8") if dump_path.is_file() else None,
            truth="", url=url, title=record.get("title") or None, author=record.get("author") or None,
            date=_date_part(record.get("date")),
            with_snippets=tuple(record.get("with") or ()), without_snippets=tuple(record.get("without") or ()),
        )


def arabic_dev_dumps(root: Path) -> Iterator[LabelledDump]:
    """The six Arabic news dumps with a label for every line (``arabic-dev/dumps`` + ``gold``)."""
    base = Path(root) / "arabic-dev"
    for labels_path in sorted((base / "gold").glob("*.labels.tsv")):
        name = labels_path.name[: -len(".labels.tsv")]
        yield _labelled_dump(ARABIC_DEV, name, base / "dumps" / f"{name}.txt", labels_path,
                             html_path=base / "pages" / f"{name}.html")


def seeds(seeds_dir: Path, gold_dir: Path) -> Iterator[LabelledDump]:
    """The sample dumps in ``../shared/seeds`` with their labels in ``../shared/gold``."""
    for labels_path in sorted(Path(gold_dir).glob("*.labels.tsv")):
        name = labels_path.name[: -len(".labels.tsv")]
        dump_path = Path(seeds_dir) / f"{name}.txt"
        if dump_path.is_file():
            yield _labelled_dump(SEEDS, name, dump_path, labels_path)


def sites_dev(root: Path) -> Iterator[LabelledDump]:
    """Pages of one site each (``sites-dev/<site>/``), ids ``<site>/<n>``, sorted by site then id."""
    base = Path(root) / "sites-dev"
    gold = base / "gold"
    if not gold.is_dir():
        return
    for site_dir in sorted(path for path in gold.iterdir() if path.is_dir()):
        site = site_dir.name
        for labels_path in sorted(site_dir.glob("*.labels.tsv")):
            name = labels_path.name[: -len(".labels.tsv")]
            yield _labelled_dump(SITES_DEV, f"{site}/{name}", base / "dumps" / site / f"{name}.txt",
                                 labels_path, site=site, html_path=base / "pages" / site / f"{name}.html")
