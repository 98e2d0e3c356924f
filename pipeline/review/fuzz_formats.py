"""Format-aware mutations for the fuzzer: real pages broken the way each input format breaks.

Random bytes rarely get past a parser's first check; these start from real
development pages (:func:`dev_pages`) and break one format's structure, so
the input reaches the code that reads it:

- **HTML structure**: closing tags dropped (unclosed) or swapped
  (misnested), an attribute of up to a megabyte, thousands of attributes,
  nesting thousands deep, comments, scripts and CDATA left open;
- **WARC headers**: records around a page with a wrong, negative, missing or
  absurd ``Content-Length``, other record types and versions, broken HTTP
  status lines, odd ``Content-Type``, ``Transfer-Encoding: chunked`` and
  ``Content-Encoding: gzip`` that do or do not match the payload, over-long
  or binary header lines, garbage between records, a cut last record;
- **JSON Lines fields**: ids, ``text``, ``html`` and ``url`` of the wrong type,
  huge, escaped NULs and lone surrogates, broken lines, a byte-order mark,
  arrays nested deep;
- **gzip framing**: a member cut short, a broken CRC or length, optional
  header fields (name, comment, extra), several members, trailing garbage.

Each mutation is a function of a seeded :class:`random.Random` and the input,
so the fuzzer's inputs stay reproducible from ``(seed, index)``::

    >>> import random
    >>> page = b"<html><body><div><p>One</p><p>Two</p></div></body></html>"
    >>> unclosed_tags(random.Random(1), page) == unclosed_tags(random.Random(1), page)
    True
    >>> name, data = jsonl_fields(random.Random(2), page)
    >>> name.endswith((".jsonl", ".jsonl.gz"))
    True
"""

from __future__ import annotations

import functools
import gzip
import json
import random
import re
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

#: Where the development corpora are (``make eval``'s ``EVAL``), beside the repository.
EVAL_ROOT = Path(__file__).resolve().parents[3] / "shared" / "eval"
#: Folders of real pages below :data:`EVAL_ROOT`, read in sorted order.
DEV_PAGE_FOLDERS = ("arabic-dev/pages", "scrapinghub/html", "wcxb-dev/html", "sites-dev/mirror.co.uk/pages")
#: Pages taken from each folder (evenly spaced in sorted order), so every worker holds a few MB.
DEV_PAGES_PER_FOLDER = 12
#: Nesting depths and attribute sizes of the structure mutations.
MAX_DEPTH, MAX_ATTRIBUTE_BYTES, MAX_ATTRIBUTES = 20_000, 1_000_000, 10_000
#: Mutations go at tags in a page's first this many bytes (finding every tag of a large page is slow).
TAG_SCAN_BYTES = 200_000

_CLOSING_TAG = re.compile(rb"</[a-zA-Z][a-zA-Z0-9]*\s*>")
_OPENING_TAG_END = re.compile(rb"<[a-zA-Z][a-zA-Z0-9]*(?=[\s>/])")
TAGS = (b"div", b"p", b"span", b"table", b"tr", b"td", b"li", b"ul", b"a", b"b", b"article", b"section", b"h1",
        b"form", b"select", b"option", b"noscript", b"template", b"svg", b"math", b"iframe", b"object")


