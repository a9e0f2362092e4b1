"""What people follow, as the following page and the follow buttons read it, and the
digest's sources: what is new in a period, each item tagged with what it is about.

A digest source is one function `(start, end) -> list[DigestItem]` registered in
`DIGEST_SOURCES` with its heading; the digest (services/follows.py) matches the items'
tags against everyone's follows in bulk, so a new source (open proposal desks, review
results) is one more function here and nothing else changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from cocreation.core.dates import jdate
from cocreation.core.page_cache import areas_of, kept_value
from cocreation.organisations.models import Region

from ..models import (
    AgendaItem,
    BoardSession,
    DigestSubscription,
    Follow,
    ProposalDesk,
    Quest,
    QuestCoHost,
    SdgTarget,
    Theme,
)

# A tag names one thing that can be followed: (Follow.Kind value, id).
Tag = tuple[str, int]


@dataclass
class DigestItem:
    """One line of a digest: `render()` gives its text in the active language (a few
    lines, plain text, addresses written out in full); `tags` maps each followable thing
    the item is about to that thing (its str() names it in the active language)."""

    render: Callable[[], str]
    tags: dict[Tag, object] = field(default_factory=dict)


@dataclass(frozen=True)
class DigestSource:
    """A source of digest items: `name` (stable, for logs and tests), `heading` (the
    section's title) and `items(start, end)`, what became new between the aware datetimes
    `start` (included) and `end` (excluded), in a few queries whatever the number."""

    name: str
    heading: str | Promise
    items: Callable[[dt.datetime, dt.datetime], list[DigestItem]]


def follows_of(user) -> list[Follow]:
    """`user`'s follows with their targets, in the order followed (one query)."""
    return list(
        Follow.objects.filter(user=user).select_related(
            "theme", "sdg_target", "sdg_target__goal", "municipality", "region"
        )
    )


def digest_frequency_of(user) -> str:
    """`user`'s digest frequency (DigestSubscription.Frequency), weekly when never set."""
    frequency = (
        DigestSubscription.objects.filter(user=user).values_list("frequency", flat=True).first()
    )
    return frequency or DigestSubscription.Frequency.WEEKLY


def follow_choices(kind: str) -> list:
    """The choices (value, label) of what can be followed of `kind` (a Follow.Kind value),
    SDG targets grouped by goal. Kept in the pages' cache per language until a theme,
    target or region changes (`kept_value`). Municipalities have none: they are typed
    (`FollowForm`), since a list of all 1,741 is a page of its own."""
    column = Follow.COLUMNS.get(kind)
    if column is None or kind == Follow.Kind.MUNICIPALITY:
        return []
    model = Follow._meta.get_field(column).related_model
    return kept_value(
        f"follow_choices:{kind}:{get_language()}", areas_of(model), lambda: _follow_choices(kind)
    )


def _follow_choices(kind: str) -> list:
    if kind == Follow.Kind.THEME:
        return [(theme.pk, theme.display_name) for theme in Theme.objects.all()]
    if kind == Follow.Kind.SDG_TARGET:
        groups: dict[str, list] = {}
        for target in SdgTarget.objects.select_related("goal"):
            label = f"{target.code} {target.display_text}"
            groups.setdefault(str(target.goal), []).append((target.pk, label[:120]))
        return list(groups.items())
    if kind == Follow.Kind.REGION:
        return list(Region.objects.values_list("pk", "name"))
    return []


def follow_of(user, kind: str, target_id: int) -> Follow | None:
    """`user`'s follow of the `kind` thing `target_id`, or None (one query)."""
    column = Follow.COLUMNS.get(kind)
    if column is None or not getattr(user, "is_authenticated", False):
        return None
    return Follow.objects.filter(user=user, **{f"{column}_id": target_id}).first()


def follow_or_none(user, pk: int) -> Follow | None:
    """`user`'s own follow `pk`, or None (someone else's is never found)."""
    return Follow.objects.filter(user=user, pk=pk).first()


# --- digest sources ----------------------------------------------------------------


def new_quests(start: dt.datetime, end: dt.datetime) -> list[DigestItem]:
    """Quests opened for proposals between `start` and `end` and still open, newest first,
    tagged with their
    themes, SDG targets, host and co-host municipalities and the networks those belong to.
    Five queries whatever the number of quests."""
    quests = list(
        Quest.objects.filter(state=Quest.State.OPEN, opened_at__gte=start, opened_at__lt=end)
        .select_related("host")
        .prefetch_related(
            "themes",
            "sdg_targets",
            "host__regions",
            Prefetch(
                "co_hosts",
                queryset=QuestCoHost.objects.select_related("organisation").prefetch_related(
                    "organisation__regions"
                ),
            ),
        )
        .order_by("-opened_at", "-pk")
    )
    return [_quest_item(quest) for quest in quests]


def _quest_item(quest: Quest) -> DigestItem:
    hosts = [quest.host, *(co.organisation for co in quest.co_hosts.all())]
    tags: dict[Tag, object] = {}
    for host in hosts:
        tags[(Follow.Kind.MUNICIPALITY, host.pk)] = host.name
        for region in host.regions.all():
            tags[(Follow.Kind.REGION, region.pk)] = region.name
    for theme in quest.themes.all():
        tags[(Follow.Kind.THEME, theme.pk)] = theme
    for target in quest.sdg_targets.all():
        tags[(Follow.Kind.SDG_TARGET, target.pk)] = f"SDG {target.code}"

    def render() -> str:
        where = "、".join(host.name for host in hosts)
        if quest.proposal_deadline:
            where = _("%(hosts)s; proposals until %(deadline)s") % {
                "hosts": where,
                "deadline": jdate(quest.proposal_deadline),
            }
        return f"{quest.title}\n  {where}\n  {settings.SITE_URL}{quest.get_absolute_url()}"

    return DigestItem(render=render, tags=tags)


def _desk_tags(desk) -> dict[Tag, object]:
    """What a desk is about: its municipality and that municipality's networks, or the
    network that opened it, and its themes."""
    tags: dict[Tag, object] = {}
    if desk.host is not None:
        tags[(Follow.Kind.MUNICIPALITY, desk.host.pk)] = desk.host.name
        for region in desk.host.regions.all():
            tags[(Follow.Kind.REGION, region.pk)] = region.name
    if desk.region is not None:
        tags[(Follow.Kind.REGION, desk.region.pk)] = desk.region.name
    for theme in desk.themes.all():
        tags[(Follow.Kind.THEME, theme.pk)] = theme
    return tags


def _desks(queryset):
    return queryset.select_related("host", "region").prefetch_related("host__regions", "themes")


def new_desks(start: dt.datetime, end: dt.datetime) -> list[DigestItem]:
    """Proposal desks (よこらぼ-style: proposals on anything, no posted quest) opened
    between `start` and `end` and still taking proposals, newest first. Four queries."""
    desks = list(
        _desks(
            ProposalDesk.objects.filter(is_open=True, created_at__gte=start, created_at__lt=end)
        ).order_by("-created_at", "-pk")
    )

    def item(desk) -> DigestItem:
        def render() -> str:
            owner = desk.host.name if desk.host is not None else desk.region.name
            return f"{desk.name}\n  {owner}\n  {settings.SITE_URL}{desk.get_absolute_url()}"

        return DigestItem(render=render, tags=_desk_tags(desk))

    return [item(desk) for desk in desks]


def board_results(start: dt.datetime, end: dt.datetime) -> list[DigestItem]:
    """Review board sessions (審査会) whose minutes were published between `start` and
    `end`: the desk, the date and how many proposals were adopted, with the public
    minutes' address (never a proposal's confidential part or a proposer not adopted).
    Five queries."""
    sessions = list(
        BoardSession.objects.filter(published_at__gte=start, published_at__lt=end)
        .select_related("desk", "desk__host", "desk__region")
        .prefetch_related("desk__host__regions", "desk__themes")
        .annotate(
            adopted=Count("items", filter=Q(items__decision=AgendaItem.Decision.ADOPTED)),
            decided=Count("items", filter=~Q(items__decision="")),
        )
        .order_by("-published_at", "-pk")
    )

    def item(session) -> DigestItem:
        def render() -> str:
            counts = _("%(adopted)s of %(decided)s proposals adopted") % {
                "adopted": session.adopted,
                "decided": session.decided,
            }
            address = reverse("quests:desk_minutes", args=[session.desk_id, session.pk])
            return (
                f"{session.desk.name} {jdate(session.held_on)}\n  {counts}\n"
                f"  {settings.SITE_URL}{address}"
            )

        return DigestItem(render=render, tags=_desk_tags(session.desk))

    return [item(session) for session in sessions]


DIGEST_SOURCES: list[DigestSource] = [
    DigestSource("quests.new_quests", gettext_lazy("New quests open for proposals"), new_quests),
    DigestSource("quests.new_desks", gettext_lazy("New proposal desks"), new_desks),
    DigestSource("quests.board_results", gettext_lazy("Review board results"), board_results),
]


def digest_frequency_of_id(user_id: int) -> str:
    """The digest frequency of user `user_id` (for the unsubscribe page, which has no
    signed-in user), off when they have none."""
    frequency = (
        DigestSubscription.objects.filter(user_id=user_id)
        .values_list("frequency", flat=True)
        .first()
    )
    return frequency or DigestSubscription.Frequency.OFF
