"""Repair: Arabic mojibake in every direction restored exactly; clean text left alone."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from ftfy import fix_text
from ftfy.badness import is_bad
from ftfy.fixes import uncurl_quotes
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.document import Document, Line
from pipeline.evaluation.arabic_checks import DIRECTIONS
from pipeline.stages import repair as repair_module
from pipeline.stages.repair import Repair, repair_text

DATA = Path(__file__).parent / "data"
BODY = (DATA / "arabic" / "cnn-body.txt").read_text(encoding="utf-8")
PARAGRAPHS = [p for p in BODY.split("\n") if p.strip()]
FTFY = DATA / "encoding" / "ftfy"
ARABIC = re.compile("[\u0600-\u06ff]")


def _cases(name: str) -> list[dict]:
    return json.loads((FTFY / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("direction", sorted(DIRECTIONS))
def test_every_cnn_paragraph_is_restored_exactly(direction: str) -> None:
    garble = DIRECTIONS[direction]
    for paragraph in PARAGRAPHS:
        assert repair_text(garble(paragraph))[0] == paragraph


@pytest.mark.parametrize("direction", sorted(DIRECTIONS))
def test_a_whole_garbled_document_is_restored_with_its_line_breaks(direction: str) -> None:
    fixed, steps = repair_text(DIRECTIONS[direction](BODY))
    assert fixed == BODY
    assert steps and steps[0]["step"].startswith("arabic-")


def test_the_four_spellings_of_one_word() -> None:
    assert repair_text("ط§ظ„ط¹ط±ط¨ظٹط©")[0] == "العربية"  # UTF-8 read as cp1256
    assert repair_text("ÇáÚÑÈíÉ")[0] == "العربية"  # cp1256 read as Latin-1
    assert repair_text("Ø§Ù„Ø¹Ø±Ø¨ÙŠØ©")[0] == "العربية"  # UTF-8 read as Windows-1252
    assert repair_text("ط§ظ„طµط­ظپظٹط©".replace("\xad", ""))[0] == "الصحفية"


def test_lost_bytes_are_put_back() -> None:
    # ح is D8 AD: the soft hyphen AD is invisible and often stripped.
    assert repair_text("ط£ط­ظ…ط¯".replace("\xad", ""))[0] == "أحمد"
    # ف is D9 81, and 81 is undefined in Windows-1252, so a decoder drops it.
    garbled = "فصائل".encode().decode("cp1252", errors="ignore")
    assert repair_text(garbled)[0] == "فصائل"


def test_ftfys_arabic_cases_are_fixed_wherever_ftfy_fixes_them() -> None:
    checked = 0
    for name in ("synthetic.json", "in-the-wild.json", "known-failures.json"):
        for case in _cases(name):
            if not ARABIC.search(case["fixed"]):
                continue
            expected = uncurl_quotes(case["fixed"])  # we keep curly quotes on purpose
            ours = uncurl_quotes(repair_text(case["original"])[0])
            if uncurl_quotes(fix_text(case["original"])) == expected:
                checked += 1
                assert ours == expected, case["label"]
    assert checked >= 4


def test_ftfys_known_arabic_failure_is_fixed_too() -> None:
    case = next(c for c in _cases("known-failures.json") if ARABIC.search(c["fixed"]))
    assert repair_text(case["original"])[0] == case["fixed"]


def test_ftfys_negative_cases_stay_unchanged() -> None:
    for case in _cases("negative.json"):
        fixed = repair_text(case["original"])[0]
        # One case expects a C1 control to become "…"; ftfy's expectations
        # straighten quotes, which we keep.
        assert uncurl_quotes(fixed) == uncurl_quotes(case.get("fixed", case["original"])), case["label"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "The committee met on Tuesday.",
        BODY,
        "Það er gott. Hvað segir þú? Ég veit það ekki.",  # Icelandic: þ á ð are cp1256 letters in disguise
        "Le comité s'est réuni à Paris, où l'été était très chaud.",
        "Ärger über Öl: Straße gesperrt",
        "فقط، ثم ضبط، ربط، خط، ظل",  # real words ending in ط before the Arabic comma
        "“Quoted” — text… with ‘curly’ quotes",
    ],
)
def test_clean_text_is_left_alone(text: str) -> None:
    assert repair_text(text) == (text, [])


def test_one_garbled_arabic_paragraph_in_an_english_document() -> None:
    english = "Reuters reported the statement in full.\nThe original Arabic text follows."
    text = english + "\n" + PARAGRAPHS[0].encode("utf-8").decode("cp1256")
    fixed, _ = repair_text(text)
    assert fixed == english + "\n" + PARAGRAPHS[0]


def test_the_stage_keeps_lines_and_records_steps() -> None:
    doc = Document(id="a.txt", source="a.txt")
    garbled = DIRECTIONS["cp1256-as-latin1"](BODY).split("\n")
    doc.lines = [Line(number, text) for number, text in enumerate(garbled, 1)]
    Repair().process(doc)
    assert [line.text for line in doc.lines] == BODY.split("\n")
    assert [line.number for line in doc.lines] == list(range(1, len(garbled) + 1))
    assert doc.repairs == [{"step": "arabic-cp1256-as-latin1", "detail": doc.repairs[0]["detail"]}]
    json.dumps(doc.repairs, sort_keys=True)  # plain, serialisable facts


def test_the_stage_falls_back_to_lines_if_the_count_would_change(monkeypatch: pytest.MonkeyPatch) -> None:
    real = repair_module.repair_text

    def splitting(text: str) -> tuple[str, list[dict]]:
        fixed, steps = real(text)
        return (fixed + "\nextra" if "\n" in text else fixed), steps

    monkeypatch.setattr(repair_module, "repair_text", splitting)
    doc = Document(id="a.txt", source="a.txt")
    doc.lines = [Line(1, "ط§ظ„ط¹ط±ط¨ظٹط©"), Line(2, "ÇáÚÑÈíÉ")]
    Repair().process(doc)
    assert [line.text for line in doc.lines] == ["العربية", "العربية"]
    assert doc.repairs[0]["step"] == "per-line"


def test_ascii_text_takes_the_cheap_path(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("ftfy should not run on clean text")

    monkeypatch.setattr(repair_module.ftfy, "fix_and_explain", boom)
    assert repair_text("Plain English, nothing wrong here.\n" * 50)[1] == []
    assert repair_text(BODY)[1] == []


_MOJIBAKE_ALPHABET = st.sampled_from(
    sorted(set(bytes(range(0x80, 0x100)).decode("cp1256") + bytes(range(0x80, 0x100)).decode("latin-1")))
    + list(" \nabcءاطظلمن،ي")
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet=_MOJIBAKE_ALPHABET)))
def test_any_text_is_repaired_idempotently(text: str) -> None:
    fixed, steps = repair_text(text)
    assert fixed.count("\n") == text.count("\n")
    assert repair_text(fixed)[0] == fixed
    assert all(isinstance(step, dict) and "step" in step for step in steps)


_MOJIBAKE_ALPHABET = ("abcdeAB .,'\"\n" + "“”‘’–—…•»«©®°£€¥×²³µ¼½¾" + "ÀÂÃÄÅÇÉÎÐØÙÚÛàâãäåçéîðøùúûœŒ" +
                      "\x81\x8d\x9d\xa0\xad¦¨¬¯¸ˆ˜†‡‰◊" + "طظ§„ع±¹ºÇáÚÑÈíÉ" + "вВГРСЂЎβΓΞΟāĀ√≈‚" + "العربية")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(_MOJIBAKE_ALPHABET)), max_size=40))
def test_text_the_character_check_lets_pass_needs_no_repair(text: str) -> None:
    from pipeline.stages.repair import may_need_repair, repair_passes

    if not may_need_repair(text):
        assert repair_passes(text) == (text, [])


#: make fuzz, seed 1, input 195442 (a garbled Arabic page, its characters written as references and
#: read as a dump): ftfy decoded a ``&#10;`` inside a line, and the boilerplate stage failed with
#: "81 lines, but 82 in the joined text".
LINE_BREAK_FINDING = Path(__file__).parent / "data" / "repair" / "seed1-input195442.html"


def test_a_repair_never_puts_a_line_break_inside_a_line() -> None:
    line = ("&#1591;\ufffd\ufffd&#1592;&#8222;&#1591;&#185;&#1591;\ufffd}&#1591;\ufffdN&#1592;&#1657;&#1591;&#10;"
            "&#1587;&#1610;&#1577; | &#1571;&#1582;&#1576;&#1575;&#1585; | &#1585;&#1610;&#1575;&#1590;&#1577;")
    doc = Document(id="d", source="d.txt", lines=[Line(1, "Intro."), Line(2, line), Line(3, "End.")])
    Repair().process(doc)
    assert [line.text.splitlines() == [line.text] for line in doc.lines] == [True, True, True]
    assert {"step": "line-breaks", "detail": "1 made spaces", "line": 2} in doc.repairs


def test_the_page_whose_repair_made_a_line_break_is_cleaned() -> None:
    from pipeline.chain import clean_document

    doc = clean_document(LINE_BREAK_FINDING.read_bytes(), path=LINE_BREAK_FINDING.name)
    # The finding failed as internal-error. It is a fuzzer's page of junk round one sentence: whether the line
    # model keeps that sentence (the model of 2026-12-08 does not: "no-article") is not what this test is about.
    assert doc.failure is None or doc.failure.reason == "no-article", doc.failure
    assert all(line.text.splitlines() == [line.text] for line in doc.lines)


def _badness_alphabet() -> list[str]:
    from pipeline.stages.repair import _ftfy_alphabet

    c1 = "".join(map(chr, range(0x80, 0xA0)))
    return sorted(set(_ftfy_alphabet() + "ÂÃÎÐ×°µ√≈‚ÄвЂГўβāaz AZ.,?!\t" + c1))


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet=st.sampled_from(_badness_alphabet()), max_size=12))
def test_every_badness_match_holds_a_place(text: str) -> None:
    """The pairs read from ftfy's badness pattern miss no match: each match holds one of their places."""
    import numpy as np
    from ftfy.badness import BADNESS_RE

    from pipeline.stages.repair import _badness_places

    places = _badness_places(np.array([ord(ch) for ch in text], dtype=np.uint32)).tolist()
    for match in BADNESS_RE.finditer(text):
        assert any(match.start() <= place < match.end() for place in places), (text, match)


