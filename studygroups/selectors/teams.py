"""Reads for forming teams: the members to place and a balanced proposal of teams."""

from __future__ import annotations

from ..models import Cohort, Member, Team, team_role_rank


def teams_of(cohort: Cohort) -> list[Team]:
    """The cohort's teams by number, with their fields."""
    return list(cohort.teams.select_related("field").order_by("number"))


def accepted_members(cohort: Cohort) -> list[Member]:
    """The cohort's accepted members for the teams page: by team, leaders first, with
    their person, municipality, team and preferred fields."""
    return list(
        Member.objects.filter(cohort=cohort, status=Member.Status.ACCEPTED)
        .select_related("user", "organisation", "team__field")
        .prefetch_related("preferred_fields")
        .order_by("team__number", team_role_rank(), "pk")
    )


def propose_teams(cohort: Cohort) -> dict[int, list[Member]]:
    """A balanced proposal (the coordinator confirms or edits it): each team is filled from
    members who prefer its field, then the rest, spreading municipalities across teams.
    Returns {team id: members}, every team of the cohort by number, none over its size."""
    teams = teams_of(cohort)
    members = list(
        Member.objects.filter(cohort=cohort, status=Member.Status.ACCEPTED)
        .select_related("organisation")
        .prefetch_related("preferred_fields")
        .order_by("applied_at", "pk")
    )
    plan: dict[int, list[Member]] = {team.pk: [] for team in teams}

    def score(team, member):
        prefers = any(f.pk == team.field_id for f in member.preferred_fields.all())
        same_town = sum(m.organisation_id == member.organisation_id for m in plan[team.pk])
        return (0 if prefers else 1, same_town, len(plan[team.pk]), team.number)

    # Members with fewer preferences first: they are hardest to place well.
    for member in sorted(members, key=lambda m: len(m.preferred_fields.all()) or 99):
        open_teams = [t for t in teams if len(plan[t.pk]) < t.max_size]
        if not open_teams:
            break
        best = min(open_teams, key=lambda t: score(t, member))
        plan[best.pk].append(member)
    return plan
