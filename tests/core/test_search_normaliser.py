"""The one search normaliser (cocreation.core.text): the spellings Japanese users type
interchangeably become one, on both the query and the searched text, and a keyword
typed as part of a word still finds the word."""

import pytest

from cocreation.core.text import SEARCH_KEYWORDS_MAX, normalise_for_search, search_keywords

# Each row: spellings people type for the same thing; all must normalise to one string.
SAME = [
    # Ranges: WAVE DASH (what Mac and Linux IMEs type), FULLWIDTH TILDE (Windows IMEs),
    # ASCII tilde, TILDE OPERATOR, INVERTED LAZY S, WAVY DASH, and dashes used as ranges.
    (
        "wave dash and tildes",
        ["9時〜17時", "9時～17時", "9時~17時", "9時∼17時", "9時∾17時", "9時〰17時"],
    ),
    (
        "dashes as ranges",
        [
            "9時-17時",
            "9時－17時",
            "9時‐17時",
            "9時‑17時",
            "9時‒17時",
            "9時–17時",
            "9時—17時",
            "9時―17時",
            "9時−17時",
            "9時﹣17時",
            "9時─17時",
        ],
    ),
    ("tilde and dash ranges agree", ["10〜20人", "10-20人"]),
    (
        "phone numbers",
        ["024-924-2111", "０２４－９２４－２１１１", "024ー924ー2111", "024−924−2111"],
    ),
    # Long-vowel marks: ー, half-width ｰ, and the minus, hyphen or wave dash typed in its place.
    (
        "long vowel after katakana",
        ["サービス", "サｰビス", "サ−ビス", "サ‐ビス", "サ-ビス", "サ〜ビス", "ｻｰﾋﾞｽ"],
    ),
    ("long vowel after hiragana", ["すごーい", "すご〜い", "すご~い"]),
    # Place names: small ヶ, large ケ and が between kanji are one.
    ("霞が関", ["霞ヶ関", "霞ケ関", "霞が関", "霞ヵ関", "霞ｹ関"]),
    ("龍ケ崎", ["龍ヶ崎", "龍ケ崎", "龍が崎"]),
    ("関ケ原", ["関ヶ原", "関ケ原", "関が原"]),
    (
        "八ヶ岳 (a numeral before a non-counter kanji is a place name)",
        ["八ヶ岳", "八ケ岳", "八が岳"],
    ),
    ("自由が丘 (katakana ガ too)", ["自由が丘", "自由ヶ丘", "自由ケ丘", "自由ガ丘"]),
    ("一ノ関 (katakana ノ as hiragana の)", ["一ノ関", "一の関"]),
    # Counters: 3か月 as the 公用文 writes it, and every other way people write it.
    ("months", ["3か月", "3ヶ月", "3ケ月", "3カ月", "3ヵ月", "３ヶ月"]),
    ("months after a kanji numeral", ["三か月", "三ヶ月", "三ケ月", "三カ月"]),
    ("places", ["数か所", "数ヶ所", "数カ所", "数ヵ所", "数ケ所"]),
    ("countries", ["5か国", "5ヶ国", "5カ国"]),
    # Width, case, kana and spaces, as before.
    ("full and half width, case", ["DX推進", "ＤＸ推進", "ｄｘ推進", "dx推進"]),
    ("katakana as hiragana", ["フードロス", "ふーどろす", "ﾌｰﾄﾞﾛｽ"]),
    (
        "ideographic space and runs of spaces",
        ["郡山市 横瀬町", "郡山市\u3000横瀬町", "  郡山市 \t 横瀬町  ", "郡山市\u00a0横瀬町"],
    ),
    ("㈱ and (株)", ["㈱フードシェア福島", "(株)フードシェア福島", "（株）フードシェア福島"]),
    ("ß and ss (case folding, not only lower case)", ["Straße", "STRASSE", "strasse"]),
]


@pytest.mark.parametrize(("rule", "spellings"), SAME, ids=[row[0] for row in SAME])
def test_spellings_people_type_interchangeably_normalise_to_one(rule, spellings):
    forms = {normalise_for_search(spelling) for spelling in spellings}
    assert len(forms) == 1, (rule, {s: normalise_for_search(s) for s in spellings})


