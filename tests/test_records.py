"""WARC and JSON Lines inputs: records become documents with stable ids, and no
record id or URL can make an output land outside the output folder."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from pipeline import run
from pipeline.config import Limits
from pipeline.io.source import FileSource


def read_tree(root: Path) -> list:
    return list(FileSource(root).documents())
from pipeline.io.records import MAX_NAME_CHARS, iter_records, safe_record_name

warcio = pytest.importorskip("warcio", reason="warcio is a dependency of the pipeline")
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

PAGE = ("<!DOCTYPE html><html><head><title>A story</title></head><body><nav>Home | News</nav>"
        "<article><h1>A story about the river</h1><p>{body}</p></article></body></html>")
BODY = "The river rose by two metres overnight, officials in the city said on Monday morning."

HOSTILE = ["../../escape", "/etc/passwd", "..\\..\\windows", "a/../../b", ".hidden", "..", ".", "",
           "nul\x00byte", "x" * 600, "C:\\Windows\\system32", "~/home", "$(rm -rf)", "a\nb", "خبر/../عاجل"]


def write_warc(path: Path, pages: list[tuple[str, str, str]], gz: bool = True) -> None:
    """``pages``: (url, content type, body) per response; a request record and a redirect are added."""
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=gz)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for url, content_type, body in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body.encode()),
                                                          http_headers=headers))
            request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.com")], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b""),
                                                          http_headers=request))
        moved = StatusAndHeaders("301 Moved", [("Location", "https://example.com/")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://example.com/old", "response",
                                                      payload=io.BytesIO(b""), http_headers=moved))


def write_jsonl(path: Path, records: list[object], gz: bool = False) -> None:
    data = "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records).encode()
    path.write_bytes(gzip.compress(data, mtime=0) if gz else data)


def test_warc_response_records_become_documents(tmp_path: Path) -> None:
    write_warc(tmp_path / "crawl.warc.gz", [
        ("https://example.com/news/river", "text/html; charset=utf-8", PAGE.format(body=BODY)),
        ("https://example.com/logo.png", "image/png", "\x89PNG"),
    ])
    docs = list(read_tree(tmp_path))
    assert [doc.id for doc in docs] == ["crawl.warc.gz#https://example.com/news/river",
                                       "crawl.warc.gz#https://example.com/logo.png"]
    assert docs[0].format == "html" and docs[0].metadata["url"] == "https://example.com/news/river"
    assert docs[0].output == "crawl.warc.gz/example.com_news_river"
    assert docs[1].failure is not None and docs[1].failure.reason == "unsupported-format"


def test_uncompressed_warc_is_read_too(tmp_path: Path) -> None:
    write_warc(tmp_path / "crawl.warc", [("https://example.com/a", "text/html", PAGE.format(body=BODY))], gz=False)
    assert [doc.sha256 for doc in read_tree(tmp_path)] and len(list(read_tree(tmp_path))) == 1


@pytest.mark.parametrize("gz", [False, True])
def test_jsonl_records_with_text_or_html(tmp_path: Path, gz: bool) -> None:
    name = "batch.jsonl.gz" if gz else "batch.jsonl"
    write_jsonl(tmp_path / name, [
        {"id": "doc-1", "text": "Title here\n\n" + BODY},
        {"id": 2, "html": PAGE.format(body=BODY), "url": "https://example.com/2"},
        "",
        "{not json",
        {"id": "doc-3"},
        ["a list"],
        {"text": "No id at all, so the line number names it."},
    ], gz=gz)
    docs = list(read_tree(tmp_path))
    assert [doc.id.split("#", 1)[1] for doc in docs] == ["doc-1", "2", "line-4", "doc-3", "line-6", "line-7"]
    assert docs[0].format == "text" and docs[1].format == "html" and docs[1].metadata["url"].endswith("/2")
    assert [doc.failure.reason if doc.failure else None for doc in docs] == [
        None, None, "bad-record", "bad-record", "bad-record", None]


def test_a_jsonl_line_nested_too_deep_fails_alone(tmp_path: Path) -> None:
    """Found by make fuzz (jsonl-fields): a line of 100,000 "[" made the decoder raise RecursionError,
    and the whole file became one bad-container failure, losing the records after it."""
    (tmp_path / "deep.jsonl").write_text("[" * 100_000 + "\n" + json.dumps({"id": "after", "text": BODY}) + "\n",
                                         encoding="utf-8")
    docs = list(iter_records(tmp_path / "deep.jsonl", "deep.jsonl"))
    assert [doc.failure.reason if doc.failure else doc.id for doc in docs] == ["bad-record", "deep.jsonl#after"]


def test_an_over_long_jsonl_line_is_a_recorded_failure(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "big.jsonl", [{"id": "big", "text": "x" * 5000}, {"id": "small", "text": "fine text"}])
    docs = list(iter_records(tmp_path / "big.jsonl", "big.jsonl", Limits(max_input_bytes=1000)))
    assert docs[0].failure.reason == "too-large" and docs[1].failure is None


def test_a_broken_container_is_one_failed_document(tmp_path: Path) -> None:
    (tmp_path / "broken.warc.gz").write_bytes(b"\x1f\x8b\x08\x00garbage" * 10)
    docs = list(read_tree(tmp_path))
    assert len(docs) == 1 and docs[0].failure.reason == "bad-container"


@pytest.mark.parametrize("name", HOSTILE)
def test_safe_record_name_is_one_plain_path_part(name: str) -> None:
    safe = safe_record_name(name)
    assert safe and "/" not in safe and "\\" not in safe and "\x00" not in safe and "\n" not in safe
    assert not safe.startswith(".") and safe not in (".", "..")
    assert len(safe) <= MAX_NAME_CHARS + 11


def test_hostile_ids_and_urls_cannot_escape_the_output_folder(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "work" / "out"
    raw.mkdir()
    write_jsonl(raw / "hostile.jsonl", [{"id": name, "text": f"Title {i}\n\n{BODY}"} for i, name in enumerate(HOSTILE)])
    write_warc(raw / "hostile.warc.gz", [(f"https://example.com/{name}", "text/html", PAGE.format(body=BODY))
                                         for name in HOSTILE[:8]] + [
        ("https://example.com/%2e%2e/%2e%2e/tmp/x", "text/html", PAGE.format(body=BODY)),
        ("https://example.com/../../../../tmp/x", "text/html", PAGE.format(body=BODY)),
    ])
    summary = run(raw, out, workers=1)
    outside = [p for p in tmp_path.rglob("*") if p.is_file() and out not in p.parents and raw not in p.parents]
    assert outside == []
    sidecars = [p for p in out.rglob("*.json") if not p.name.startswith("_")]
    assert len(sidecars) == summary.documents == len(HOSTILE) + 10, "every record has its own outputs"
    for path in out.rglob("*"):
        assert path.resolve().is_relative_to(out.resolve())
        assert not path.name.startswith(".") or path.name.startswith(".manifest")


def test_duplicate_and_case_clashing_ids_get_distinct_outputs(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    write_jsonl(raw / "dups.jsonl", [{"id": "Same", "text": "One\n\n" + BODY}, {"id": "same", "text": "Two\n\n" + BODY},
                                     {"id": "same", "text": "Three\n\n" + BODY}])
    stems = [doc.output for doc in read_tree(raw)]
    assert len({stem.lower() for stem in stems}) == 3 and stems[0] == "dups.jsonl/Same"


def test_records_run_identically_with_one_and_two_workers_and_rerun_skips(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    write_jsonl(raw / "a.jsonl.gz", [{"id": f"n{i}", "text": f"Headline number {i}\n\n{BODY} ({i})"}
                                     for i in range(20)], gz=True)
    write_warc(raw / "b.warc.gz", [(f"https://example.com/p/{i}", "text/html", PAGE.format(body=f"{BODY} {i}"))
                                   for i in range(6)])
    run(raw, tmp_path / "one", workers=1)
    run(raw, tmp_path / "two", workers=2)
    files = lambda root: {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    assert files(tmp_path / "one") == files(tmp_path / "two")
    assert (tmp_path / "one" / "b.warc.gz" / "example.com_p_3.json").is_file()
    again = run(raw, tmp_path / "one", workers=2)
    assert again.unchanged == 26


def test_a_non_http_response_record_is_reported_not_dropped(tmp_path: Path) -> None:
    from pipeline.io.records import iter_warc

    path = tmp_path / "crawl.warc"
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=False)
        record = writer.create_warc_record("dns:example.org", "response", payload=io.BytesIO(b"20200101 example.org A 1.2.3.4"))
        writer.write_record(record)
    docs = list(iter_warc(path, "crawl.warc"))
    assert len(docs) == 1 and docs[0].failure is not None
    assert docs[0].failure.reason == "unsupported-format" and "non-HTTP" in docs[0].failure.detail


def test_a_record_without_target_uri_does_not_lose_the_rest_of_the_file(tmp_path: Path) -> None:
    """warcio's own iterator stops at such a record; every record around it must still be read."""
    from pipeline.io.records import iter_warc

    path = tmp_path / "crawl.warc.gz"
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for uri in ("http://a.example/1", None, "http://a.example/3"):
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            body = f"<html><body><p>Story from {uri}, told in one plain sentence.</p></body></html>".encode()
            record = writer.create_warc_record(uri or "", "response", payload=io.BytesIO(body), http_headers=http)
            if uri is None:
                record.rec_headers.remove_header("WARC-Target-URI")
            writer.write_record(record)
    docs = list(iter_warc(path, "crawl.warc.gz"))
    assert len(docs) == 3 and all(doc.failure is None for doc in docs)
    assert [doc.metadata.get("url") for doc in docs] == ["http://a.example/1", None, "http://a.example/3"]
    assert b"a.example/3" in docs[2].raw


