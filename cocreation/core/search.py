"""The one keyword search of the portal, indexed: the quest list (and its exports), the
outcome archive, the organisations directory and a quest's proposals all search through
`keyword_search`.

A searchable model keeps three derived columns, written together by its `save()` and by
the services' bulk paths (`store_documents`):

- `search_text`: its searched texts in the one search form
  (`cocreation.core.text.normalise_for_search`);
- `search_bigrams`: a `tsvector` of that text's character bigrams and single characters
  (`cocreation.core.text.tsvector_literal`), with a GIN index;
- `search_title_bigrams`: the same for its title alone, with positions, for ranking.

The two vectors are `BigramVectorField`s, which only the database reads: a row loaded
into Python (a list of quests, or every booking joined to its quest) never carries them.

A search for keywords (`cocreation.core.text.search_keywords`) is
`search_bigrams @@ <the keywords' bigrams>` (the GIN index: pg_bigm's idea in core
PostgreSQL, since the embedded PostgreSQL has neither pg_bigm nor pg_trgm) and, as the
recheck, `search_text LIKE '%keyword%'` for each keyword of three or more characters, so
the rows found are exactly those the normaliser's substring rule finds. They are ranked by
`ts_rank` on the title's bigrams (title matches first, closer and more of them higher),
then in the list's own order. The rank reads the title's small vector, kept in the row,
rather than the text's, which PostgreSQL keeps out of line and would have to fetch for
every row found.

Each app registers its searchable models (`register`, in its AppConfig.ready), so the
core reads them without importing the apps; `python manage.py reindex_search` recomputes
the three columns of every registered model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQueryField, SearchRank, SearchVectorField
from django.db import connections
from django.db.models import BooleanField, F, Func, Model, Q, QuerySet, Value
from django.db.models.functions import Cast

from .text import (
    SEARCH_TEXT_MAX,
    lexemes_decide,
    normalise_for_search,
    prefix_lexemes,
    search_keywords,
    tsquery_literal,
    tsvector_literal,
)

TEXT_FIELD = "search_text"
VECTOR_FIELD = "search_bigrams"
TITLE_VECTOR_FIELD = "search_title_bigrams"
SEARCH_FIELDS = (TEXT_FIELD, VECTOR_FIELD, TITLE_VECTOR_FIELD)
# The title is ranked by its first HEADING_MAX characters (titles are 200 at most; the
# bound keeps a title's vector with positions far below PostgreSQL's 1 MB).
HEADING_MAX = 1000


class BigramVectorField(SearchVectorField):
    """A `tsvector` column that `save()` writes and only the database reads: a SELECT
    never brings it back (its place in the select list is NULL, so the instance holds
    None), since a long text's vector is kilobytes that no page shows, and every query
    that joins the row (select_related) would carry it. Conditions and orderings on it
    (`@@`, `ts_rank`) read the column itself."""

    def select_format(self, compiler, sql, params):
        return "NULL", []


@dataclass(frozen=True)
class SearchDocument:
    """What one row is found by. `text`: its searched texts in the search form; `heading`:
    its title in the search form (the start of `text`, whose matches rank first);
    `prefixes`: (tag, value) pairs of columns matched by their beginning rather than
    anywhere (an organisation's local-government code), as `keyword_search` is told by
    the model's `prefix_fields`. `values()` gives the three search columns."""

    text: str
    heading: str = ""
    prefixes: tuple[tuple[str, str | None], ...] = ()

    @classmethod
    def from_parts(
        cls, parts: Sequence[str | None], *, prefixes: Iterable[tuple[str, str | None]] = ()
    ) -> SearchDocument:
        """The document of a row whose searched texts are `parts` (raw, None or "" for an
        empty one), the first being its title: the parts joined by line breaks and
        normalised, as every search of the portal has stored them, and cut to
        `cocreation.core.text.SEARCH_TEXT_MAX` characters (the title to `HEADING_MAX`)."""
        text = normalise_for_search("\n".join(part for part in parts if part))[:SEARCH_TEXT_MAX]
        heading = normalise_for_search(parts[0])[:HEADING_MAX] if parts else ""
        return cls(text=text, heading=heading, prefixes=tuple(prefixes))

    @property
    def vector(self) -> str:
        """The `tsvector` literal of the text (the `search_bigrams` column): what it
        holds, without positions, and the prefix lexemes."""
        extra = [lexeme for tag, value in self.prefixes for lexeme in prefix_lexemes(tag, value)]
        return tsvector_literal(self.text, extra=extra)

    @property
    def title_vector(self) -> str:
        """The `tsvector` literal of the title with positions (`search_title_bigrams`)."""
        return tsvector_literal(self.heading, positions=True)

    def values(self) -> dict[str, str]:
        """{column: value} of the three search columns, for a model's `save()`."""
        return {
            TEXT_FIELD: self.text,
            VECTOR_FIELD: self.vector,
            TITLE_VECTOR_FIELD: self.title_vector,
        }


def keep_search_columns(instance: Model, document: SearchDocument, kwargs: dict) -> None:
    """For a searchable model's `save()`: set `instance`'s search columns from `document`
    and, when the save names its `update_fields` (in `kwargs`), add the columns to them."""
    for name, value in document.values().items():
        setattr(instance, name, value)
    update_fields = kwargs.get("update_fields")
    if update_fields is not None:
        kwargs["update_fields"] = {*update_fields, *SEARCH_FIELDS}


# A function from a queryset of the model (the live one, or a migration's historical
# model) to (pk, document) for each of its rows; it reads the rows in one query.
Documents = Callable[[QuerySet], Iterable[tuple[int, SearchDocument]]]


@dataclass(frozen=True)
class Searchable:
    """A registered searchable model: `documents` computes its rows' documents;
    `prefix_fields` maps each prefix tag of its documents to the column it comes from."""

    model: type[Model]
    documents: Documents
    prefix_fields: Mapping[str, str] = field(default_factory=dict)


_SEARCHABLE: dict[str, Searchable] = {}


def register(
    model: type[Model], documents: Documents, *, prefix_fields: Mapping[str, str] | None = None
) -> None:
    """Make `model` (with the three columns of `SEARCH_FIELDS`, the vectors
    `BigramVectorField`s) searchable by `keyword_search` and reindexed by
    `reindex_search`. Called from the app's
    AppConfig.ready; registering a model again replaces the entry."""
    _SEARCHABLE[model._meta.label] = Searchable(model, documents, dict(prefix_fields or {}))


def searchables() -> list[Searchable]:
    """The registered models, in the order they were registered."""
    return list(_SEARCHABLE.values())


def searchable(model: type[Model]) -> Searchable:
    """The registration of `model`; LookupError when it was never registered."""
    try:
        return _SEARCHABLE[model._meta.label]
    except KeyError:
        raise LookupError(f"{model._meta.label} is not registered for keyword search") from None


class _Matches(Func):
    """`vector @@ query`, a condition the GIN index answers."""

    arg_joiner = " @@ "
    template = "%(expressions)s"
    output_field = BooleanField()


def keyword_search(queryset: QuerySet, query: str | None, *, rank: bool = True) -> QuerySet:
    """`queryset` (of a registered model) narrowed to the rows holding every keyword of
    `query` (a search box's text, split and normalised by `search_keywords`): each keyword
    is a substring of the row's `search_text`, or the beginning of one of its
    `prefix_fields`. No keyword, no change.

    The index condition (`search_bigrams @@ tsquery`) finds the candidates; the substring
    condition keeps exactly the rows the normaliser's rule finds, and is left out for a
    keyword the index decides alone (one or two characters,
    `cocreation.core.text.lexemes_decide`), so such a search reads no row's text. With
    `rank`, the rows are ordered by `ts_rank` on the title's bigrams (title matches
    first), then by the queryset's own order (its `order_by`, or the model's default), so
    a later `order_by` still chooses another order. Raises LookupError for a model never
    `register`ed."""
    keywords = search_keywords(query)
    if not keywords:
        return queryset
    prefix_fields = searchable(queryset.model).prefix_fields
    condition = Q()
    for word in keywords:
        if lexemes_decide(word):
            continue
        found = Q(**{f"{TEXT_FIELD}__contains": word})
        for column in prefix_fields.values():
            found |= Q(**{f"{column}__startswith": word})
        condition &= found
    literal = tsquery_literal(keywords, prefix_tags=prefix_fields)
    if not literal:
        return queryset.filter(condition)
    tsquery = Cast(Value(literal), output_field=SearchQueryField())
    queryset = queryset.filter(_Matches(F(VECTOR_FIELD), tsquery)).filter(condition)
    if rank:
        order = queryset.query.order_by or queryset.model._meta.ordering
        queryset = queryset.order_by(SearchRank(F(TITLE_VECTOR_FIELD), tsquery).desc(), *order)
    return queryset


def store_documents(
    model: type[Model], documents: Iterable[tuple[int, SearchDocument]], *, using: str = "default"
) -> int:
    """Write `documents` ((pk, document) pairs) into the three search columns of
    `model`'s rows (live or historical model): one UPDATE for them all, its values passed
    as arrays. Returns how many were written."""
    rows = [
        (pk, document.text, document.vector, document.title_vector) for pk, document in documents
    ]
    if not rows:
        return 0
    connection = connections[using]
    quote = connection.ops.quote_name
    meta = model._meta
    table, pk_column = quote(meta.db_table), quote(meta.pk.column)
    # The column type a reference to the key would have: bigint for a BigAutoField.
    pk_type = meta.pk.rel_db_type(connection)
    sql = (
        f"UPDATE {table} SET {quote(TEXT_FIELD)} = new.text, "
        f"{quote(VECTOR_FIELD)} = new.vector::tsvector, "
        f"{quote(TITLE_VECTOR_FIELD)} = new.title_vector::tsvector "
        f"FROM unnest(%s::{pk_type}[], %s::text[], %s::text[], %s::text[]) "
        f"AS new (pk, text, vector, title_vector) WHERE {table}.{pk_column} = new.pk"
    )
    columns = [list(column) for column in zip(*rows, strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(sql, columns)
    return len(rows)


def _batches(queryset: QuerySet, size: int) -> Iterator[list[int]]:
    """The pks of `queryset` in ascending batches of `size`, read a batch at a time."""
    last = None
    while True:
        page = queryset.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        pks = list(page.values_list("pk", flat=True)[:size])
        if not pks:
            return
        yield pks
        last = pks[-1]


def reindex(
    model: type[Model],
    documents: Documents,
    *,
    using: str = "default",
    batch_size: int = 500,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Recompute the three search columns of every row of `model` (the live model, or a
    migration's historical one) with `documents`, `batch_size` rows a statement; call
    `settle_index` after it when the table has its GIN index. `progress` is called with
    the running count after each batch. Returns the count."""
    manager = model._default_manager.db_manager(using)
    done = 0
    for pks in _batches(manager.all(), batch_size):
        # One statement a batch (store_documents): a long reindex never holds every row's
        # lock at once.
        done += store_documents(model, documents(manager.filter(pk__in=pks)), using=using)
        if progress is not None:
            progress(done)
    return done


def settle_index(model: type[Model], *, using: str = "default") -> None:
    """After a bulk write: move the GIN index's pending entries into the index proper
    (`gin_clean_pending_list`, core PostgreSQL) and refresh the planner's statistics of
    `model`'s table, so the next search neither scans a pending list nor plans blind."""
    connection = connections[using]
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
            "WHERE i.indrelid = %s::regclass AND a.amname = 'gin'",
            [connection.ops.quote_name(table)],
        )
        for (index,) in cursor.fetchall():
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
