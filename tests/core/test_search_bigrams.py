"""The bigram index of the keyword search (cocreation.core.text, cocreation.core.search):
the lexemes of a text, their `tsvector` and `tsquery` literals as PostgreSQL reads them,
and the rule that makes the index safe to use: whenever a keyword is a substring of a text,
the text's vector matches the keyword's query, and for keywords of one or two characters
only then."""

import random

import pytest
from django.db import connection

from cocreation.core.search import SearchDocument
from cocreation.core.text import (
    SEARCH_TEXT_MAX,
    keyword_lexemes,
    lexemes_decide,
    normalise_for_search,
    prefix_lexemes,
    search_keywords,
    search_lexemes,
    tsquery_literal,
    tsvector_literal,
)


def test_lexemes_are_the_bigrams_and_single_characters_without_white_space():
    assert search_lexemes("霞が関 dx") == {
        "霞",
        "が",
        "関",
        "d",
        "x",
        "霞が",
        "が関",
        "dx",
    }
    assert search_lexemes("") == set()
    assert search_lexemes("   ") == set()


@pytest.mark.parametrize(
    ("keyword", "lexemes"),
    [
        ("霞が関", ["霞が", "が関"]),
        ("まちまち", ["まち", "ちま"]),  # each bigram once
        ("町", ["町"]),  # one character: the character itself
        ("dx", ["dx"]),
        ("", []),
    ],
)
def test_a_keyword_needs_its_bigrams_or_its_one_character(keyword, lexemes):
    assert keyword_lexemes(keyword) == lexemes


def test_only_keywords_of_one_or_two_characters_are_decided_by_the_index():
    assert lexemes_decide("町") and lexemes_decide("郡山")
    assert not lexemes_decide("郡山市") and not lexemes_decide("")


def test_a_code_is_matched_by_its_beginnings_in_lexemes_no_bigram_can_be():
    assert prefix_lexemes("code", "072036") == [
        "code 0",
        "code 07",
        "code 072",
        "code 0720",
        "code 07203",
        "code 072036",
    ]
    assert prefix_lexemes("code", None) == []
    assert not any(" " in lexeme for lexeme in search_lexemes("code 07 の検索"))


def _vector_lexemes(literal: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tsvector_to_array(%s::tsvector)", [literal])
        return set(cursor.fetchone()[0])


def _matches(text: str, keywords: list[str], tags=()) -> bool:
    literal = tsquery_literal(keywords, prefix_tags=tags)
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::tsvector @@ %s::tsquery", [tsvector_literal(text), literal])
        return cursor.fetchone()[0]


# Characters the tsvector and tsquery syntaxes give a meaning to, or that a parser would
# split at or drop, next to Japanese: PostgreSQL must read each as a plain character.
AWKWARD = "'\\:&|!()*<>-,.%_\"`〜ー・、。🍣é\u3099"


@pytest.mark.django_db
def test_postgresql_reads_every_lexeme_verbatim():
    text = normalise_for_search(f"郡山{AWKWARD}市 O'Reilly\\path a:1 b&c 寿司🍣")
    assert _vector_lexemes(tsvector_literal(text)) == search_lexemes(text)
    # With positions: the same lexemes, each position weighted A.
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::tsvector", [tsvector_literal("郡山の山", positions=True)])
        assert cursor.fetchone()[0] == "'の':3A 'の山':3A '山':2A,4A '山の':2A '郡':1A '郡山':1A"


@pytest.mark.django_db
def test_a_substring_is_always_matched_and_a_short_keyword_only_then():
    """Random texts over a small alphabet (so keywords often occur, and often as scattered
    bigrams): the index never misses a row the substring rule finds, and for keywords of
    one or two characters it finds no other row."""
    rng = random.Random(12)
    alphabet = "霞が関ケ市町の'\\:&|!() -"
    for _ in range(300):
        text = normalise_for_search(
            "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        )
        keyword = normalise_for_search(
            "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4)))
        )
        words = search_keywords(keyword)
        if not words:
            continue
        found = all(word in text for word in words)
        matched = _matches(text, words)
        if found:
            assert matched, (text, words)
        if all(lexemes_decide(word) for word in words):
            assert matched == found, (text, words)


@pytest.mark.django_db
def test_a_prefix_tag_finds_the_code_by_its_beginning_only():
    document = SearchDocument.from_parts(["郡山市", "コオリヤマシ"], prefixes=[("code", "072036")])
    with connection.cursor() as cursor:
        for keyword, expected in [("072", True), ("0720", True), ("2036", False), ("郡山", True)]:
            query = tsquery_literal([keyword], prefix_tags=["code"])
            cursor.execute("SELECT %s::tsvector @@ %s::tsquery", [document.vector, query])
            assert cursor.fetchone()[0] is expected, keyword


def test_a_document_is_its_parts_normalised_with_the_title_first():
    document = SearchDocument.from_parts(["霞ヶ関の窓口", None, "", "サ〜ビス"])
    assert document.text == "霞が関の窓口 さ-びす"
    assert document.heading == "霞が関の窓口"
    assert set(document.values()) == {"search_text", "search_bigrams", "search_title_bigrams"}


@pytest.mark.django_db
def test_the_longest_text_still_fits_a_vector():
    """PostgreSQL keeps at most 1 MB of lexemes in a tsvector; a searched text is cut to
    SEARCH_TEXT_MAX characters, which fit even when every character is a 4-byte one and
    every bigram differs."""
    # Private-use characters of planes 15 and 16: 4 bytes each, left alone by NFKC.
    text = "".join(chr(0xF0000 + n) for n in range(SEARCH_TEXT_MAX + 5000))
    document = SearchDocument.from_parts([text[:20], text])
    assert len(document.text) == SEARCH_TEXT_MAX
    lexemes = len(search_lexemes(document.text))
    assert lexemes > 2 * SEARCH_TEXT_MAX - 100
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT length(%s::tsvector), length(%s::tsvector)",
            [document.vector, document.title_vector],
        )
        assert cursor.fetchone() == (lexemes, 39)
