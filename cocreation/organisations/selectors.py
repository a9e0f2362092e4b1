"""Reads of organisations, regions and memberships for pages, services and the header."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, QuerySet, When

from cocreation import permissions
from cocreation.core.search import keyword_search
from cocreation.core.text import normalise_for_search, search_keywords

from .models import (
    PREFECTURES,
    Handover,
    HandoverItem,
    Membership,
    NetworkJoinRequest,
    Organisation,
    OrganisationDomain,
    Region,
)
from .validators import normalise_domain


def organisations_for_directory() -> QuerySet[Organisation]:
    """Verified organisations in directory order (kind, reading, name), regions prefetched."""
    return (
        Organisation.objects.filter(is_verified=True)
        .prefetch_related("regions")
        .order_by("kind", "name_kana", "name")
    )


def organisations_for_detail() -> QuerySet[Organisation]:
    """Every organisation (verified or not) with its regions and mail domains prefetched,
    for the detail page's lookup by id."""
    return Organisation.objects.prefetch_related("regions", "domains")


def region_organisations(region: Region) -> list[Organisation]:
    """The region's verified organisations by local-government code, with `member_count`."""
    return with_member_counts(
        region.organisations.filter(is_verified=True).order_by("local_government_code", "name")
    )


def with_member_counts(organisations) -> list[Organisation]:
    """The organisations with `member_count` (active members) set, in one query for the
    rows shown, rather than counting every organisation's members before paginating."""
    rows = list(organisations)
    counts = dict(
        Membership.objects.filter(organisation__in=rows, status=Membership.Status.ACTIVE)
        .values_list("organisation")
        .annotate(n=Count("pk"))
        .values_list("organisation", "n")
    )
    for organisation in rows:
        organisation.member_count = counts.get(organisation.pk, 0)
    return rows


def region_coordinators(region: Region) -> QuerySet[Membership]:
    """Active coordinators of the region's organisations, with user and organisation."""
    return (
        Membership.objects.filter(
            status=Membership.Status.ACTIVE,
            role=Membership.Role.COORDINATOR,
            organisation__regions=region,
        )
        .select_related("user", "organisation")
        .order_by("organisation__local_government_code", "user__family_name_kana")
    )


def region_members(region: Region) -> QuerySet:
    """The active users with an active membership of one of `region`'s organisations, each
    once (a semi-join, no DISTINCT over rows), for a fan-out (`notify_many`)."""
    return get_user_model().objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(
            status=Membership.Status.ACTIVE, organisation__regions=region
        ).values("user_id"),
    )


def organisation_members(organisation: Organisation) -> QuerySet[Membership]:
    """The organisation's active members with their users, by reading."""
    return (
        organisation.memberships.filter(status=Membership.Status.ACTIVE)
        .select_related("user")
        .order_by("user__family_name_kana", "user__given_name_kana", "user__email")
    )


def open_membership(user, organisation: Organisation) -> Membership | None:
    """`user`'s pending or active membership of `organisation`, or None."""
    return (
        memberships_of(user)
        .filter(organisation=organisation, status__in=Membership.OPEN_STATUSES)
        .first()
    )


def memberships_for_decision() -> QuerySet[Membership]:
    """Memberships with their person and organisation, for deciding one by id."""
    return Membership.objects.select_related("organisation", "user")


# A code typed alone or after a name, as the portal shows one: 072036, 07203 (without the
# check digit), 郡山市 (072036), 郡山市（072036）.
_CODE = re.compile(r"^(?P<name>.*?)[\s(]*(?P<code>[0-9]{5,6})\)?$")
CANDIDATES_MAX = 5


@dataclass(frozen=True)
class NamedOrganisation:
    """What one typed reference to an organisation names: `found`, the organisation when
    it names exactly one; else `candidates`, up to CANDIDATES_MAX it could mean (empty
    when none), and `more`, whether there are others."""

    found: Organisation | None
    candidates: tuple[Organisation, ...] = ()
    more: bool = False
    # A code and a name that name different municipalities (郡山市 (072079)).
    conflict: bool = False


def _names(organisation: Organisation, typed: str) -> bool:
    """Whether `typed` (as written before a code: 郡山市, 福島県郡山市, こおりやまし) is
    `organisation`'s name or reading, with or without its prefecture."""

    def bare(text: str) -> str:
        return normalise_for_search(text).replace(" ", "")

    known = {organisation.name, organisation.name_kana}
    known |= {f"{organisation.prefecture}{n}" for n in known if n}
    return bare(typed) in {bare(n) for n in known if n}