def test_a_record_with_a_wrong_content_length_prints_nothing_of_the_page(tmp_path: Path, capfd) -> None:
    """warcio used to write "WARNING: Record not followed by newline" and the next bytes of the page
    (hundreds of characters of markup per record) to the run's stderr."""
    body = b"<html><body><p>" + b"The committee met on Tuesday to discuss the new budget. " * 20 + b"</p></body></html>"
    payload = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
    record = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:1>\r\nWARC-Target-URI: http://e.com/a\r\n"
              b"Content-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n" % (len(payload) // 2))
    (tmp_path / "crawl.warc").write_bytes(record + payload + b"\r\n\r\n")
    docs = list(iter_records(tmp_path / "crawl.warc", "crawl.warc"))
    assert docs and "committee" not in capfd.readouterr().err


def _gzip_members(pages: int) -> list[bytes]:
    """One gzip member per response record, as WARC writers make them (each record its own member)."""
    members = []
    for i in range(pages):
        body = (f"<html><body><h1>Story {i}</h1>" + "".join(
            f"<p>Paragraph {j} of story {i}, with words enough to be an article body.</p>" for j in range(300))
            + "</body></html>").encode()
        http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
        head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{i}>\r\n"
                f"WARC-Target-URI: https://example.com/news/{i}\r\nContent-Type: application/http; msgtype=response\r\n"
                f"Content-Length: {len(http)}\r\n\r\n").encode()
        members.append(gzip.compress(head + http + b"\r\n\r\n", mtime=0))
    return members


