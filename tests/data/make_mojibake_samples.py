"""Make the Arabic mojibake samples in ``raw/arabic-mojibake/`` from real Arabic text.

The text is the first paragraphs of the CNN Arabic article body kept in
``tests/data/arabic/cnn-body.txt``, with its headline as the title line. Each
sample is a plain-text dump (title, blank line, paragraphs separated by blank
lines), garbled one way and saved as UTF-8, the way a broken scraper saves it:

- ``utf8-read-as-cp1256.txt``: UTF-8 bytes decoded as Windows-1256
  ("ط§ظ„ط¹ط±ط¨ظٹط©");
- ``cp1256-read-as-latin1.txt``: Windows-1256 bytes decoded as Latin-1
  ("ÇáÚÑÈíÉ").

Run from the repository root: ``python tests/data/make_mojibake_samples.py``.
The output is the same every time.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BODY = ROOT / "tests" / "data" / "arabic" / "cnn-body.txt"
OUT = ROOT / "raw" / "arabic-mojibake"

#: The article's headline (from the CNN page's metadata).
TITLE = "معارضون يسيطرون على مخازن للصواريخ بريف دمشق"
#: Paragraphs of the body to use.
PARAGRAPHS = 4

GARBLE = {
    "utf8-read-as-cp1256.txt": lambda text: text.encode("utf-8").decode("cp1256"),
    "cp1256-read-as-latin1.txt": lambda text: text.encode("cp1256").decode("latin-1"),
}


def clean_dump(body: str) -> str:
    """Title line and the first paragraphs, blank lines between, trailing newline."""
    paragraphs = [p.strip() for p in body.split("\n") if p.strip()][:PARAGRAPHS]
    return "\n\n".join([TITLE, *paragraphs]) + "\n"


def main(out: Path = OUT) -> int:
    dump = clean_dump(BODY.read_text(encoding="utf-8"))
    out.mkdir(parents=True, exist_ok=True)
    for name, garble in GARBLE.items():
        (out / name).write_text(garble(dump), encoding="utf-8", newline="\n")
        print(out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
