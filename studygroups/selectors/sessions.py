"""Reads for sessions: who takes part, the schedule, the session page (attendance,
presentations, the survey's results and word cloud), attendance rates, the feeds."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterator
from itertools import groupby

from django.db.models import Case, Count, Q, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cocreation.core.exports import EXPORT_CHUNK_ROWS
from cocreation.core.ical import feed_window

from ..models import Attendance, Cohort, Member, Programme, Session, team_role_rank


def session_members(session: Session):
    """The session's participants: the accepted members of its team, or of the whole
    cohort for a cohort session; with their person and municipality (a queryset)."""
    members = Member.objects.filter(cohort=session.cohort, status=Member.Status.ACCEPTED)
    if session.team_id:
        members = members.filter(team_id=session.team_id)
    return members.select_related("user", "organisation")


def session_or_404(pk: int) -> Session:
    """The session with its cohort, programme, organiser, team, field and room booking;
    Http404 when there is none."""
    return get_object_or_404(
        Session.objects.select_related(
            "cohort__programme__organiser", "team__field", "booking__space"
        ),
        pk=pk,
    )


def upcoming_sessions_for(user, limit: int = 3) -> list[Session]:
    """The member's next sessions: their team's and their cohorts' whole-cohort ones."""
    places = list(
        Member.objects.filter(user=user, status=Member.Status.ACCEPTED).values_list(
            "cohort_id", "team_id"
        )
    )
    if not places:  # most people are in no cohort: one small query, no join
        return []
    cohort_ids = {cohort for cohort, _team in places}
    team_ids = {team for _cohort, team in places if team is not None}
    return list(
        Session.objects.filter(starts_at__gte=timezone.now())
        .filter(Q(team__isnull=True, cohort_id__in=cohort_ids) | Q(team_id__in=team_ids))
        .select_related("cohort", "team__field")
        .order_by("starts_at")[:limit]
    )


def has_sessions_ahead(cohort: Cohort, now) -> bool:
    """Whether any session of the cohort ends at `now` or later."""
    return cohort.sessions.filter(ends_at__gte=now).exists()


def schedule_by_month(cohort, *, team: str, period: str, now) -> list[tuple]:
    """The schedule page's sessions as (first day of the month, sessions) pairs.
    team: "" (all), "cohort" (whole-cohort sessions only) or a team id, which also brings
    the whole cohort's sessions; period: "upcoming", "past" (newest first) or "all"."""
    sessions = cohort.sessions.select_related("team__field", "phase", "booking__space")
    if team == "cohort":
        sessions = sessions.filter(team__isnull=True)
    elif team:
        sessions = sessions.filter(Q(team_id=int(team)) | Q(team__isnull=True))
    if period == "upcoming":
        sessions = sessions.filter(ends_at__gte=now)
    elif period == "past":
        sessions = sessions.filter(ends_at__lt=now).order_by("-starts_at")
    return [
        (month, list(rows))
        for month, rows in groupby(
            sessions, key=lambda s: timezone.localtime(s.starts_at).date().replace(day=1)
        )
    ]


def attendance_of(session: Session) -> dict[int, str]:
    """{member id: Attendance.Status value} of what was recorded for the session."""
    return dict(session.attendance.values_list("member_id", "status"))


def attendance_rates(cohort: Cohort) -> list[tuple[Member, int, int, float | None]]:
    """(member, present, recorded, rate) for each accepted member, by team, leaders first;
    excused does not count against the rate (rate None: nothing recorded)."""
    return list(_attendance_rates(_members_with_attendance(cohort)))


def attendance_rates_streamed(cohort: Cohort) -> Iterator[tuple[Member, int, int, float | None]]:
    """`attendance_rates` read EXPORT_CHUNK_ROWS members at a time through a server-side
    cursor (the members CSV): one query, memory bounded however large the cohort."""
    return _attendance_rates(
        _members_with_attendance(cohort).iterator(chunk_size=EXPORT_CHUNK_ROWS)
    )


def _members_with_attendance(cohort: Cohort):
    return (
        Member.objects.filter(cohort=cohort, status=Member.Status.ACCEPTED)
        .select_related("user", "organisation", "team__field")
        .annotate(
            present=Count("attendance", filter=Q(attendance__status=Attendance.Status.PRESENT)),
            counted=Count(
                "attendance",
                filter=Q(
                    attendance__status__in=[Attendance.Status.PRESENT, Attendance.Status.ABSENT]
                ),
            ),
        )
        .order_by("team__number", team_role_rank(), "pk")
    )


def _attendance_rates(members):
    for m in members:
        yield m, m.present, m.counted, (m.present / m.counted) if m.counted else None


def presentations_of(session: Session):
    """The order of presentations at a report meeting, with each team's field."""
    return session.presentations.select_related("team__field")


def report_teams(session: Session):
    """The teams that may present at a report meeting: the cohort's, with their fields."""
    return session.cohort.teams.select_related("field")


