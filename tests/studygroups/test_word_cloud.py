"""The survey word cloud counts one word once, however it was typed (issue 10 B8)."""

from studygroups.selectors.sessions import word_frequencies


def test_full_width_half_width_and_case_variants_are_one_word():
    counts = dict(word_frequencies(["ＤＸを進める", "DXの人材", "ｄｘ推進"]))
    assert counts["DX"] == 3
    assert not {"ＤＸ", "ｄｘ", "dx"} & set(counts)


def test_half_width_katakana_counts_with_full_width():
    counts = dict(word_frequencies(["ﾌｰﾄﾞﾛｽ対策", "フードロスの削減"]))
    assert not any("ﾌ" in word for word in counts)
    assert counts.get("フードロス", 0) + counts.get("フード", 0) == 2