# Each row: (searched text, keyword typed): the keyword must be found in the text.
FOUND = [
    ("9時〜17時に開く窓口", "9時～17時"),
    ("9時〜17時に開く窓口", "9時~17時"),
    ("霞ヶ関の官庁街", "霞ケ関"),
    ("霞ヶ関の官庁街", "霞が関"),
    ("霞が関の官庁街", "霞ヶ関"),
    # A keyword ending or starting at the place-name mark: the edge counts as a kanji's place.
    ("霞ケ関の官庁街", "霞ケ"),
    ("霞ケ関の官庁街", "ヶ関"),
    ("3ヶ月の実証", "3か月"),
    ("3か月の実証", "ヶ月"),
    ("3ヶ月の実証", "3ヶ"),
    # After a kanji numeral, a keyword ending at ヶ is the start of a place name.
    ("七ヶ浜町の津波避難", "七ヶ"),
    ("五ヶ瀬町の棚田", "五ケ"),
    ("三ヶ日町のみかん", "三ヶ"),
    ("行政サービスの改善", "サ−ビス"),
    ("フードロス", "ろす"),
    ("ＤＸ推進", "dx"),
    # Parts of words keep matching: okurigana け between kanji is not a place-name mark,
    # so 受け and 届け still find 受け付け and 届け出.
    ("申請の受け付け", "受け"),
    ("婚姻の届け出", "届け"),
    ("介護ケアの充実", "ケア"),
    ("5箇所の避難所", "箇所"),
]


@pytest.mark.parametrize(("text", "keyword"), FOUND, ids=[f"{t}/{k}" for t, k in FOUND])
def test_a_keyword_typed_any_way_is_found_in_the_text(text, keyword):
    assert normalise_for_search(keyword) in normalise_for_search(text)


# Different words stay different: the rules join spellings, not meanings.
DIFFERENT = [
    ("ケア", "があ"),  # katakana ケ outside kanji is a kana, not a place-name mark
    ("受け付け", "受が付け"),  # hiragana け is okurigana
    ("箇所", "か所"),  # 箇 is a kanji of its own (箇所, 箇条書き)
    ("郡山市", "郡山町"),
]


@pytest.mark.parametrize(("one", "other"), DIFFERENT)
def test_different_words_stay_different(one, other):
    assert normalise_for_search(one) != normalise_for_search(other)


def test_nothing_and_none_normalise_to_the_empty_string():
    assert normalise_for_search("") == "" and normalise_for_search(None) == ""
    assert normalise_for_search(" \u3000 ") == ""


def test_normalising_twice_changes_nothing():
    for _rule, spellings in SAME:
        for spelling in spellings:
            once = normalise_for_search(spelling)
            assert normalise_for_search(once) == once, spelling


@pytest.mark.parametrize(
    ("query", "keywords"),
    [
        ("郡山市 横瀬町", ["郡山市", "横瀬町"]),
        ("郡山市\u3000横瀬町", ["郡山市", "横瀬町"]),
        ("郡山市、横瀬町。磐梯町，DX", ["郡山市", "横瀬町", "磐梯町", "dx"]),
        ("霞ケ 9時～17時", ["霞が", "9時-17時"]),
        ("  ", []),
        ("", []),
    ],
)
def test_a_query_becomes_normalised_keywords(query, keywords):
    assert search_keywords(query) == keywords


def test_a_query_keeps_at_most_the_stated_number_of_keywords():
    query = " ".join(f"語{i}" for i in range(SEARCH_KEYWORDS_MAX + 5))
    assert len(search_keywords(query)) == SEARCH_KEYWORDS_MAX


def test_words_past_the_limit_are_named_not_dropped_silently():
    from cocreation.core.text import keywords_left_out

    assert keywords_left_out("データ " * 10) == ""
    message = keywords_left_out("データ " * 10 + "zzz 郡山")
    assert message == "検索に使ったのは最初の10語までです。「zzz 郡山」は使っていません。"


@pytest.mark.django_db
def test_the_search_pages_say_which_words_were_left_out(client, staff_user):
    client.force_login(staff_user)
    query = " ".join(["データ"] * 10 + ["zzz"])
    for url in ("/quests/", "/studygroups/archive/", "/organisations/"):
        html = client.get(url, {"q": query}).content.decode()
        assert "「zzz」は使っていません" in html, url