def test_the_badness_pairs_are_read_from_this_ftfy() -> None:
    """The pairs (pipeline.stages.repair._badness_pairs) were read from this version of ftfy's pattern."""
    import hashlib

    from ftfy.badness import BADNESS_RE

    assert hashlib.sha256(BADNESS_RE.pattern.encode()).hexdigest()[:16] == "9dcc0f2ac90d9ae3"


@pytest.mark.parametrize("text", [
    "вЂ", "ГўВЂВ a", "β€™", "ā€", "√±", "≈°", "‚Äì", "‚âà", "à²", "×²", "Ø…Ø…", "В¦В", "Β¦Β", "Ã¡", "a Ã ", "Ã ", ".Â ",
    "œ1", "É°", "a\u0080", "Ã€", "ç€", "É²", "é«²", "é»«", "€«", "a Ã€", "aÉ«", "═»", "é«a", "═Ò", "é═",
])
def test_each_kind_of_badness_match_holds_a_place(text: str) -> None:
    import numpy as np
    from ftfy.badness import BADNESS_RE

    from pipeline.stages.repair import _badness_places

    assert BADNESS_RE.search(text), text
    places = _badness_places(np.array([ord(ch) for ch in text], dtype=np.uint32)).tolist()
    assert all(any(m.start() <= place < m.end() for place in places) for m in BADNESS_RE.finditer(text))