def organisation_named(text: str, among: QuerySet[Organisation] | None = None) -> NamedOrganisation:
    """The organisation of `among` (every municipality when None) that `text` names, as a
    person types one into a form: a municipality's 地方公共団体コード (6 digits, or the
    first 5 without the check digit, full-width digits too), a name or reading (郡山市,
    こおりやまし), either after the prefecture (福島県伊達市), or a name with its code in
    brackets as the portal writes it (伊達市 (072133)). A name that is exactly one
    organisation's name or reading finds it; else a name that is part of exactly one
    name finds it (郡山 → 郡山市). Municipalities share names across prefectures (伊達市
    is in 北海道 and in 福島県): a name several share finds none and lists them as
    candidates, to be told apart by their code. One query, on the directory's search
    index."""
    typed = unicodedata.normalize("NFKC", text or "").strip()
    if among is None:
        among = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY)
    rows_of = among.only("kind", "name", "name_kana", "prefecture", "local_government_code")
    coded = _CODE.match(typed)
    if coded:
        code = coded["code"]
        if len(code) == 6:
            rows = list(rows_of.filter(local_government_code=code)[:1])
        else:
            rows = list(rows_of.filter(local_government_code__startswith=code)[:2])
        if len(rows) != 1:
            return NamedOrganisation(None, tuple(rows))
        # A name before the code must be that municipality's: an edited 須賀川市 (072036)
        # would otherwise keep 郡山市 without a word.
        named = coded["name"].strip()
        if named and not _names(rows[0], named):
            return NamedOrganisation(None, tuple(rows), conflict=True)
        return NamedOrganisation(rows[0])
    prefecture = next((p for p in PREFECTURES if typed.startswith(p) and typed != p), "")
    name = normalise_for_search(typed[len(prefecture) :])
    if not search_keywords(name):
        # Nothing but separators or punctuation: no name at all.
        return NamedOrganisation(None)
    if prefecture:
        rows_of = rows_of.filter(prefecture=prefecture)
    limit = CANDIDATES_MAX + 1
    # The whole name or reading first: the search text is "name reading", normalised.
    exact = Q(search_text=name) | Q(search_text__startswith=f"{name} ")
    exact |= Q(search_text__endswith=f" {name}")
    rows = list(
        keyword_search(rows_of, name, rank=False)
        .annotate(exact=Case(When(exact, then=True), default=False))
        .order_by("-exact", "local_government_code", "name")[:limit]
    )
    whole = [row for row in rows if row.exact]
    # A single character is part of too many names to stand for one of them (山).
    if len(whole) == 1 or (len(rows) == 1 and not whole and len(name) > 1):
        return NamedOrganisation((whole or rows)[0])
    listed = whole or rows
    return NamedOrganisation(None, tuple(listed[:CANDIDATES_MAX]), len(listed) == limit)


def municipality_for_email(email: str) -> Organisation | None:
    """The municipality whose registered mail domain (or a parent of it) `email` is on;
    the longest (most specific) registered domain wins. None when there is none."""
    domain = normalise_domain(email.rsplit("@", 1)[-1])
    labels = domain.split(".")
    candidates = [".".join(labels[i:]) for i in range(len(labels) - 1)]
    match = (
        OrganisationDomain.objects.filter(
            domain__in=candidates, organisation__kind=Organisation.Kind.MUNICIPALITY
        )
        .select_related("organisation")
        .order_by("-domain")
    )
    best = max(match, key=lambda d: len(d.domain), default=None)
    return best.organisation if best else None


def deciders_for(organisation: Organisation) -> list:
    """Who answers a request to join `organisation` (users): its active admins; else the
    active coordinators of its regions; else every active coordinator (a company that
    just registered has no admin yet, and nobody is left waiting forever)."""
    users = get_user_model().objects
    admins = users.filter(
        memberships__organisation=organisation,
        memberships__role=Membership.Role.ADMIN,
        memberships__status=Membership.Status.ACTIVE,
        is_active=True,
    ).distinct()
    if admins.exists():
        return list(admins)
    region_ids = list(organisation.regions.values_list("id", flat=True))
    coordinators = users.filter(
        memberships__role=Membership.Role.COORDINATOR,
        memberships__status=Membership.Status.ACTIVE,
        is_active=True,
    )
    if region_ids:
        regional = coordinators.filter(memberships__organisation__regions__in=region_ids)
        if regional.exists():
            return list(regional.distinct())
    return list(coordinators.distinct())


def pending_requests_for(user) -> QuerySet[Membership]:
    """Requests this user may decide (permissions.can_decide_membership), oldest first."""
    qs = Membership.objects.filter(status=Membership.Status.PENDING).select_related(
        "user", "organisation"
    )
    if permissions.is_site_admin(user):
        return qs.order_by("created_at")
    admin_of = [
        m.organisation_id
        for m in permissions.active_memberships(user)
        if m.role == Membership.Role.ADMIN
    ]
    coordinator_of = [
        m.organisation_id
        for m in permissions.active_memberships(user)
        if m.role == Membership.Role.COORDINATOR
    ]
    region_ids = permissions.coordinated_region_ids(user)
    condition = Q(organisation_id__in=admin_of + coordinator_of)
    if region_ids:
        # An EXISTS probe, not a join through the regions: each request is listed once and
        # the header's count needs no DISTINCT over membership rows.
        condition |= Q(
            Exists(
                Organisation.regions.through.objects.filter(
                    organisation_id=OuterRef("organisation_id"), region_id__in=region_ids
                )
            )
        )
    if permissions.is_coordinator(user):
        # Organisations without an active admin are answered by any coordinator.
        condition |= ~Exists(
            Membership.objects.filter(
                organisation=OuterRef("organisation"),
                role=Membership.Role.ADMIN,
                status=Membership.Status.ACTIVE,
            )
        )
    if not (admin_of or coordinator_of or region_ids):
        return qs.none()
    return qs.filter(condition).exclude(user=user).order_by("created_at")


