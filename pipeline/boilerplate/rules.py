"""Vocabulary rules: lines whose words alone say what page furniture they are.

A rule is a pattern in English and Arabic plus the longest line (in words) it
may decide. Short lines are where page furniture lives ("Share", "Tags :",
"إقرأ أيضاً"); a long line that happens to contain "share" or "© 2019" is far
more likely prose, so every rule has a word limit and most patterns are
anchored to the start of the line. The rules are one source of evidence: the
classifier uses their hits as features and decides the rest from the
neighbourhood (see :mod:`pipeline.boilerplate.classify`). A few rules are
``sure``: their lines go whatever the model says (a comment form, a copyright
line, a "N thoughts on" header are never article text).

Arabic patterns accept the common spelling variants (أ/ا/إ, ة/ه, ي/ى, with or
without tatweel) through :func:`fold_arabic`, applied to the line before
matching.
"""

from __future__ import annotations

import functools
import re
import re._parser as _sre_parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.text.scan import HeadGate

#: Arabic letters folded before matching: alef forms to bare alef, teh marbuta
#: to heh, alef maqsura to yeh; tatweel, harakat and direction marks removed.
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي"})
_ARABIC_FOLD_PAIRS = tuple((chr(k), v) for k, v in _ARABIC_FOLD.items())
_ARABIC_STRIP = re.compile("[\u0640\u064b-\u065f\u0670\u200c-\u200f\u061c\u202a-\u202e\u2066-\u2069]")


def fold_arabic(text: str) -> str:
    """Lower-case and fold Arabic spelling variants so one pattern matches them all."""
    if text.isascii():
        return text.lower()
    text = _ARABIC_STRIP.sub("", text)
    for variant, folded in _ARABIC_FOLD_PAIRS:  # str.replace: far faster than str.translate with a dict
        if variant in text:
            text = text.replace(variant, folded)
    return text.lower()


@dataclass(frozen=True)
class Rule:
    reason: str
    pattern: re.Pattern[str]
    #: The rule decides only lines of at most this many words.
    max_words: int
    #: The alternatives of ``pattern`` as written (those starting with ``^`` are anchored).
    parts: tuple[str, ...]
    #: A sure rule removes the line whatever the model says.
    sure: bool = False


#: Marks a rule as sure (see :class:`Rule`); written first so the rule table reads "reason, sure, limit".
SURE = "sure"


def _rule(reason: str, *args, sure: bool = False) -> Rule:
    if args and args[0] == SURE:
        sure, args = True, args[1:]
    max_words, patterns = args[0], args[1:]
    joined = "|".join(f"(?:{pattern})" for pattern in patterns)
    return Rule(reason, re.compile(joined, re.IGNORECASE), max_words, tuple(patterns), sure)


#: Optional bullet or numbering a menu item may start with.
_B = r"^[\s*•·+\-–—▪►◦●|>»]*\s*"
#: End of a label line: optional colon, dots, arrows, counts.
_E = r"\s*[:：.…»>›\-–—|()*\d\s]*$"