# --- the character kernel (pipeline.text._chars) against the numpy reference ----------------------------------------

@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(_MOJIBAKE_ALPHABET + "ـ😀\ud800\x85")), max_size=30))
def test_the_kernels_signals_are_the_numpy_references(text: str) -> None:
    from pipeline.stages.repair import _signals, _signals_of_codes

    assert _signals.__wrapped__(text) == _signals_of_codes(text)


def test_the_kernels_signals_on_every_code_point_and_pair() -> None:
    from pipeline.stages.repair import _signals, _signals_of_codes

    every = "".join(map(chr, range(0x110000))).replace("\n", "")
    for start in range(0, len(every), 4096):
        part = every[start:start + 4096]
        assert _signals.__wrapped__(part) == _signals_of_codes(part)
    for text in ("Ø§Ù„", "ÇáÚÑÈíÉ", "طظ§", "Ã©", "â€™", "x\x81", "œ1", "Ã ", ""):
        assert _signals.__wrapped__(text) == _signals_of_codes(text)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list(_MOJIBAKE_ALPHABET.replace("\n", ""))), max_size=12),
                min_size=1, max_size=5))
def test_the_lines_gate_passes_every_document_may_need_repair_takes(texts: list[str]) -> None:
    from pipeline.stages.repair import _lines_may_need_repair, may_need_repair

    if may_need_repair("\n".join(texts)):
        assert _lines_may_need_repair(texts)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(_MOJIBAKE_ALPHABET)), max_size=20))
def test_is_bad_is_ftfys(text: str) -> None:
    """The kernel's "no place to start" never skips a text ftfy's pattern calls bad."""
    from pipeline.stages.repair import _is_bad

    assert _is_bad(text) == is_bad(text)


def test_a_document_without_signals_is_left_as_it_was_and_one_with_them_is_repaired() -> None:
    doc = Document(id="d", source="d.txt", lines=[Line(1, "“Plain” text – fine"), Line(2, "العربية")])
    assert Repair().process(doc).repairs == []
    doc = Document(id="d", source="d.txt", lines=[Line(1, "“Plain” text"), Line(2, "ÇáÚÑÈíÉ")])
    assert [line.text for line in Repair().process(doc).lines] == ["“Plain” text", "العربية"]
