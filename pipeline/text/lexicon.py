"""The words and characters the classifiers read, each defined once.

Function words of English and of other Latin-script languages, the letters and
words that tell the Arabic-script languages apart, the stopword lists, the
punctuation that ends sentences and separates tokens, bullets, month names and
byline words. :mod:`pipeline.text.scan` turns them into the tables of its
kernel; :mod:`pipeline.stages.language` and :mod:`pipeline.boilerplate.features`
read them from here::

    >>> "the" in ENGLISH_FUNCTION_WORDS, "der" in FOREIGN_FUNCTION_WORDS, "the" in FOREIGN_FUNCTION_WORDS
    (True, True, False)
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

#: The most frequent English function words (they make up about 40% of English
#: running text). Only words that are rare in other Latin-script languages.
ENGLISH_FUNCTION_WORDS = frozenset(
    """
    the of and to in is that for it as was with be by on not he i this are or his from at which
    but have an they you were her she there been their we can has will would more if no one all
    its also who had about after what so up out than them our into only other some could these
    two first new when then over most such any us my me how said should does did do just your
    it's i'm don't
    """.split()
)

#: Very frequent function words of other Latin-script languages (French,
#: German, Spanish, Portuguese, Italian, Dutch, Indonesian/Malay, Tagalog,
#: Swahili, Turkish), minus anything English also writes.
FOREIGN_FUNCTION_WORDS = frozenset(
    """
    le la les et des est une du pour dans que qui pas sur au avec ce sont ont été par plus nous vous ils elle
    der die das und nicht ist ein eine mit auf den dem zu sich auch es sie ich wir von wird werden
    el los las y del es una por con para se lo como más pero sus
    os do da em um uma não com dos das mais ao
    il di che è per della sono alla nel gli
    de het een van en niet op voor met zijn dat er ook maar bij aan
    yang dan di ini itu dengan untuk tidak dari ke akan pada dalam adalah
    ang ng sa mga na ay
    ya wa kwa za ni katika
    ve bir bu için ile çok
    """.split()
) - ENGLISH_FUNCTION_WORDS

# Letters that tell Arabic-script languages apart, with weights. A letter
# Arabic keyboards never type (پ چ ژ گ, Persian ی and ک, Urdu ٹ ڈ ڑ ں ے ...)
# or the zero-width non-joiner is strong evidence (Arabic typed on a Persian
# keyboard, with ی and ک, is the rare exception: a few of its short lines are
# called Persian). ھ is Urdu's two-eyed heh but some Arabic sites type it for
# ه; ي and ك are weak evidence for Arabic, as much Persian is typed with them;
# ة, ى and hamza on alef/waw are Arabic spelling. Two kinds of marks count as
# letters here: Persian digits (۰-۹), and ۔, the Urdu full stop (Arabic and
# Persian end sentences with "."; most Urdu sentences end with ۔).
STRONG_WEIGHT, WEAK_WEIGHT = 3.0, 0.5
PERSIAN_ONLY = "ژۀ۰۱۲۳۴۵۶۷۸۹"
URDU_ONLY = "ٹڈڑںہۃےۓ۔"
KURDISH_ONLY = "ڕڵۆێە"
PASHTO_ONLY = "ټډړږښځڅګڼېۍ"
#: Letters (and the zero-width non-joiner) that Persian, Urdu, Kurdish and Pashto share and Arabic does not write.
NON_ARABIC_SHARED = "پچگیک\u200c"
NON_ARABIC_STRONG = NON_ARABIC_SHARED + PERSIAN_ONLY + URDU_ONLY + KURDISH_ONLY + PASHTO_ONLY
NON_ARABIC_FORMS = "ھ"
ARABIC_SPELLING = "ةىأإؤ"
ARABIC_FORMS = "يك"
#: Each telling letter and its weight: positive for Persian/Urdu/..., negative for Arabic.
LETTER_WEIGHTS = {
    **{ch: STRONG_WEIGHT for ch in NON_ARABIC_STRONG},
    **{ch: 1.0 for ch in NON_ARABIC_FORMS},
    **{ch: -1.0 for ch in ARABIC_SPELLING},
    **{ch: -WEAK_WEIGHT for ch in ARABIC_FORMS},
}
#: Letters Arabic does not write (as typed on Arabic keyboards): one of them
#: makes a word Persian, Urdu, Kurdish or Pashto to the letter evidence.
NON_ARABIC_LETTERS = frozenset(NON_ARABIC_STRONG)

#: Function words that mark a language where the letters are shared. Persian
#: (also as typed with Arabic yeh and kaf), Urdu, and Arabic; none of them is
#: a word in the other languages.
PERSIAN_WORDS = frozenset(
    "را است این اين آن از برای براي که كه می مي شد شده شود کرد كرد بود نیز نيز هستند ها های هاي".split()
)
URDU_WORDS = frozenset("اور کے كے کی كی میں ہے سے کو نے پر یہ وہ تھا تھی".split())
ARABIC_WORDS = frozenset(
    "في من على إلى الى عن أن التي الذي هذا هذه مع كان قد ثم أو بين حتى عند كما ذلك لم لن هو هي".split()
)

#: Characters that separate stopword tokens (besides whitespace).
TOKEN_PUNCTUATION = "\"'“”‘’«»()[]{}.,;:!?؟،؛…-–—/|*•·+"
#: Characters a sentence ends with (":" is its own fact: a label, or a list to come).
SENTENCE_END = ".!?…؟:"
#: Closers that may follow a sentence's end: quotes, brackets, an asterisk.
TRAILING_CLOSERS = "\"'”’»)]*"
#: Characters a line's leading bullets are made of (whitespace aside); "|" and "»" lead menus.
LEADING_BULLETS = "*•·+-–—▪►◦●|>»"
#: Bullets that start a list item.
LIST_BULLETS = "*•·+-–—▪►◦●>"

#: English month names and their abbreviations, as tokens.
ENGLISH_MONTHS = frozenset(
    "jan january feb february mar march apr april may jun june jul july aug august sep sept september "
    "oct october nov november dec december".split()
)
#: Arabic month names (Egyptian/Gulf, Levantine and Maghreb forms).
ARABIC_MONTHS = (
    "يناير", "فبراير", "مارس", "ابريل", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "اغسطس", "سبتمبر", "أكتوبر",
    "اكتوبر", "نوفمبر", "ديسمبر", "كانون", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول", "تشرين",
    "فيفري", "جانفي",
)
#: Words a byline starts with; "written" and "posted" start one when "by" follows.
BYLINE_WORDS = frozenset(("by", "author", "بقلم", "كتب", "كتبت", "حوار", "اعداد", "إعداد"))
BYLINE_FIRST_WORDS = frozenset(("written", "posted"))

#: Words of the rules printed around comment forms and sign-ups: comment policies, community
#: standards, terms of use, consent to newsletters and cookies. Such text reads like prose (long,
#: full sentences, often a bulleted list of rules) but is page furniture; the density of these words
#: is one of the line model's features. English and Arabic, with the common Arabic spellings.
POLICY_WORDS = frozenset(
    """
    comment comments commenting commenter commenters moderated moderation moderator moderators guidelines
    community standards respectful offensive abusive abuse harassment spam policy policies terms conditions
    agree agreeing agreement consent subscribe subscribing subscription subscriber newsletter newsletters
    unsubscribe privacy cookie cookies personalised personalized advertising notify notifications email
    e-mail register registration account login password reply replies flag flagged violate violates
    violation violations prohibited reserve removed remove delete deleted discretion opinions reflect
    تعليق التعليق التعليقات تعليقات تعليقك تعليقكم شروط الشروط سياسة سياسه الخصوصية الخصوصيه الاستخدام
    النشر المجتمع معايير يرجى الرجاء الالتزام الإساءة الاساءه الاساءة المسيئة المسيئه تحتفظ بحذف حذف
    مسؤولية مسؤوليه آراء اراء الآراء الاراء تعبر يعبر الاشتراك اشترك اشتراك النشرة النشره البريد الإلكتروني
    الالكتروني القراء قرائنا المعلقين المعلق الموافقة الموافقه توافق بالموافقة
    """.split()
)


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """English and Arabic stopwords (jusText's lists, versioned in ``pipeline/resources/stoplists``)."""
    words: set[str] = set()
    for code in ("en", "ar"):
        text = resources.files("pipeline").joinpath("resources", "stoplists", f"{code}.txt").read_text("utf-8")
        words.update(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return frozenset(words)