#: Ordered: the first rule that matches names the reason.
RULES: tuple[Rule, ...] = (
    # Comment threads and their forms. "N thoughts on", "X says:", "Like", "Reply".
    _rule("comments", 14,
          r"^\d+\s+(thoughts?|comments?|responses?|replies|reactions?)\s+(on|to)\b",
          r"^(one|two|three|four|five|six|seven|eight|nine|ten)\s+(thoughts?|comments?|responses?|replies)\s+(on|to)\b",
          _B + r"[\w .'’\-]{1,40}\ssays\s*:\s*$",
          _B + r"(like|reply|report|likes?\s*\d+|\d+\s*likes?|reply\s*↓|load more comments|view comments?|show comments?|"
          r"comments?|\d+\s+comments?|no comments( yet)?|be the first to comment|join the (discussion|conversation)|"
          r"please enable javascript to view the comments.*|comments are (closed|moderated).*|"
          r"تعليقات|التعليقات|تعليق|\d+\s*تعليق(ات)?|اضف تعليق(ا|ك)?|اضافه تعليق( جديد)?|شارك برايك|اترك تعليقا|"
          r"ترحب شبكه cnn بالنقاش.*|الاراء الوارده ادناه لا تعبر.*|التعليقات المنشوره لا تعبر.*)" + _E,
          sure=True),
    # Comment policies printed above a thread (CNN Arabic's two lines, "Comments are moderated ...").
    _rule("comments", 60,
          r"^(ترحب شبكه cnn بالنقاش|الاراء الوارده ادناه لا تعبر|التعليقات المنشوره لا تعبر|"
          r"comments are (moderated|closed)|we welcome (your )?comments|please (read|review) our comment)",
          sure=True),
    _rule("comment-form", 20,
          _B + r"(leave a (reply|comment)|post (a )?comment|add (a|new|your) comment|write a comment|submit( comment)?|"
          r"send|cancel reply|fill in your details below.*|you are commenting using your.*|log out\s*/?\s*change.*|"
          r"connecting to %s|notify me of (new|follow-up).*|your email address will not be published.*|"
          r"required fields are marked.*|save my name, email.*|this site uses akismet.*|"
          r"(your )?(name|e-?mail|website|comment|text|message)\s*[:*]+|"
          r"اسمك|تعليقك|البريد الالكتروني\s*[:*]|الاسم\s*[:*]|ارسال|ارسل التعليق|"
          r"(wordpress\.com|twitter|facebook|google) (logo|picture|photo))" + _E,
          sure=True),
    _rule("login", SURE, 12,
          _B + r"(log ?in|sign ?in|sign ?up|register|log ?out|my account|forgot (your )?password\??|create (an )?account|"
          r"already (a subscriber|have an account)\??.*|subscribe now|تسجيل الدخول|تسجيل الخروج|دخول|تسجيل|"
          r"انشاء حساب|نسيت كلمه المرور\??)" + _E),
    _rule("copyright", 40,
          r"^(©|\(c\)\s*\d{4}|copyright\b)", r"©\s*\d{4}|\d{4}\s*©",
          r"all rights reserved|جميع الحقوق محفوظه|جميع الحقوق ©? ?محفوظه|حقوق (النشر|الطبع) محفوظه",
          r"^(privacy (policy|notice)|terms (of (use|service)|and conditions)|cookie (policy|notice|settings)|"
          r"do not sell( or share)? my (personal )?(data|information)|ad ?choices|"
          r"بيان الخصوصيه|سياسه الخصوصيه|شروط (الخدمه|الاستخدام)|لا مانع من الاقتباس.*)",
          sure=True),
    _rule("share-follow", SURE, 14,
          _B + r"(share( this( article| story| page)?)?( on (facebook|twitter|x|whatsapp|linkedin))?|tweet|pin( it)?|email|print|"
          r"whatsapp|facebook|twitter|linkedin|telegram|reddit|copy link|"
          r"follow( us)?( on [\w ]+)?|follow [\w ]{1,25}(:|on socials?:?)|subscribe( to [\w ]+)?|"
          r"get (email|the latest|our) [\w' ]*(updates|newsletter)[\w' ]*|sign up to [\w ]+|newsletter( signup)?|"
          r"تابعونا( على)?|تابعنا( على)?|تابعوا [\w ]{1,40}|شارك( هذا (الخبر|المقال))?|مشاركه|تغريد|طباعه|"
          r"ارسل لصديق|انشر على [\w ]+|اشترك( في)? [\w ]+)" + _E,
          r"^(facebook|twitter|x|whatsapp|linkedin|telegram|email|print|pinterest|instagram|youtube|tiktok|rss|"
          r"فيسبوك|تويتر|واتساب|يوتيوب|انستجرام|انستغرام|لينكد ان|تيليجرام)([\s|,·]+(facebook|twitter|x|whatsapp|"
          r"linkedin|telegram|email|print|pin ?interest|whats ?app|instagram|youtube|tiktok|snapchat|rss|"
          r"فيسبوك|تويتر|واتساب|يوتيوب|انستجرام|انستغرام|لينكد ان|لينكدين|تيليجرام|ايميل|email|خدمه))*\s*$",
),
    _rule("share-follow", SURE, 30,
          r"^follow (our|the latest|us)\b.*\b(via|on) (google news|facebook|twitter|telegram|whatsapp)",
          r"^(تابعوا|تابعونا|تابعنا) .* (عبر|علي) (غوغل|جوجل|google) (نيوز|news)"),
    _rule("tags", SURE, 30,
          r"^(tags?|tagged( with)?|topics?|keywords|filed under|categories|الوسوم|وسوم|الكلمات المفتاحيه|كلمات مفتاحيه|"
          r"كلمات دلاليه)\s*[:：]"),
    _rule("tags", SURE, 2,
          r"^(tags?|topics|keywords|الوسوم|وسوم|الكلمات المفتاحيه|كلمات مفتاحيه)\s*[:：]?\s*$"),
    _rule("related-links", 30,
          _B + r"(read (more|also|next)|related|see also|more|watch|also read|recommended|ا?قرا (ايضا|كذلك)|شاهد ايضا)\s*[:：]\s*\S"),
    _rule("related-links", 10,
          _B + r"(read (more|also|next|full story)|more (from|on|in|stories|news|articles)\b.*|see (also|more)|"
          r"related( (content|articles?|stories|posts|news|topics|links|coverage|reading|video))?|"
          r"you (may|might) (also )?(like|be interested in)|recommended( for you| stories| reading)?|"
          r"(more|latest|top|trending|popular|other) (stories|news|articles|posts|videos)|"
          r"don'?t miss|archives?|continue reading|"
          r"(ا|إ)?قرا (ايضا|المزيد|كذلك)|المزيد|المزيد من [\w ]+|مواضيع (ذات (علاقه|صله)|ساخنه( اخري)?|متعلقه)|"
          r"اخبار (ذات صله|متعلقه)|يمكنك ايضا قراءه.*|اقرا التفاصيل|اخترنا لك|قد يهمك( ايضا)?|شاهد ايضا|"
          r"موضوعات متعلقه|ذات صله)" + _E),
    _rule("section-label", SURE, 8,
          _B + r"(editor'?s (choice|picks?)|most (viewed|read|popular|shared|commented|emailed)|top stories|"
          r"trending( now)?|latest( news)?|breaking( news)?|in focus|popular( topics| now)?|just in|in (the news|pictures)|"
          r"day week month|اختيارات (المحرر|القراء)|الاكثر (قراءه|تصفحا|مشاهده|تعليقا|تداولا)|اكثر (قراءه|تعليق|ارسال)[\w ]*|"
          r"اخر (الاخبار|الاخبار العاجله|خبر)|عاجل|الاخبار العاجله|يوم اسبوع شهر)" + _E),
    _rule("navigation", SURE, 8,
          _B + r"(skip to( main)? content|skip navigation|toggle navigation|main menu|menu|close( menu)?|open menu|"
          r"search( form)?|back to top|top|home( page)?|(next|previous|prev) (article|post|story|page)|next|previous|"
          r"تجاوز الي المحتوي( الرئيسي)?|تخطي قائمه التنقل|القائمه( الرئيسيه)?|الرئيسيه|الصفحه الرئيسيه|بحث|"
          r"استماره البحث|اعلي|↑ اعلي|عوده للاعلي)" + _E),
    _rule("caption", SURE, 12,
          r"^(picture|photo|image|video|photos|pictures|gallery|film|watch|listen|play|pause|"
          r"صوره|الصوره|صور|فيديو|ارشيفيه|صوره ارشيفيه|\(?ارشيف(يه)?\)?)\s*[:.]?\s*$",
          r"^view \d+ (images|photos|pictures)$",
          r"\((image|photo|picture|credit|pic|صوره)\s*:",
          r"^(image|photo|picture|credit|pic)\s*:",
          r"^(getty images|reuters|afp|ap|dpa|epa|shutterstock|istock)\b[\w/ ]*\)?\s*$",
          r"\((dpa|afp|reuters|ap|epa|getty( images)?|file|archive|ارشيفيه|ا ف ب|رويترز)\)\s*$"),
    _rule("weather", SURE, 6,
          r"^-?\d+\s*°\s*[cf]?$|^(غائم( جزئيا)?|سماء صافيه|ماطر|مشمس|الاحوال الجويه|الطقس|درجه الحراره)\s*$"),
    _rule("advert", SURE, 6,
          r"^(advertisement|sponsored( content)?|ad|ads|article continues below|story continues below|"
          r"continue reading below|اعلان|محتوي (مدفوع|برعايه))\s*$"),
)

