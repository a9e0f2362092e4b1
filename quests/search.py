"""Keyword matching for Japanese text without a trigram extension.

Text and keywords are both normalised (NFKC, so 全角/半角 agree; lower case; katakana
read as hiragana), then every keyword must appear somewhere (LIKE '%…%'), which
matches whole words and partial ones as people type them.
"""

import re
import unicodedata

from django.db.models import Q, QuerySet

_KATAKANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}
_SPLIT = re.compile(r"[\s\u3000、。,，]+")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower()
    return text.translate(_KATAKANA)


def keywords(query: str) -> list[str]:
    return [word for word in _SPLIT.split(normalise(query)) if word][:10]


def quest_search_text(quest) -> str:
    """What the keyword filter searches: title, summary and the issue in the city's words."""
    parts = [
        quest.title,
        quest.summary,
        quest.background,
        quest.affected,
        quest.tried,
        quest.outcome_sought,
    ]
    return normalise("\n".join(p for p in parts if p))


def filter_by_keywords(queryset: QuerySet, query: str, field: str = "search_text") -> QuerySet:
    condition = Q()
    for word in keywords(query):
        condition &= Q(**{f"{field}__contains": word})
    return queryset.filter(condition)
