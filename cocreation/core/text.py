"""The one search normaliser: every keyword search of the portal (the quest list and its
exports, the outcome archive, the organisations directory, a quest's proposals) passes
both the keyword and the searched text through `normalise_for_search`, then looks for each
keyword as a substring, through the character-bigram index whose lexemes and literals are
at the end of this module (the search itself: cocreation/core/search.py). Japanese users
type the same thing in several ways; these become one:

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
from collections.abc import Iterable

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


# --- The bigram index -------------------------------------------------------------------
#
# PostgreSQL's full-text search splits text into words with a parser made for languages
# written with spaces, and the embedded PostgreSQL has neither pg_trgm nor pg_bigm. The
# portal indexes the normalised text the way pg_bigm does, with core PostgreSQL only: the
# lexemes of a text are its character bigrams and its single characters, written into a
# `tsvector` literal verbatim (never through to_tsvector's parser, which would split and
# drop them), kept in a GIN index. A keyword found as a substring has all its bigrams in
# the text, so `vector @@ (every bigram of the keyword)` finds every row the substring
# rule finds, and for a keyword of one or two characters exactly those; a longer keyword
# may also meet rows holding its bigrams apart, so the substring condition stays as the
# recheck (cocreation/core/search.py), and a search finds exactly what the normaliser's
# rule finds.

# The searched text of a row is its first SEARCH_TEXT_MAX characters: at most 12 bytes of
# lexemes a character (a bigram and a single character of 4-byte UTF-8), so a vector stays
# under PostgreSQL's 1 MB of lexemes whatever is typed. Eighty thousand characters is some
# forty pages of Japanese; what follows them is not searched.
SEARCH_TEXT_MAX = 80_000
# PostgreSQL keeps a lexeme's positions up to 16383 and at most 256 of them.
_MAX_POSITION = 16383
_MAX_POSITIONS = 256


def _occurrences(text: str):
    """(position from 1, lexeme) for every single character of `text` that is not white
    space and every pair of neighbouring characters neither of which is."""
    for at, char in enumerate(text):
        if char.isspace():
            continue
        yield at + 1, char
        following = text[at + 1 : at + 2]
        if following and not following.isspace():
            yield at + 1, char + following


def search_lexemes(text: str) -> set[str]:
    """The lexemes of `text` (already in the search form, `normalise_for_search`): every
    distinct bigram without white space and every distinct single character that is not
    white space, so one-character keywords are found through the index too."""
    return {lexeme for _at, lexeme in _occurrences(text)}


def keyword_lexemes(keyword: str) -> list[str]:
    """The lexemes a text must hold to contain `keyword` (normalised) as a substring: its
    distinct bigrams without white space in order, or, for a keyword of one character
    (or with no such bigram), its single characters. Empty for a keyword of white space."""
    pairs = dict.fromkeys(
        keyword[at : at + 2]
        for at in range(len(keyword) - 1)
        if not keyword[at].isspace() and not keyword[at + 1].isspace()
    )
    if pairs:
        return list(pairs)
    return list(dict.fromkeys(char for char in keyword if not char.isspace()))


def lexemes_decide(keyword: str) -> bool:
    """Whether holding `keyword_lexemes(keyword)` is the same as holding `keyword` as a
    substring: true for a keyword of one or two characters without white space (its one
    lexeme is the keyword itself), so the substring recheck can be left out."""
    return 0 < len(keyword) <= 2 and not any(char.isspace() for char in keyword)


def _quoted(lexeme: str) -> str:
    # Inside quotes a backslash escapes the next character and a quote is doubled.
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(text: str, *, positions: bool = False, extra: Iterable[str] = ()) -> str:
    """The `tsvector` literal (input form, for `'…'::tsvector`) of `text` (in the search
    form, at most `SEARCH_TEXT_MAX` characters): each lexeme of `search_lexemes` once,
    quoted verbatim, so nothing is split or dropped as a parser would. With `positions`,
    each lexeme carries where it occurs (from 1; the first 256, up to 16383, as PostgreSQL
    keeps them) with weight A, for `ts_rank`; without, the vector only says what the text
    holds, and stays small. `extra`: further lexemes without positions (e.g.
    `prefix_lexemes`)."""
    found: dict[str, list[str]] = {}
    for at, lexeme in _occurrences(text):
        kept = found.setdefault(lexeme, [])
        if positions and at <= _MAX_POSITION and len(kept) < _MAX_POSITIONS:
            kept.append(f"{at}A")
    parts = [
        f"{_quoted(lexeme)}:{','.join(kept)}" if kept else _quoted(lexeme)
        for lexeme, kept in found.items()
    ]
    parts.extend(_quoted(lexeme) for lexeme in dict.fromkeys(extra) if lexeme not in found)
    return " ".join(parts)


def prefix_lexemes(tag: str, value: str | None) -> list[str]:
    """Lexemes saying that `value` begins with each of its own beginnings, for a column
    matched by its beginning rather than anywhere (a local-government code: 「07」 finds
    072036). `tag` names the column; it is joined to the beginning with a space, which no
    bigram or single-character lexeme holds, so the two kinds never meet."""
    value = value or ""
    return [f"{tag} {value[:length]}" for length in range(1, len(value) + 1)]


def tsquery_literal(keywords: list[str], *, prefix_tags: Iterable[str] = ()) -> str:
    """The `tsquery` literal (input form, for `'…'::tsquery`) a row's vector must match to
    hold every one of `keywords` (from `search_keywords`): for each keyword the AND of its
    `keyword_lexemes`, OR, for each of `prefix_tags`, the prefix lexeme of the keyword;
    the keywords joined by AND. "" when no keyword has a lexeme (nothing to narrow by)."""
    tags = list(prefix_tags)
    terms = []
    for keyword in keywords:
        lexemes = keyword_lexemes(keyword)
        if not lexemes:
            continue
        term = " & ".join(_quoted(lexeme) for lexeme in lexemes)
        if tags:
            alternatives = [f"( {term} )"] + [_quoted(f"{tag} {keyword}") for tag in tags]
            term = " | ".join(alternatives)
        terms.append(f"( {term} )")
    return " & ".join(terms)