#: Reasons whose rules are sure on their own.
SURE_REASONS = frozenset(rule.reason for rule in RULES if rule.sure)
#: Every reason a rule can give, in rule order (a feature per reason).
RULE_REASONS: tuple[str, ...] = tuple(dict.fromkeys(rule.reason for rule in RULES))

#: A line of more than this many words is never a comment-section header, whatever it says.
HEADER_MAX_WORDS = _HEADER_MAX_WORDS = 14


#: Lines longer than every rule's limit are never looked at.
MAX_RULE_WORDS = _MAX_RULE_WORDS = max(rule.max_words for rule in RULES)
#: All patterns in two: most lines match none, and two searches are cheaper than one per rule. The
#: anchored ones are tried at the start of the line only.
_ANY_ANCHORED = re.compile("|".join(f"(?:{part})" for rule in RULES for part in rule.parts if part.startswith("^")),
                           re.IGNORECASE)
_ANY_FLOATING = re.compile("|".join(f"(?:{part})" for rule in RULES for part in rule.parts
                                    if not part.startswith("^")), re.IGNORECASE)


# --- a cheap gate in front of the rules ------------------------------------------------------------------------------
# Python's regex engine tries a large alternation branch by branch, so matching the ~60 rule patterns costs a few
# microseconds per line: more than everything else a line costs. Almost every line is ruled out much more cheaply:
# an anchored pattern can only match a line that *starts* with one of the few strings its alternatives begin with,
# and a floating pattern only a line that *contains* one of the literals every match needs. Both sets are derived
# from the patterns themselves (below), so the gate follows the rules as they are edited; a line that passes it is
# then matched exactly as before. (The gate reads ``\d`` as the ASCII, Arabic-Indic and Persian digits, and the
# folded, lower-cased text as the case-insensitive match would: a line starting with another script's digits, or
# with a dotless or long s spelling of a rule word, is not gated in.)

