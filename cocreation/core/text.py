"""The one search normaliser: every keyword search of the portal (the quest list and its
exports, the outcome archive, the organisations directory) passes both the keyword and
the searched text through `normalise_for_search`, then looks for each keyword as a
substring. Japanese users type the same thing in several ways; these become one:

- Width and compatibility forms (NFKC): ＤＸ/DX, ｶﾅ/カナ, ㈱/(株), the ideographic space.
- Case, by Unicode case folding (not only lower case): DX/dx, STRASSE/Straße.
- Dashes, tildes and long-vowel marks, all to `-`: the range in 「9時〜17時」 is typed with
  WAVE DASH U+301C (Mac, Linux), FULLWIDTH TILDE U+FF5E (Windows IMEs), `~` or a hyphen,
  and the long vowel of サービス with ー, ｰ, a minus, a hyphen or 〜. One class, not
  three, because the same keys are used for both (サ〜ビス, 9時ー17時) and a rule that
  looked at the neighbouring letters would stop a keyword typed as part of a word from
  matching (see below); in Japanese text a dash and a long-vowel mark never compete for
  the same place, so joining them finds nothing that was not meant.
- Place names and counters written with ヶ, ケ, ヵ or が: 霞ヶ関/霞ケ関/霞が関,
  龍ヶ崎/龍ケ崎, 関ヶ原/関ケ原 (katakana ヶ/ケ/ヵ between kanji read as が), and
  3ヶ月/3ケ月/3カ月/3ヵ月/3か月, 数ヶ所/数か所 (after a numeral, before 月/所/国/年/条,
  read as か, the form the 公用文 uses). Only katakana ケ is read so: hiragana け between
  kanji is okurigana (受け付け, 届け出) and stays, and so does 箇 (箇所 is a word).
- Katakana as hiragana: a reading stored in katakana (コオリヤマシ) is found when typed in
  hiragana (こおりやま), and 一ノ関/一の関 agree. Words written in both scripts mean the
  same thing in the portal's text, so folding finds nothing unwanted, while the readings
  people type are in either script.
- Runs of white space, as one space.

A keyword must still find the words it is part of (people type 「霞ケ」 and stop), so every
rule either needs no context or treats the start and end of the string, and white space,
as if a kanji stood there: 「霞ケ」 and 「ヶ関」 become 「霞が」 and 「が関」, which are in
「霞が関」. `search_keywords` splits a query before normalising, so each keyword has its own
edges. `tests/core/test_search_normaliser.py` states each rule as a table.

No package is used. neologdn (Apache-2.0, a C++ extension) prepares text for MeCab: by
default it deletes tildes (「9時〜17時」 becomes 「9時17時」, and 「9時-17時」 stays apart),
joins words separated by spaces (which merges the keywords), and knows neither ヶ/ケ/が
nor kana folding. jaconv (MIT) turns 〜 into ー but leaves ~, so 「9時〜17時」 and
「9時~17時」 still differ. Both would need this module's tables on top; NFKC and the two
translation tables here are the whole job.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import ngettext

# A query is cut to this many keywords: each is one more condition to meet.
SEARCH_KEYWORDS_MAX = 10

# Every dash, hyphen, minus, tilde, wave and long-vowel mark that remains after NFKC, as
# `-`. (NFKC has already made FULLWIDTH TILDE `~`, FULLWIDTH HYPHEN-MINUS and SMALL
# HYPHEN-MINUS `-`, HALFWIDTH ｰ `ー`, NON-BREAKING HYPHEN U+2010, SMALL EM DASH U+2014.)
_DASHES = (
    "~"  # U+007E TILDE (and, after NFKC, U+FF5E FULLWIDTH TILDE)
    "\u02d7"  # MODIFIER LETTER MINUS SIGN
    "\u058a"  # ARMENIAN HYPHEN
    "\u2010\u2011\u2012\u2013\u2014\u2015"  # HYPHEN .. HORIZONTAL BAR
    "\u2043"  # HYPHEN BULLET
    "\u2053"  # SWUNG DASH
    "\u2212"  # MINUS SIGN (and superscript/subscript minus after NFKC)
    "\u223c\u223e"  # TILDE OPERATOR, INVERTED LAZY S
    "\u2500\u2501"  # BOX DRAWINGS LIGHT/HEAVY HORIZONTAL, typed for ー by some IMEs
    "\u2e3a\u2e3b"  # TWO-EM DASH, THREE-EM DASH
    "\u301c"  # WAVE DASH
    "\u3030"  # WAVY DASH
    "\u30fc"  # KATAKANA-HIRAGANA PROLONGED SOUND MARK (ー)
)
# Katakana ァ..ヶ as hiragana ぁ..ゖ, and the katakana iteration marks; small ヵ/ヶ left
# over by the place-name rule become か/け, as their sound.
_KANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)} | {
    0x30FD: 0x309D,
    0x30FE: 0x309E,
    ord("ヵ"): "か",
    ord("ヶ"): "け",
}
_TABLE = str.maketrans({char: "-" for char in _DASHES}) | _KANA

_KANJI = re.compile(r"[\u3005-\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_NUMERALS = frozenset("0123456789〇一二三四五六七八九十百千万何数幾")
_COUNTERS = frozenset("月所国年条")
_DIGITS = frozenset("0123456789")
_KE = re.compile("[ヶケヵ]")
_SPACES = re.compile(r"\s+")
# What separates keywords in a query, after NFKC (which makes ，/､/｡ into ,/、/。).
_SEPARATORS = re.compile(r"[\s、。,]+")


def _place_or_counter(match: re.Match) -> str:
    """ヶ/ケ/ヵ between kanji as が, after a numeral and before a counter as か; an edge
    of the string or white space counts as either neighbour, but not as both."""
    text, at = match.string, match.start()
    before = text[at - 1] if at else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    before_edge, after_edge = before.isspace(), after.isspace()
    if before_edge and after_edge:
        return match.group()
    if (before_edge or before in _NUMERALS) and after in _COUNTERS:
        return "か"
    if before in _DIGITS and after_edge:
        # 「3ヶ」 typed alone: a counter (3ヶ月). After a kanji numeral it is more often
        # the start of a place name (七ヶ浜町, 五ヶ瀬町), so the rule below reads it as が.
        return "か"
    if (before_edge or _KANJI.match(before)) and (after_edge or _KANJI.match(after)):
        return "が"
    return match.group()


def normalise_for_search(text: str | None) -> str:
    """`text` (any string, or None for nothing) in the one form every search compares:
    NFKC, case-folded, dashes/tildes/long-vowel marks as `-`, ヶ/ケ/ヵ of place names as
    が and of counters as か, katakana as hiragana, white space runs as one space, no
    space at either end. The module docstring gives each rule and its reason. Applying
    it twice changes nothing more."""
    text = unicodedata.normalize("NFKC", text or "")
    text = unicodedata.normalize("NFKC", text.casefold())
    text = _KE.sub(_place_or_counter, text)
    text = text.translate(_TABLE)
    return _SPACES.sub(" ", text).strip()


def search_keywords(query: str | None) -> list[str]:
    """The keywords of a query as typed into a search box: split at white space
    (including the ideographic space) and at 、。, (full or half width), each normalised
    by `normalise_for_search`, at most `SEARCH_KEYWORDS_MAX`, in the order typed. Empty
    for a query with no words. A search finds what holds every keyword."""
    text = _SEPARATORS.sub(" ", unicodedata.normalize("NFKC", query or ""))
    words = [normalise_for_search(word) for word in text.split()]
    return [word for word in words if word][:SEARCH_KEYWORDS_MAX]


def keywords_left_out(query: str | None) -> str:
    """The message a search page shows when `query` has more words than
    `SEARCH_KEYWORDS_MAX` (the rest were not searched for); "" when none was left out."""
    text = _SEPARATORS.sub(" ", unicodedata.normalize("NFKC", query or ""))
    words = [word for word in (normalise_for_search(w) for w in text.split()) if word]
    if len(words) <= SEARCH_KEYWORDS_MAX:
        return ""
    return ngettext(
        "Only the first %(count)d word was searched for; %(left)s was left out.",
        "Only the first %(count)d words were searched for; %(left)s were left out.",
        SEARCH_KEYWORDS_MAX,
    ) % {"count": SEARCH_KEYWORDS_MAX, "left": " ".join(words[SEARCH_KEYWORDS_MAX:])}


def matches_keywords(keywords: list[str], *texts: str | None) -> bool:
    """Whether every one of `keywords` (from `search_keywords`) occurs in one of `texts`
    (raw stored text, normalised here). For searches over rows already in memory; the
    quest list compares its stored, normalised column in SQL instead."""
    haystack = normalise_for_search("\n".join(text for text in texts if text))
    return all(keyword in haystack for keyword in keywords)