@pytest.mark.parametrize("where", ["start", "middle"])
def test_a_damaged_gzip_member_costs_only_its_own_record(tmp_path: Path, where: str, capfd) -> None:
    """Bytes flipped inside one record's gzip member: warcio printed "Error -3 while decompressing"
    and the file ended there without a reason; now the damage is one failed document saying where,
    and every record after it is read."""
    from pipeline.io.records import iter_warc

    members = _gzip_members(4)
    bad = bytearray(members[1])
    cut = 40 if where == "start" else len(bad) // 2  # inside the first block read, or past it
    bad[cut:cut + 64] = bytes(b ^ 0x5A for b in bad[cut:cut + 64])
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(members[0] + bytes(bad) + members[2] + members[3])
    docs = list(iter_warc(path, "crawl.warc.gz"))
    read = [doc.metadata.get("url") for doc in docs if doc.failure is None]
    assert read == ["https://example.com/news/0", "https://example.com/news/2", "https://example.com/news/3"]
    damaged = [doc for doc in docs if doc.failure is not None]
    assert len(damaged) == 1 and damaged[0].failure.reason == "bad-record"
    detail = damaged[0].failure.detail
    assert f"from byte {len(members[0])}" in detail and f"went on at byte {len(members[0]) + len(bad)}" in detail
    assert detail.isascii() and detail.isprintable()
    assert "Error -3" not in capfd.readouterr().err


def test_a_wrong_content_length_in_a_plain_warc_costs_only_its_own_record(tmp_path: Path) -> None:
    """A Content-Length of 10**11 made the rest of the file that record's payload."""
    from pipeline.io.records import iter_warc

    plain = [gzip.decompress(member) for member in _gzip_members(3)]
    plain[1] = plain[1].replace(b"Content-Length: ", b"Content-Length: 99999999999", 1)  # past the end of the file
    path = tmp_path / "crawl.warc"
    path.write_bytes(b"".join(plain))
    docs = list(iter_warc(path, "crawl.warc"))
    # The record whose length runs past the end of the file would swallow the next one as its payload.
    assert [doc.metadata.get("url") for doc in docs if doc.failure is None] == [
        "https://example.com/news/0", "https://example.com/news/2"]
    damaged = [doc.failure for doc in docs if doc.failure is not None]
    assert [failure.reason for failure in damaged] == ["bad-record"]
    assert f"from byte {len(plain[0])}" in damaged[0].detail and "runs past the end of the file" in damaged[0].detail