#: Lengths of the line heads the gate compares.
_HEAD = 4
_DIGITS = "0123456789" + "".join(chr(c) for c in range(0x0660, 0x066A)) + "".join(chr(c) for c in range(0x06F0, 0x06FA))
#: What ``_B`` skips: bullets and every whitespace character (``\\s``).
_BULLET_CHARS = "*•·+-–—▪►◦●|>»" + "".join(chr(c) for c in range(0x10000) if chr(c).isspace())


def _expand(items) -> str | None:
    """The characters a character class can match, when few and known; else None."""
    chars = []
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            chars.append(chr(av))
        elif name == "RANGE" and av[1] - av[0] < 64:
            chars.extend(chr(c) for c in range(av[0], av[1] + 1))
        elif name == "CATEGORY" and str(av) == "CATEGORY_DIGIT":
            chars.extend(_DIGITS)
        else:
            return None
    return "".join(chars)


def _heads(items, states: set[tuple[str, bool]]) -> set[tuple[str, bool]]:
    """(head, closed) pairs: the strings of at most ``_HEAD`` characters a match of ``items`` can start with.

    ``closed`` says the head cannot grow further (it reached ``_HEAD`` characters, or what follows is not
    a literal); every match starts with one of the heads.
    """
    for op, av in items:
        name, out = str(op), set()
        for head, closed in states:
            if closed:
                out.add((head, True))
            elif name == "LITERAL":
                out.add((head + chr(av), len(head) + 1 >= _HEAD))
            elif name == "IN":
                chars = _expand(av)
                out |= {(head, True)} if chars is None else {(head + c, len(head) + 1 >= _HEAD) for c in chars}
            elif name == "SUBPATTERN":
                out |= _heads(av[3], {(head, False)}) if not (av[1] or av[2]) else {(head, True)}
            elif name == "BRANCH":
                for branch in av[1]:
                    out |= _heads(branch, {(head, False)})
            elif name in ("MAX_REPEAT", "MIN_REPEAT"):
                low, high, sub = av
                if low == 0:
                    out.add((head, False))
                once = _heads(sub, {(head, False)})
                out |= once if high == 1 else {(h, True) for h, _ in once}
            elif name == "AT":
                out.add((head, False))
            else:
                out.add((head, True))
        states = out
    return states


def _needed_literals(items) -> set[str] | None:
    """Literals of which every match of ``items`` contains at least one, or None (none known)."""
    if len(items) == 1 and str(items[0][0]) == "BRANCH":
        found: set[str] = set()
        for branch in items[0][1][1]:
            part = _needed_literals(branch)
            if part is None:
                return None
            found |= part
        return found
    if len(items) == 1 and str(items[0][0]) == "SUBPATTERN":
        return _needed_literals(items[0][1][3])
    best, run = "", ""
    for op, av in items:
        if str(op) == "LITERAL":
            run += chr(av)
            best = max(best, run, key=len)
        else:
            run = ""
    return {best} if len(best) >= 1 else None


#: The gate has two tiers: patterns of rules for lines of at most this many words, and the rest.
_GATE_SHORT_WORDS = 14


