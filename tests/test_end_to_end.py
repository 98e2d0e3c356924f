"""End to end: raw/ -> clean/ as a user runs it, checked against the hand labels."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from pipeline import run

SEEDS = sorted(p.stem for p in (Path(__file__).resolve().parent.parent / "raw" / "seeds").glob("*.txt"))


#: The incremental-run manifest is a cache of the machine that ran (it hashes the
#: code): not an output, not committed.
MANIFEST = "_manifest.jsonl"


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != MANIFEST}


def gold_labels(data_dir: Path, name: str) -> dict[int, tuple[str, str]]:
    rows = (data_dir / "gold" / f"{name}.labels.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return {int(r.split("\t")[0]): (r.split("\t")[1], r.split("\t")[3]) for r in rows if r.strip()}


def test_committed_clean_is_current(repo_root: Path, fresh_clean: Path) -> None:
    """clean/ must be exactly what the code makes of raw/: run `make clean` and commit it."""
    committed, fresh = tree_bytes(repo_root / "clean"), tree_bytes(fresh_clean)
    assert sorted(committed) == sorted(fresh), "clean/ lists other files than a fresh run: run `make clean`"
    stale = [name for name in fresh if committed[name] != fresh[name]]
    assert not stale, f"clean/ is stale for {stale[:5]}: run `make clean` and commit the result"


def test_two_runs_are_byte_identical_whatever_the_workers(repo_root: Path, fresh_clean: Path, tmp_path: Path) -> None:
    run(repo_root / "raw", tmp_path / "one", workers=1)
    assert tree_bytes(tmp_path / "one") == tree_bytes(fresh_clean)


def test_raw_is_never_modified(repo_root: Path, tmp_path: Path) -> None:
    before = {k: hashlib.sha256(v).hexdigest() for k, v in tree_bytes(repo_root / "raw").items()}
    run(repo_root / "raw", tmp_path / "out", workers=1)
    assert {k: hashlib.sha256(v).hexdigest() for k, v in tree_bytes(repo_root / "raw").items()} == before


def test_output_inside_input_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Some text here.\n")
    with pytest.raises(ValueError, match="must not be inside"):
        run(tmp_path, tmp_path / "out")


@pytest.mark.parametrize("name", SEEDS)
def test_seed_body_has_no_drop_line_and_loses_no_body_line(fresh_clean: Path, data_dir: Path, name: str) -> None:
    body_lines = set((fresh_clean / "seeds" / f"{name}.txt").read_text(encoding="utf-8").splitlines())
    sidecar = json.loads((fresh_clean / "seeds" / f"{name}.json").read_text(encoding="utf-8"))
    removed = {entry["line"]: entry for entry in sidecar["removed"]}
    leaked, lost = [], []
    for number, (label, start) in gold_labels(data_dir, name).items():
        if label == "drop" and number not in removed:
            leaked.append((number, start))
        if label == "body" and number in removed:
            lost.append((number, removed[number]["reason"], start))
    assert not leaked, f"drop lines left in the body: {leaked}"
    assert not lost, f"body lines removed: {lost}"
    assert body_lines - {""}, "the body is empty"


@pytest.mark.parametrize("name", SEEDS)
def test_seed_metadata_matches_gold(fresh_clean: Path, data_dir: Path, name: str) -> None:
    sidecar = json.loads((fresh_clean / "seeds" / f"{name}.json").read_text(encoding="utf-8"))
    gold = json.loads((data_dir / "gold" / f"{name}.meta.json").read_text(encoding="utf-8"))
    for field in ("title", "date", "author", "url", "site", "tags", "language"):
        assert sidecar.get(field) == gold.get(field), field


def test_seed_body_has_no_title(fresh_clean: Path, data_dir: Path) -> None:
    for name in SEEDS:
        gold = json.loads((data_dir / "gold" / f"{name}.meta.json").read_text(encoding="utf-8"))
        body = (fresh_clean / "seeds" / f"{name}.txt").read_text(encoding="utf-8").splitlines()
        assert gold["title"] not in body


def _arabic_tokens(text: str) -> list[str]:
    import unicodedata

    text = unicodedata.normalize("NFKC", text)
    text = re.sub("[\u064b-\u065f\u0670\u0640]", "", text)
    return re.findall(r"\w+", text)


def test_cnn_arabic_page_body_matches_its_reference(fresh_clean: Path, data_dir: Path) -> None:
    from collections import Counter

    sidecar = json.loads((fresh_clean / "arabic" / "cnn-arabic.json").read_text(encoding="utf-8"))
    assert sidecar["language"] == "ar"
    ours = Counter(_arabic_tokens((fresh_clean / "arabic" / "cnn-arabic.txt").read_text(encoding="utf-8")))
    truth = Counter(_arabic_tokens((data_dir / "arabic" / "cnn-body.txt").read_text(encoding="utf-8")))
    overlap = sum((ours & truth).values())
    precision, recall = overlap / sum(ours.values()), overlap / sum(truth.values())
    assert 2 * precision * recall / (precision + recall) >= 0.95


@pytest.mark.parametrize("name,encoding", [("cp1256-sample", "cp1256"), ("iso-8859-6", "iso8859-6"),
                                            ("windows-1256", "cp1256")])
def test_undeclared_arabic_encodings_decode_to_arabic(repo_root: Path, fresh_clean: Path, name: str,
                                                      encoding: str) -> None:
    sidecar = json.loads((fresh_clean / "encoding" / f"{name}.json").read_text(encoding="utf-8"))
    assert sidecar["language"] == "ar"
    assert sidecar["encoding"]["name"].replace("_", "-").replace("iso8859", "iso-8859") in (
        encoding.replace("iso8859", "iso-8859"),)
    raw = next((repo_root / "raw" / "encoding").glob(f"{name}.*")).read_bytes().decode(encoding)
    body = (fresh_clean / "encoding" / f"{name}.txt").read_text(encoding="utf-8")
    first_words = " ".join(body.split()[:8])
    assert first_words in " ".join(raw.split())


def test_run_summary_counts_outcomes(fresh_clean: Path) -> None:
    summary = json.loads((fresh_clean / "_run.json").read_text(encoding="utf-8"))
    assert summary["outcomes"].get("failed", 0) == 0
    assert summary["documents"] == sum(summary["outcomes"].values())
    assert summary["removed_lines"] == sum(summary["removed_by_reason"].values())