def pending_requests_for_count(user) -> int:
    """How many requests wait for this user (the header's badge); no query for people who
    answer none."""
    if not permissions.can_answer_requests(user):
        return 0
    return pending_requests_for(user).count()


def memberships_of(user) -> QuerySet[Membership]:
    """All of `user`'s memberships (any status), newest first, with organisation and
    decider."""
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation", "decided_by")
        .order_by("-created_at")
    )


def handover_deciders(organisation: Organisation, *, exclude=None) -> list:
    """Who hands over the roles of a member of `organisation` who moved: whoever
    answers its membership requests (`deciders_for`), but never the person who moved."""
    return [u for u in deciders_for(organisation) if exclude is None or u.pk != exclude.pk]


def handovers_for_page(organisation: Organisation, *, done: int = 20):
    """(pending, recent) handovers of `organisation` with their items and people: every
    pending one, oldest first, and the last `done` completed, newest first. Four
    queries, however many items."""
    base = Handover.objects.filter(organisation=organisation).select_related(
        "person", "recorded_by", "completed_by"
    )
    items = Prefetch(
        "items", queryset=HandoverItem.objects.select_related("successor").order_by("id")
    )
    pending = list(
        base.filter(status=Handover.Status.PENDING)
        .order_by("created_at", "id")
        .prefetch_related(items)
    )
    recent = list(
        base.filter(status=Handover.Status.DONE)
        .order_by("-completed_at", "-id")
        .prefetch_related(items)[:done]
    )
    return pending, recent


def successor_choices(organisation: Organisation, *, person) -> list[tuple[int, str]]:
    """(user id, "name (department)") of the active members of `organisation` who may
    take over from `person`, by reading."""
    memberships = (
        organisation_members(organisation).exclude(user=person).filter(user__is_active=True)
    )
    return [
        (
            m.user_id,
            f"{m.user.display_name}（{m.department or m.user.department}）"
            if (m.department or m.user.department)
            else m.user.display_name,
        )
        for m in memberships
    ]


def pending_handovers_by_organisation(organisation_ids=None):
    """{organisation: [pending handovers, with their person]} for the April reminder,
    one query; `organisation_ids` narrows it."""
    rows = Handover.objects.filter(status=Handover.Status.PENDING).select_related(
        "organisation", "person"
    )
    if organisation_ids is not None:
        rows = rows.filter(organisation_id__in=organisation_ids)
    grouped: dict[Organisation, list[Handover]] = {}
    for handover in rows.order_by("organisation_id", "created_at", "id"):
        grouped.setdefault(handover.organisation, []).append(handover)
    return grouped


def pending_handover_count(organisation: Organisation) -> int:
    """How many of `organisation`'s handovers wait for successors (one query)."""
    return Handover.objects.filter(
        organisation=organisation, status=Handover.Status.PENDING
    ).count()


def network_managers(region: Region) -> list:
    """Who runs `region` (`permissions.can_manage_network`) and is told of its requests:
    its active coordinators, or the site admins when it has none (users, by id)."""
    users = get_user_model().objects.filter(is_active=True)
    coordinators = list(
        users.filter(pk__in=region_coordinators(region).order_by().values("user_id")).order_by("pk")
    )
    return coordinators or list(users.filter(is_staff=True, is_superuser=True).order_by("pk"))


def network_page(region: Region) -> dict:
    """What a network's page shows besides its members: agreements (newest first), the
    fields members lead, and the requests to join waiting. Three queries."""
    return {
        "agreements": list(region.agreements.all()),
        "fields": list(region.fields.select_related("organisation")),
        "pending_requests": list(
            region.join_requests.filter(status=NetworkJoinRequest.Status.PENDING)
            .select_related("organisation", "requested_by")
            .order_by("created_at", "id")
        ),
    }


def municipalities_to_join(user, region: Region) -> list[Organisation]:
    """The municipalities `user` may ask to join `region` with: those they manage
    (`permissions.can_ask_to_join_network`) that are not members yet and have no request
    waiting."""
    waiting = set(
        region.join_requests.filter(status=NetworkJoinRequest.Status.PENDING).values_list(
            "organisation_id", flat=True
        )
    )
    members = set(region.organisations.values_list("pk", flat=True))
    if permissions.is_site_admin(user):
        return []
    return [
        m.organisation
        for m in permissions.active_memberships(user)
        if permissions.can_ask_to_join_network(user, m.organisation)
        and m.organisation_id not in members | waiting
    ]