def _build_gate() -> list[tuple[int, frozenset[str], frozenset[str], tuple[str, ...]]] | None:
    """Per tier (its word limit): the heads of the bulleted patterns (after ``_B``), of the other anchored
    ones, and the literals the floating ones need; None when some pattern cannot be gated (then every
    line is matched). A line passes a tier when it starts with one of its heads (of at most ``_HEAD``
    characters; a bulleted one after its bullets), or holds one of its literals."""
    tiers = []
    for low, high in ((0, _GATE_SHORT_WORDS), (_GATE_SHORT_WORDS + 1, _MAX_RULE_WORDS)):
        bulleted_heads: set[str] = set()
        line_heads: set[str] = set()
        needed: set[str] = set()
        for rule in RULES:
            if rule.max_words < low:
                continue
            for part in rule.parts:
                bulleted = part.startswith(_B)
                body = part[len(_B):] if bulleted else part
                parsed = list(_sre_parse.parse(body, re.IGNORECASE).data)
                got = {head for head, _ in _heads(parsed, {("", False)})} if bulleted or body.startswith("^") else set()
                if got and "" not in got and all(h == h.lower() for h in got) and \
                        not (bulleted and any(h[0] in _BULLET_CHARS for h in got)):
                    (bulleted_heads if bulleted else line_heads).update(got)
                    continue
                literals = _needed_literals(parsed[1:] if body.startswith("^") else parsed)
                if not literals or any(lit != lit.lower() for lit in literals):
                    return None
                needed |= literals
        # A literal that holds another of them is needed by no line the other does not let through.
        needed = {literal for literal in needed if not any(other != literal and other in literal for other in needed)}
        tiers.append((high, frozenset(bulleted_heads), frozenset(line_heads), tuple(sorted(needed))))
    return tiers


_GATE = _build_gate()


#: The bits of :func:`gate_heads`: tier ``t``'s anchored heads are bit ``2t``, its bulleted ones ``2t + 1``;
#: comment-section headers have their own bit.
COMMENT_HEAD_BIT = 16


def gate_heads() -> dict[str, int]:
    """Every head string of the gate and its bits (see :data:`COMMENT_HEAD_BIT`), for a compiled gate
    (the line scan's) to test a line's first characters against."""
    found: dict[str, int] = {}
    for tier, (_, bulleted, anchored, _) in enumerate(_GATE or ()):
        for head in anchored:
            found[head] = found.get(head, 0) | (1 << (2 * tier))
        for head in bulleted:
            found[head] = found.get(head, 0) | (1 << (2 * tier + 1))
    for head in _COMMENT_HEADS:
        found[head] = found.get(head, 0) | COMMENT_HEAD_BIT
    return found


def head_bits(folded: str) -> int:
    """The gate bits of one folded line's head (what the compiled gate computes for many at once)."""
    heads, bits = gate_heads_cached(), 0
    for start, mask in ((folded, _PLAIN_BITS), (folded.lstrip(_BULLET_CHARS), _BULLETED_BITS)):
        for length in range(1, min(_HEAD, len(start)) + 1):
            bits |= heads.get(start[:length], 0) & mask
    return bits


_PLAIN_BITS = 0b0101 | COMMENT_HEAD_BIT
_BULLETED_BITS = 0b1010


@functools.lru_cache(maxsize=1)
def gate_heads_cached() -> dict[str, int]:
    return gate_heads()


@functools.lru_cache(maxsize=1)
def compiled_gate() -> HeadGate:
    """The gate's heads for the line scan (:mod:`pipeline.text.scan`), with :func:`fold_arabic` as a
    table (0 drops a character; a character it cannot fold alone makes its line special, and the
    caller folds that line in Python)."""
    fold = np.zeros(0x10000, dtype=np.uint32)
    for code in range(0x10000):
        ch = chr(code)
        folded = fold_arabic(ch) if not _ARABIC_STRIP.match(ch) else ""
        fold[code] = ord(folded) if len(folded) == 1 else (0 if not folded else code)
    return HeadGate.of(gate_heads(), fold, _PLAIN_BITS, _BULLETED_BITS, _HEAD)