def presentation_initial(session: Session) -> dict[str, object]:
    """The presentation order form's initial values: order-<team id> and title-<team id>."""
    initial = {}
    for slot in session.presentations.all():
        initial[f"order-{slot.team_id}"] = slot.order
        initial[f"title-{slot.team_id}"] = slot.title
    return initial


def survey_results(session: Session) -> dict:
    """The survey's answers for the coordinators: `responses`, the `average` rating (None
    without answers) and the `words` of the comments for the word cloud."""
    responses = list(session.responses.all())
    return {
        "responses": responses,
        "average": (sum(r.rating for r in responses) / len(responses)) if responses else None,
        "words": word_frequencies(r.comment for r in responses),
    }


# Rooms offered for a session at most: a site admin may book any of 1,000 rooms.
ROOMS_OFFERED_MAX = 50


def bookable_spaces(user, session) -> tuple[list, bool]:
    """The spaces offered for `session`'s room: those `user` may book a whole room of
    (spaces.permissions.bookable_spaces), the ones the cohort's municipalities or its
    programme's organiser run first, each group by name; at most ROOMS_OFFERED_MAX, and
    whether more were left out. One query."""
    from spaces import permissions as space_permissions

    spaces = space_permissions.bookable_spaces(user)
    cohort = session.cohort
    near = Q(host_id__in=cohort.organisations.values("pk")) | Q(
        host_id__in=Programme.objects.filter(pk=cohort.programme_id).values("organiser_id")
    )
    rows = list(
        spaces.annotate(near=Case(When(near, then=0), default=1)).order_by("near", "name", "pk")[
            : ROOMS_OFFERED_MAX + 1
        ]
    )
    return rows[:ROOMS_OFFERED_MAX], len(rows) > ROOMS_OFFERED_MAX


def bookable_space(user, pk: int):
    """The space `pk` if `user` may book it, else None."""
    from spaces import permissions as space_permissions

    return space_permissions.bookable_spaces(user).filter(pk=pk).first()


def sessions_of_member(user):
    """Every session `user` takes part in as an accepted member (their teams' and their
    cohorts' whole-cohort sessions) within the feeds' window (`cocreation.core.ical.
    feed_window`: cohorts of past years drop out), with the cohort, by start."""
    members = Member.objects.filter(user=user, status=Member.Status.ACCEPTED)
    since, until = feed_window()
    return (
        # IN subqueries, not joins through members: each session once, without DISTINCT.
        Session.objects.filter(
            Q(team__isnull=True, cohort_id__in=members.values("cohort_id"))
            | Q(team_id__in=members.values("team_id")),
            ends_at__gt=since,
            starts_at__lt=until,
        )
        .select_related("cohort")
        .order_by("starts_at")
    )


def sessions_of_cohort(cohort: Cohort):
    """Every session of the cohort with its team, by start."""
    return cohort.sessions.select_related("cohort", "team").order_by("starts_at")


# --- The survey's word cloud --------------------------------------------------------------

STOP_WORDS = {
    "こと",
    "もの",
    "ため",
    "よう",
    "これ",
    "それ",
    "あれ",
    "ここ",
    "そこ",
    "さん",
    "ところ",
    "とき",
    "時",
    "今回",
    "自分",
    "方",
    "感じ",
    "的",
    "化",
    "等",
    "中",
    "上",
    "ない",
    "いい",
    "良い",
    "よい",
    "多い",
    "思う",
    "の",
    "ん",
    "そう",
    "さ",
    "みたい",
    "たち",
    "一",
    "二",
}


def word_frequencies(texts, limit: int = 40) -> list[tuple[str, int]]:
    """Nouns and adjectives of the free-text answers, counted, stop words removed.

    `texts`: strings. Returns up to `limit` (word, count) pairs, most frequent first.
    The texts are NFKC-normalised first (half-width ｶﾅ and full-width ＤＸ become
    カナ and DX), and Latin words are counted without regard to case, shown in the
    spelling typed most often: ＤＸ, DX and ｄｘ are one word counted three times.
    Japanese is split into words by janome (a pure-Python morphological analyser).
    """
    from janome.tokenizer import Tokenizer

    tokenizer = Tokenizer()
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for text in texts:
        for token in tokenizer.tokenize(unicodedata.normalize("NFKC", text or "")):
            kind, sub = (token.part_of_speech.split(",") + [""])[:2]
            if kind not in ("名詞", "形容詞") or sub in ("数", "代名詞", "非自立", "接尾"):
                continue
            word = token.base_form if kind == "形容詞" else token.surface
            if len(word) < 2 or word in STOP_WORDS:
                continue
            key = word.casefold()
            counts[key] += 1
            spellings.setdefault(key, Counter())[word] += 1
    return [(spellings[key].most_common(1)[0][0], n) for key, n in counts.most_common(limit)]
