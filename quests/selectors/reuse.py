"""The reuse ledger (横展開) as its pages read it: the municipalities that reused a quest's
result, with their 地方公共団体コード, status and public notes; the private notes only for
those who may read them; and the public list of results to reuse, searchable by theme
and keyword. Each function costs a fixed number of queries, whatever the data."""

from __future__ import annotations

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from cocreation.core.search import keyword_search
from cocreation.organisations.models import population_band_q

from .. import permissions
from ..models import Quest, ResultReuse, ResultReuseRevision, Theme

# What anyone may read of a record (never the private note).
PUBLIC_FIELDS = (
    "id",
    "quest_id",
    "status",
    "public_note",
    "outcome",
    "created_at",
    "updated_at",
    "municipality__id",
    "municipality__name",
    "municipality__local_government_code",
)


def completed_quest_or_404(user, pk: int) -> Quest:
    """Completed quest `pk` with its host, co-hosts and team (the ledger's quest), or
    Http404: the ledger exists only once a quest is completed."""
    from .quests import visible_quest_or_404

    quest = visible_quest_or_404(user, pk)
    if quest.state != Quest.State.COMPLETED:
        raise Http404
    return quest


def public_reuses(quest: Quest, *, history: bool = False) -> list[ResultReuse]:
    """The quest's reuse records, oldest first, with each municipality's name and code,
    as anyone may read them: the private note is not read from the table. With
    `history`, each record's status changes (oldest first) in `revisions`. One query (two
    with the history)."""
    queryset = (
        ResultReuse.objects.filter(quest=quest)
        .select_related("municipality")
        .only(*PUBLIC_FIELDS)
        .order_by("created_at", "id")
    )
    if history:
        queryset = queryset.prefetch_related(
            Prefetch(
                "revisions",
                queryset=ResultReuseRevision.objects.only(
                    "id", "entry_id", "status", "changed_at"
                ).order_by("changed_at", "id"),
            )
        )
    return list(queryset)


def with_private_notes(user, quest: Quest, entries: list[ResultReuse]) -> list[ResultReuse]:
    """`entries` (of `quest`) each given `shown_private_note`: its private note when
    `user` may read it (the quest team: all; staff of a municipality: its own), else "".
    At most one query."""
    for entry in entries:
        entry.shown_private_note = ""
    allowed = permissions.reuse_private_note_municipality_ids(user, quest)
    readable = [e.pk for e in entries if allowed is None or e.municipality_id in allowed]
    if readable:
        notes = dict(ResultReuse.objects.filter(pk__in=readable).values_list("pk", "private_note"))
        for entry in entries:
            entry.shown_private_note = notes.get(entry.pk, "")
    return entries


def own_entries(user, quest: Quest) -> dict[int, ResultReuse]:
    """{municipality id: record} of the quest's records of the municipalities `user` may
    record for (their form's starting values, private note included). One query at most."""
    ids = [o.pk for o in permissions.reuse_municipalities(user, quest)]
    if not ids:
        return {}
    return {
        e.municipality_id: e
        for e in ResultReuse.objects.filter(quest=quest, municipality_id__in=ids)
    }


def _count_of(records: QuerySet) -> Coalesce:
    """How many of `records` (reuse records) belong to the outer quest: a correlated
    subquery on the (quest, municipality) index, so the list needs no GROUP BY."""
    return Coalesce(
        Subquery(
            records.filter(quest_id=OuterRef("pk"))
            .order_by()
            .values("quest_id")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def _published_results_q() -> Q:
    return Q(state=Quest.State.COMPLETED, results__published_at__isnull=False)


def results_to_reuse(*, theme: Theme | None = None, query: str = "", size: str = "") -> QuerySet:
    """Completed quests with published results, for the public "results to reuse" list:
    narrowed to `theme` (None: any), to the population band `size` (a value of
    `POPULATION_BANDS`, "" for any) of the host or of a municipality that reused it, and
    to the keywords of `query` (the one keyword search, best matches first), else the
    latest published first. Each quest carries its host,
    its themes and `reuse_count` / `reuse_carried_out` (records, and those adopted or
    adapted). A fixed number of queries per page."""
    queryset = Quest.objects.filter(_published_results_q())
    if theme is not None:
        queryset = queryset.filter(
            Exists(Quest.themes.through.objects.filter(quest_id=OuterRef("pk"), theme=theme))
        )
    if size:
        queryset = queryset.filter(
            population_band_q(size, "host__population")
            | Q(
                Exists(
                    ResultReuse.objects.filter(
                        population_band_q(size, "municipality__population"),
                        quest_id=OuterRef("pk"),
                    )
                )
            )
        )
    queryset = (
        queryset.select_related("host", "results")
        .prefetch_related("themes")
        .annotate(
            reuse_count=_count_of(ResultReuse.objects.all()),
            reuse_carried_out=_count_of(
                ResultReuse.objects.filter(status__in=ResultReuse.CARRIED_OUT)
            ),
        )
        .order_by("-results__published_at", "-id")
    )
    return keyword_search(queryset, query)


def themes() -> list[Theme]:
    """Every theme, for the list's filter."""
    return list(Theme.objects.all())