def rule_candidates(folded: Sequence[str], words: Sequence[int] | np.ndarray, holding: Callable[[str], np.ndarray],
                    bits: Sequence[int] | np.ndarray | None = None) -> np.ndarray:
    """For each folded line (``fold_arabic`` of the stripped line) of ``words`` words, whether a rule might
    match it (a bool array). ``holding(literal)`` gives the indices of the lines that hold a literal of
    :func:`needed_literals` (the fold kernel marks them: :class:`pipeline.boilerplate.features.FoldedLines`);
    ``bits`` the lines' :func:`head_bits`, when a compiled gate has them already. A line left out matches
    no rule.
    """
    n = len(folded)
    words = np.asarray(words, dtype=np.int64).reshape(n)
    if _GATE is None:
        return words <= _MAX_RULE_WORDS
    bits = np.asarray([head_bits(line) for line in folded] if bits is None else bits, dtype=np.int64).reshape(n)
    hit = np.zeros(n, dtype=bool)
    found: dict[str, np.ndarray] = {}  # the lines holding each literal (the tiers share most of them)
    for tier, (limit, _, _, needed) in enumerate(_GATE):
        mask = 0b11 << (2 * tier)
        hit |= ((bits & mask) != 0) & (words <= limit)
        for literal in needed:
            if literal not in found:
                found[literal] = holding(literal)
            lines = found[literal]
            hit[lines[words[lines] <= limit]] = True
    return hit


def needed_literals() -> tuple[str, ...]:
    """Every literal that :func:`rule_candidates` looks for in the lines (one of them is in every line a
    pattern that is not anchored at the line's head can match)."""
    return tuple(sorted({literal for _, _, _, needed in _GATE or () for literal in needed}))


def first_rule(folded: str, words: int) -> Rule | None:
    """:func:`match_rule` on a line already stripped and folded, without the combined pre-check."""
    for rule, anchored, floating in _RULE_PARTS:
        if words <= rule.max_words and ((anchored is not None and anchored.match(folded)) or
                                        (floating is not None and floating.search(folded))):
            return rule
    return None


def _split_parts(rule: Rule) -> tuple[Rule, re.Pattern[str] | None, re.Pattern[str] | None]:
    """A rule's anchored parts (tried with ``match``: a search would try them at every position) and the rest."""
    anchored = [part for part in rule.parts if part.startswith("^")]
    floating = [part for part in rule.parts if not part.startswith("^")]
    compile_ = lambda parts: re.compile("|".join(f"(?:{part})" for part in parts), re.IGNORECASE) if parts else None  # noqa: E731
    return rule, compile_(anchored), compile_(floating)


_RULE_PARTS = tuple(_split_parts(rule) for rule in RULES)


def match_rule(text: str, words: int) -> Rule | None:
    """The first rule that decides ``text`` (of ``words`` words), or None."""
    if words > _MAX_RULE_WORDS:
        return None
    folded = fold_arabic(text.strip())
    if not (_ANY_ANCHORED.match(folded) or _ANY_FLOATING.search(folded)):
        return None
    for rule in RULES:
        if words <= rule.max_words and rule.pattern.search(folded):
            return rule
    return None


#: A comment section starts with one of these; what follows it, to the end of
#: the page, is reader comments and forms unless it is clearly something else.
COMMENT_SECTION = re.compile(
    r"^\d+\s+(thoughts?|comments?|responses?|replies)\s+(on|to)\b|^(leave a (reply|comment)|"
    r"(\d+\s+)?comments?|reader comments|discussion|what do you think\??|join the conversation|"
    r"اضافه تعليق جديد|اضف تعليق(ا|ك)?|التعليقات|تعليقات( القراء)?)\s*[:(\d)]*\s*$",
    re.IGNORECASE)


def is_comment_header(text: str, words: int) -> bool:
    return words <= _HEADER_MAX_WORDS and bool(COMMENT_SECTION.match(fold_arabic(text.strip())))


def _comment_heads() -> frozenset[str] | None:
    heads = {head for head, _ in _heads(list(_sre_parse.parse(COMMENT_SECTION.pattern, re.IGNORECASE).data),
                                        {("", False)})}
    return frozenset(heads) if heads and "" not in heads and all(h == h.lower() for h in heads) else None


_COMMENT_HEADS = _comment_heads() or frozenset()


def comment_header_candidates(folded: Sequence[str], bits: Sequence[int] | None = None) -> list[int]:
    """Indices of the folded lines that may be comment-section headers (the others cannot match)."""
    if not _COMMENT_HEADS:
        return list(range(len(folded)))
    if bits is None:
        bits = [head_bits(line) for line in folded]
    bits = np.asarray(bits, dtype=np.int64).reshape(len(folded))
    return np.flatnonzero(bits & COMMENT_HEAD_BIT).tolist()
