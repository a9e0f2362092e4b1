"""Setting up a cohort: coordinators start one (of a programme, maybe copying last year's
structure) and keep its settings (details, fields, phases, teams, publication)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreation import permissions as roles
from cocreation.core import inputs

from .. import permissions
from ..errors import StudyError
from ..models import Cohort, Deliverable, Field, Member, Phase, Programme, Submission, Team
from ..selectors.setup import previous_cohort
from .outcomes import outcome_search_refresh

# The codes of refusals about one row of the settings' lists; the page puts them on the
# row of that list (`add_to_form(..., rows=...)`).
FIELD_NAME_TAKEN = "field_name_taken"
TEAM_NUMBER_TAKEN = "team_number_taken"
TEAM_IN_USE = "team_in_use"
TEAM_TOO_SMALL = "team_too_small"


def cohort_start(
    *,
    user,
    programme: Programme | None,
    new_programme_name: str = "",
    organiser=None,
    fiscal_year: int,
    details: dict,
    organisations,
    coordinators=(),
    reviewers=(),
    copy_previous: bool = False,
) -> Cohort:
    """Start a cohort of a programme (a new programme named `new_programme_name`, run by
    `organiser`, when `programme` is None); the person who starts it coordinates it, with
    `coordinators`, and `reviewers` comment on reports (lists of users). `details`: the
    cohort's own columns (title, theme, size, age_limit, recruitment_opens,
    recruitment_closes, lecturers); `organisations`: the participating municipalities.
    With `copy_previous`, the fields, phases, teams and deliverables of the programme's
    latest earlier cohort come along, moved by the years between them. Raises StudyError
    naming the field (one cohort per programme and year, dates leaving the window)."""
    allowed = roles.coordinated_organisations(user)
    if not permissions.can_start_cohort(user):
        raise StudyError(_("Only coordinators start a cohort."))
    with transaction.atomic():
        if programme is None:
            if not allowed.filter(pk=organiser.pk).exists():
                raise StudyError(_("You do not coordinate this organisation."), field="organiser")
            try:
                with transaction.atomic():
                    programme = Programme.objects.create(
                        name=new_programme_name, organiser=organiser
                    )
            except IntegrityError:
                raise StudyError(
                    _("A programme with this name already exists: choose it from the list."),
                    field="new_programme_name",
                ) from None
        elif not allowed.filter(pk=programme.organiser_id).exists():
            raise StudyError(
                _("You do not coordinate this programme's organiser."), field="programme"
            )
        source = previous_cohort(programme, fiscal_year) if copy_previous else None
        try:
            with transaction.atomic():
                cohort = Cohort.objects.create(
                    programme=programme, fiscal_year=fiscal_year, **details
                )
        except IntegrityError:
            raise StudyError(
                _("%(programme)s already has a cohort for fiscal %(year)d.")
                % {"programme": programme.name, "year": fiscal_year},
                field="fiscal_year",
            ) from None
        cohort.organisations.set(organisations)
        cohort.coordinators.set([user, *coordinators])
        cohort.reviewers.set(reviewers)
        if source is not None:
            try:
                _copy_structure(source, cohort)
            except ValidationError:
                raise StudyError(
                    _(
                        "The previous cohort's dates moved to fiscal %(year)d would fall after "
                        "%(last)s. Start the cohort without copying, or choose an earlier year."
                    )
                    % {"year": fiscal_year, "last": inputs.window_params()["last"]},
                    field="copy_previous",
                ) from None
    return cohort


def _copy_structure(source: Cohort, cohort: Cohort) -> None:
    """Copy fields, phases, teams and deliverables, dates moved by the years between the
    cohorts with inputs.shift_years (ValidationError when a date would leave the window)."""
    years = cohort.fiscal_year - source.fiscal_year
    years_later = inputs.shift_years
    fields = {}
    for row in source.fields.all():
        fields[row.pk] = Field.objects.create(
            cohort=cohort, name=row.name, description=row.description, position=row.position
        )
    phases = {}
    for phase in source.phases.all():
        phases[phase.pk] = Phase.objects.create(
            cohort=cohort,
            name=phase.name,
            starts_on=years_later(phase.starts_on, years),
            ends_on=years_later(phase.ends_on, years),
        )
    for team in source.teams.all():
        Team.objects.create(
            cohort=cohort,
            number=team.number,
            name=team.name,
            field=fields[team.field_id],
            max_size=team.max_size,
        )
    for deliverable in source.deliverables.all():
        due = timezone.localtime(deliverable.due_at)
        Deliverable.objects.create(
            cohort=cohort,
            kind=deliverable.kind,
            title=deliverable.title,
            phase=phases.get(deliverable.phase_id),
            due_at=dt.datetime.combine(years_later(due.date(), years), due.timetz()),
        )


@dataclass(frozen=True)
class Row:
    """One row of a cohort's list (a field, a phase or a team) as the settings page sent
    it: `pk` the saved row's id (None for a new row), `values` its columns (for a team,
    `field` is a Field of the cohort), `changed` the names of the columns the person
    changed (empty: leave the row as it is), `delete` whether to remove it."""

    pk: int | None
    values: dict = field(default_factory=dict)
    changed: frozenset[str] = frozenset()
    delete: bool = False


def cohort_save_settings(
    *,
    cohort: Cohort,
    user,
    details: dict,
    organisations,
    coordinators,
    reviewers,
    fields: list[Row],
    phases: list[Row],
    teams: list[Row],
    programme: dict | None = None,
) -> Cohort:
    """Save a cohort's settings in one transaction: `details` (title, theme, size,
    age_limit, recruitment_opens, recruitment_closes, lecturers, is_published), the
    participating `organisations`, the `coordinators` and `reviewers` (users), its lists
    of `fields`, `phases` and `teams` (Rows, in the order of the page), and, for the
    organiser's coordinators, the `programme`'s name and description (a dict, or None to
    leave it). Values are those the settings forms checked.

    The cohort and its teams are locked (the locks member_assign_team takes), so that no
    team ends up smaller than its members and no team with members or reports is removed.
    Raises StudyError; a refusal about one row carries `row` (its index in its list) and a
    code naming the list (FIELD_NAME_TAKEN: `fields`; TEAM_*: `teams`)."""
    if not permissions.is_coordinator(user, cohort):
        raise StudyError(_("Only the cohort's coordinators change its settings."))
    if programme is not None and not permissions.can_edit_programme(user, cohort.programme):
        raise StudyError(_("Only the organiser's coordinators rename the programme."))
    try:
        with transaction.atomic():
            locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
            saved_teams = {t.pk: t for t in Team.objects.select_for_update().filter(cohort=cohort)}
            _refuse_removing_teams_in_use(teams, saved_teams)
            if programme is not None:
                Programme.objects.filter(pk=locked.programme_id).update(**programme)
            for name, value in details.items():
                setattr(locked, name, value)
            locked.save(update_fields=list(details))
            locked.organisations.set(organisations)
            locked.coordinators.set(coordinators)
            locked.reviewers.set(reviewers)
            _save_rows(Field, cohort, fields)
            _save_rows(Phase, cohort, phases)
            _save_rows(Team, cohort, teams)
            _refuse_teams_below_their_members(cohort, teams)
            # Field names and team numbers are unique per cohort through deferred
            # constraints, so that two rows may swap them in one save. Check them now,
            # inside this savepoint, rather than at the request's commit, where a duplicate
            # could only be a server error.
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(f"SET CONSTRAINTS {', '.join(_DEFERRED_SETTINGS)} IMMEDIATE")
            except IntegrityError as error:
                raise _duplicate_in_settings(error, fields=fields, teams=teams) from None
            outcome_search_refresh(cohorts=[cohort.pk])
    except (IntegrityError, ProtectedError):
        raise StudyError(
            _("Someone changed these settings at the same moment. Check them and save again."),
            code="changed",
        ) from None
    return locked


def _save_rows(model, cohort: Cohort, rows: list[Row]) -> None:
    """Delete, change and then add `rows` of `model` (Field, Phase or Team) of `cohort`,
    as a model formset saves them; a row of another cohort is left alone."""
    saved = model.objects.filter(cohort=cohort)
    for row in rows:
        if row.pk is None:
            continue
        if row.delete:
            for instance in saved.filter(pk=row.pk):
                instance.delete()  # a field still used by a team: ProtectedError
        elif row.changed:
            saved.filter(pk=row.pk).update(**row.values)
    for row in rows:
        if row.pk is None and row.changed and not row.delete:
            model.objects.create(cohort=cohort, **row.values)


def _refuse_removing_teams_in_use(teams: list[Row], saved: dict[int, Team]) -> None:
    """A team removed on the page while someone joined it or uploaded its report."""
    refusals = [
        StudyError(
            _("%(team)s has members or reports and cannot be removed.") % {"team": saved[row.pk]},
            code=TEAM_IN_USE,
            row=index,
        )
        for index, row in enumerate(teams)
        if row.delete
        and row.pk in saved
        and (
            Member.objects.filter(team_id=row.pk).exists()
            or Submission.objects.filter(team_id=row.pk).exists()
        )
    ]
    if refusals:
        raise StudyError.of(refusals)


def _refuse_teams_below_their_members(cohort: Cohort, teams: list[Row]) -> None:
    """A team whose size, after the save, is below the members it has."""
    sizes = dict(
        Member.objects.filter(team__cohort=cohort)
        .values_list("team")
        .annotate(n=Count("pk"))
        .values_list("team", "n")
    )
    rows = {row.pk: index for index, row in enumerate(teams) if row.pk is not None}
    refusals = [
        StudyError(
            _("%(team)s already has %(count)d members: its size cannot be smaller.")
            % {"team": team, "count": sizes[team.pk]},
            field="max_size",
            code=TEAM_TOO_SMALL,
            row=rows.get(team.pk),
        )
        for team in Team.objects.filter(cohort=cohort).select_related("field")
        if sizes.get(team.pk, 0) > team.max_size
    ]
    if refusals:
        raise StudyError.of(refusals)


# The deferred unique constraints of the settings page: name -> (list, column, code).
_DEFERRED_SETTINGS = {
    "studygroups_field_once": ("fields", "name", FIELD_NAME_TAKEN),
    "studygroups_team_number": ("teams", "number", TEAM_NUMBER_TAKEN),
}


def _duplicate_in_settings(
    error: IntegrityError, *, fields: list[Row], teams: list[Row]
) -> StudyError:
    """The StudyError for a field name or team number used twice, with a refusal on each
    row that changed it, so the page shows where."""
    constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
    which, name, code = _DEFERRED_SETTINGS.get(constraint, ("teams", "number", TEAM_NUMBER_TAKEN))
    if which == "fields":
        message, rows = _("A field with this name already exists."), fields
    else:
        message, rows = _("A team with this number already exists."), teams
    refusals = [
        StudyError(message, field=name, code=code, row=index)
        for index, row in enumerate(rows)
        if name in row.changed and not row.delete
    ]
    return StudyError.of(refusals or [StudyError(message, field=name, code=code)])