@functools.lru_cache(maxsize=1)
def dev_pages(root: Path = EVAL_ROOT) -> tuple[bytes, ...]:
    """A few real pages of each development corpus (decompressed); none when the corpora are absent."""
    pages = []
    for folder in DEV_PAGE_FOLDERS:
        paths = sorted((root / folder).glob("*.htm*")) if (root / folder).is_dir() else []
        step = max(1, len(paths) // DEV_PAGES_PER_FOLDER)
        for path in paths[::step][:DEV_PAGES_PER_FOLDER]:
            data = path.read_bytes()
            pages.append(gzip.decompress(data) if path.name.endswith(".gz") else data)
    return tuple(pages)


# ---------------------------------------------------------------------------- HTML structure


def _random_tag(rng: random.Random, data: bytes) -> tuple[int, int]:
    """Where a random opening tag among the first :data:`TAG_SCAN_BYTES` starts and where its name
    ends (a random position twice when there is none)."""
    tags = list(_OPENING_TAG_END.finditer(data, 0, TAG_SCAN_BYTES))
    if not tags:
        at = rng.randint(0, len(data))
        return at, at
    return rng.choice(tags).span()


def _at_tag(rng: random.Random, data: bytes) -> int:
    """A position just after the name of a random opening tag: where an attribute can go."""
    return _random_tag(rng, data)[1]


def _tag_boundary(rng: random.Random, data: bytes) -> int:
    """A position just before a random opening tag: where markup can go."""
    return _random_tag(rng, data)[0]


def unclosed_tags(rng: random.Random, data: bytes) -> bytes:
    """Closing tags dropped: each with a random probability (a page cut by a broken template)."""
    share = rng.random()
    return _CLOSING_TAG.sub(lambda match: b"" if rng.random() < share else match.group(), data)


def misnested_tags(rng: random.Random, data: bytes) -> bytes:
    """Closing tags swapped with others (``<b><i></b></i>``), a few or many."""
    tags = list(_CLOSING_TAG.finditer(data))
    if len(tags) < 2:
        return data
    texts = [match.group() for match in tags]
    for _ in range(rng.randint(1, max(1, len(texts) // rng.choice((2, 10, 50))))):
        i, j = rng.randrange(len(texts)), rng.randrange(len(texts))
        texts[i], texts[j] = texts[j], texts[i]
    out, last = [], 0
    for match, text in zip(tags, texts):
        out += [data[last:match.start()], text]
        last = match.end()
    return b"".join(out) + data[last:]


def huge_attribute(rng: random.Random, data: bytes) -> bytes:
    """One attribute of up to a megabyte, its quote sometimes never closed."""
    at = _at_tag(rng, data)
    unit = rng.choice((b"a", b"x y ", b"&amp;", b"\xd8\xb9", b"javascript:", b"\\\"", b"&#7;"))
    value = unit * (rng.randint(1, MAX_ATTRIBUTE_BYTES) // len(unit))
    close = b'"' if rng.random() < 0.8 else b""
    return data[:at] + b' data-x="' + value + close + data[at:]


def many_attributes(rng: random.Random, data: bytes) -> bytes:
    """Thousands of attributes on one tag, some repeated."""
    at = _at_tag(rng, data)
    attributes = b"".join(b' a%d="%d"' % (rng.randrange(50) if rng.random() < 0.3 else n, n)
                          for n in range(rng.randint(100, MAX_ATTRIBUTES)))
    return data[:at] + attributes + data[at:]


def deep_nesting(rng: random.Random, data: bytes) -> bytes:
    """A run of nested tags thousands deep inserted at a tag, closed or not."""
    tag, depth = rng.choice(TAGS), rng.randint(100, MAX_DEPTH)
    at = _tag_boundary(rng, data)
    opening = (b"<" + tag + b">") * depth
    closing = (b"</" + tag + b">") * depth if rng.random() < 0.5 else b""
    middle = data[at: at + rng.randint(0, 5_000)]
    return data[:at] + opening + middle + closing + data[at + len(middle):]


def open_constructs(rng: random.Random, data: bytes) -> bytes:
    """A comment, script, style, CDATA section, ``<plaintext>`` or quote opened and never closed."""
    at = _tag_boundary(rng, data)
    token = rng.choice((b"<!--", b"<script>", b"<style>", b"<![CDATA[", b"<plaintext>", b"<textarea>", b"<title>",
                        b"<a href=\"", b"<?xml ", b"<!DOCTYPE", b"<html><body>", b"</html>", b"<frameset>"))
    return data[:at] + token + data[at:]


HTML_MUTATIONS: dict[str, Callable[[random.Random, bytes], bytes]] = {
    "unclosed": unclosed_tags, "misnested": misnested_tags, "huge-attribute": huge_attribute,
    "many-attributes": many_attributes, "deep-nesting": deep_nesting, "open-construct": open_constructs,
}


def html_structure(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    """One to three structure mutations of a page, saved as ``.html``."""
    for _ in range(rng.randint(1, 3)):
        data = HTML_MUTATIONS[rng.choice(sorted(HTML_MUTATIONS))](rng, data)
    return rng.choice(("page.html", "page.htm", "page.xhtml")), data


# ---------------------------------------------------------------------------- gzip framing


def _gzip_member(rng: random.Random, data: bytes) -> bytes:
    """One gzip member of ``data``, with optional header fields set at random."""
    flags, fields = 0, b""
    if rng.random() < 0.3:  # FEXTRA
        extra = rng.randbytes(rng.randint(0, 300))
        flags |= 4
        fields += struct.pack("<H", len(extra)) + extra
    if rng.random() < 0.3:  # FNAME
        flags |= 8
        fields += rng.choice((b"page.html", b"../../x", b"\xff\xfe", b"n" * 5000)) + b"\0"
    if rng.random() < 0.2:  # FCOMMENT
        flags |= 16
        fields += b"comment" * rng.randint(0, 100) + b"\0"
    if rng.random() < 0.1:  # FHCRC
        flags |= 2
        header = b"\x1f\x8b\x08" + bytes([flags]) + b"\0\0\0\0\0\xff" + fields
        fields += struct.pack("<H", zlib.crc32(header) & 0xFFFF)
    compressor = zlib.compressobj(rng.randint(0, 9), zlib.DEFLATED, -zlib.MAX_WBITS)
    body = compressor.compress(data) + compressor.flush()
    trailer = struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)
    return b"\x1f\x8b\x08" + bytes([flags]) + b"\0\0\0\0\0\xff" + fields + body + trailer


def gzip_framed(rng: random.Random, data: bytes) -> bytes:
    """``data`` gzipped, then framed wrong: cut, a bad CRC or length, more members, trailing bytes."""
    out = _gzip_member(rng, data)
    roll = rng.random()
    if roll < 0.2:
        out = out[: rng.randint(0, len(out))]
    elif roll < 0.35:
        out = out[:-8] + rng.randbytes(4) + out[-4:]  # CRC
    elif roll < 0.45:
        out = out[:-4] + rng.randbytes(4)  # ISIZE
    elif roll < 0.6:
        out += _gzip_member(rng, data[: rng.randint(0, len(data))])
    elif roll < 0.7:
        out += rng.choice((b"\0" * rng.randint(1, 512), rng.randbytes(rng.randint(1, 64)), b"\x1f\x8b"))
    elif roll < 0.75:
        out = gzip.compress(b"", mtime=0) + out
    elif roll < 0.85:
        start = rng.randint(0, len(out))
        out = out[:start] + bytes([out[start] ^ 0xFF]) + out[start + 1:] if start < len(out) else out
    return out


def gzip_file(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    """A page or dump saved as ``.html.gz``/``.txt.gz`` with hostile framing."""
    return rng.choice(("page.html.gz", "dump.txt.gz", "PAGE.HTM.GZ")), gzip_framed(rng, data)


# ---------------------------------------------------------------------------- WARC headers


def _content_length(rng: random.Random, length: int) -> bytes:
    roll = rng.random()
    if roll < 0.5:
        return b"Content-Length: %d\r\n" % length
    return rng.choice((b"", b"Content-Length: %d\r\n" % rng.randint(0, length * 2 + 10),
                       b"Content-Length: -%d\r\n" % rng.randint(1, 100), b"Content-Length: 1e9\r\n",
                       b"Content-Length: 99999999999999999999\r\n", b"Content-Length: \r\n",
                       b"Content-Length: %d\r\nContent-Length: 7\r\n" % length))


def _chunked(rng: random.Random, data: bytes) -> bytes:
    out, at = [], 0
    while at < len(data):
        size = rng.randint(1, 4096)
        piece = data[at: at + size]
        declared = len(piece) if rng.random() < 0.95 else rng.randint(0, 10_000)
        out.append(b"%x\r\n" % declared + piece + b"\r\n")
        at += size
    return b"".join(out) + (b"0\r\n\r\n" if rng.random() < 0.9 else b"")


def _http_payload(rng: random.Random, page: bytes) -> bytes:
    status = rng.choice((b"HTTP/1.1 200 OK", b"HTTP/1.1 200 OK", b"HTTP/1.0 200", b"HTTP/2 200", b"HTTP/1.1 999 ?",
                         b"HTTP/1.1 301 Moved", b"garbage", b"", b"HTTP/1.1 200 " + b"X" * 10_000))
    content_type = rng.choice((b"text/html; charset=utf-8", b"text/html", b"text/html; charset=windows-1256",
                               b"text/html; charset=bogus", b"application/octet-stream", b"text/plain",
                               b"application/xhtml+xml", b"", b"\xff\xfe"))
    headers = [b"Content-Type: " + content_type] if content_type else []
    body = page
    if rng.random() < 0.2:
        headers.append(b"Content-Encoding: " + rng.choice((b"gzip", b"deflate", b"br", b"x-unknown")))
        if rng.random() < 0.6:
            body = gzip_framed(rng, body) if rng.random() < 0.5 else gzip.compress(body, mtime=0)
    if rng.random() < 0.2:
        headers.append(b"Transfer-Encoding: chunked")
        if rng.random() < 0.7:
            body = _chunked(rng, body)
    if rng.random() < 0.1:
        headers.append(rng.choice((b"X-Long: " + b"v" * 100_000, b"no colon here", b"X-Bin: \x00\x01\xff",
                                   b": empty name", b" folded continuation")))
    return status + b"\r\n" + b"".join(header + b"\r\n" for header in headers) + b"\r\n" + body


def _warc_record(rng: random.Random, page: bytes, number: int) -> bytes:
    payload = _http_payload(rng, page)
    version = rng.choice((b"WARC/1.0", b"WARC/1.0", b"WARC/1.1", b"WARC/0.17", b"WARC/9.9", b"WARK/1.0", b""))
    kind = rng.choice((b"response", b"response", b"response", b"request", b"resource", b"metadata", b"revisit",
                       b"warcinfo", b"", b"RESPONSE"))
    uri = rng.choice((b"http://example.com/news/%d" % number, b"", b"../../etc/passwd", b"file:///etc/passwd",
                      b"http://e.com/" + b"a" * 5_000, b"http://e.com/\x00nul", b"http://e.com/\xff"))
    headers = (version + b"\r\n" + (b"WARC-Type: " + kind + b"\r\n" if kind else b"")
               + b"WARC-Record-ID: <urn:uuid:%d>\r\n" % number + b"WARC-Target-URI: " + uri + b"\r\n"
               + rng.choice((b"Content-Type: application/http; msgtype=response\r\n", b"Content-Type: text/html\r\n",
                             b""))
               + _content_length(rng, len(payload)))
    separator = rng.choice((b"\r\n\r\n", b"\r\n\r\n", b"\n\n", b"", b"\r\n"))
    return headers + b"\r\n" + payload + separator


def warc_headers(rng: random.Random, page: bytes) -> tuple[str, bytes]:
    """A WARC of one to four records around ``page`` with hostile headers; gzipped per record or not."""
    records = [_warc_record(rng, page[: rng.randint(0, len(page))] if rng.random() < 0.2 else page, number)
               for number in range(rng.randint(1, 4))]
    if rng.random() < 0.1:
        records.insert(rng.randint(0, len(records)), rng.randbytes(rng.randint(1, 200)))
    if rng.random() < 0.4:
        data = b"".join(gzip_framed(rng, record) if rng.random() < 0.2 else gzip.compress(record, mtime=0)
                        for record in records)
        return "crawl.warc.gz", data
    data = b"".join(records)
    return "crawl.warc", data[: rng.randint(len(data) // 2, len(data))] if rng.random() < 0.2 else data


# ---------------------------------------------------------------------------- JSON Lines fields


def _field_value(rng: random.Random, text: str) -> object:
    return rng.choice((text, text, text[: rng.randint(0, len(text))], None, 42, 1.5e308, True, [text], {"x": text},
                       "", "\x00" + text, "\ud800" + text, text * rng.randint(2, 20)))


def _jsonl_line(rng: random.Random, page: str) -> str:
    record: dict[str, object] = {}
    if rng.random() < 0.9:
        record["id"] = rng.choice(("a", "../../x", "/etc/passwd", "", None, 7, ["l"], {"d": 1}, "x" * 5_000,
                                   "\x00", "\ud800", "same", "SAME"))
    field_name = rng.choice(("html", "text", "html", "both", "none"))
    if field_name in ("html", "both"):
        record["html"] = _field_value(rng, page)
    if field_name in ("text", "both"):
        record["text"] = _field_value(rng, page)
    if rng.random() < 0.3:
        record["url"] = rng.choice(("http://example.com/a", 5, None, "javascript:alert(1)", "\x00", "x" * 10_000))
    line = json.dumps(record, ensure_ascii=rng.random() < 0.5)
    roll = rng.random()
    if roll < 0.05:
        line = line[: rng.randint(0, len(line))]
    elif roll < 0.08:
        line = "[" * rng.randint(1_000, 100_000) + "]" * rng.randint(0, 1_000)
    elif roll < 0.1:
        line = rng.choice(("null", "[]", "1", '"s"', "{", "NaN", '{"id": NaN, "text": Infinity}'))
    elif roll < 0.12:
        line = line.replace('"id"', '"id": 1, "id"', 1)
    return line


def jsonl_fields(rng: random.Random, page: bytes) -> tuple[str, bytes]:
    """A JSON Lines file of records holding ``page`` in hostile fields and lines; gzipped or not."""
    text = page.decode("utf-8", "replace")
    separator = rng.choice(("\n", "\r\n", "\n\n"))
    lines = [_jsonl_line(rng, text) for _ in range(rng.randint(1, 6))]
    data = separator.join(lines).encode("utf-8", "surrogatepass")
    if rng.random() < 0.1:
        data = b"\xef\xbb\xbf" + data
    if rng.random() < 0.1:
        at = rng.randint(0, len(data))
        data = data[:at] + rng.choice((b"\xff\xfe", b"\x00", b"\xed\xa0\x80")) + data[at:]
    if rng.random() < 0.3:
        return "records.jsonl.gz", gzip_framed(rng, data)
    return "records.jsonl", data


#: The format-aware mutations: each takes a page and gives ``(file name, bytes)``.
FORMAT_MUTATIONS: dict[str, Callable[[random.Random, bytes], tuple[str, bytes]]] = {
    "html-structure": html_structure, "warc-headers": warc_headers, "jsonl-fields": jsonl_fields,
    "gzip-framing": gzip_file,
}
#: How often each is picked.
FORMAT_WEIGHTS = {"html-structure": 4, "warc-headers": 2, "jsonl-fields": 2, "gzip-framing": 2}
