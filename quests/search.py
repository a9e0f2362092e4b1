"""Keyword matching over quests without a trigram extension.

The searched text (title, summary and the issue in the city's words) is kept normalised in
`Quest.search_text` by `cocreation.core.text.normalise_for_search`, the normaliser every
search of the portal uses; each keyword of the query, normalised the same way, must appear
somewhere in it (LIKE '%…%'), which matches whole words and parts of words as people type
them.
"""

from django.db.models import Q, QuerySet

from cocreation.core.text import normalise_for_search, search_keywords

# The quest fields the keyword filter searches, in order (the data migration that
# recomputes `search_text` reads the same list).
QUEST_SEARCH_FIELDS = ("title", "summary", "background", "affected", "tried", "outcome_sought")


def quest_search_text(quest) -> str:
    """What the keyword filter searches for `quest` (a Quest, or a migration's historical
    Quest): its `QUEST_SEARCH_FIELDS`, normalised."""
    parts = (getattr(quest, name) for name in QUEST_SEARCH_FIELDS)
    return normalise_for_search("\n".join(part for part in parts if part))


def filter_by_keywords(queryset: QuerySet, query: str, field: str = "search_text") -> QuerySet:
    """`queryset` narrowed to the rows whose normalised `field` holds every keyword of
    `query` (a search box's text; see `search_keywords`). No keyword, no narrowing."""
    condition = Q()
    for word in search_keywords(query):
        condition &= Q(**{f"{field}__contains": word})
    return queryset.filter(condition)
