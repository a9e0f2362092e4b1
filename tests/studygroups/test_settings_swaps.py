"""Coordinators may exchange two teams' numbers or two fields' names in one save of the
cohort settings: the uniqueness of both is checked at the end of the save (deferred
constraints), so a swap saves, and a true duplicate is refused next to its field."""

import pytest
from django.urls import reverse

from studygroups.models import Field, Team

from .test_setup import settings_data


def _post(client, cohort, **overrides):
    url = reverse("studygroups:settings", args=[cohort.pk])
    return client.post(url, settings_data(cohort, **overrides))


def test_swapping_two_team_numbers_saves(client, coordinator_user, cohort):
    client.force_login(coordinator_user)
    first, second = cohort.teams.order_by("number")[:2]
    response = _post(client, cohort, **{"teams-0-number": 2, "teams-1-number": 1})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Team.objects.get(pk=first.pk).number == 2
    assert Team.objects.get(pk=second.pk).number == 1


def test_swapping_two_field_names_saves(client, coordinator_user, cohort):
    client.force_login(coordinator_user)
    first, second = cohort.fields.order_by("position")[:2]
    response = _post(client, cohort, **{"fields-0-name": second.name, "fields-1-name": first.name})
    assert response.status_code == 302
    assert Field.objects.get(pk=first.pk).name == "ひと"
    assert Field.objects.get(pk=second.pk).name == "まち"


def test_a_true_duplicate_team_number_is_refused_next_to_the_field(
    client, coordinator_user, cohort
):
    client.force_login(coordinator_user)
    response = _post(client, cohort, **{"teams-0-number": 2})
    assert response.status_code == 200
    assert "同時に別の人が設定を変更しました" not in response.content.decode()
    teams = response.context["teams"]
    assert teams.non_form_errors() or any(form.errors.get("number") for form in teams.forms)
    assert sorted(cohort.teams.values_list("number", flat=True)) == [1, 2, 3, 4]


def test_a_true_duplicate_field_name_is_refused_next_to_the_field(client, coordinator_user, cohort):
    client.force_login(coordinator_user)
    response = _post(client, cohort, **{"fields-0-name": "ひと"})
    assert response.status_code == 200
    assert "同時に別の人が設定を変更しました" not in response.content.decode()
    fields = response.context["fields"]
    assert fields.non_form_errors() or any(form.errors.get("name") for form in fields.forms)
    assert sorted(cohort.fields.values_list("name", flat=True)) == sorted(
        ["まち", "ひと", "しごと", "DX"]
    )


def test_a_duplicate_that_appears_after_validation_is_refused_next_to_the_field(
    coordinator_user, cohort
):
    # Another coordinator adds team 9 between this page's validation and its save: the
    # deferred constraint is checked inside the service, so the answer is the message
    # beside the number, not a server error at the request's commit.
    from django.db import connection

    from cocreation.core.errors import add_to_form
    from studygroups.errors import StudyError
    from studygroups.forms.setup import CohortSettingsForm, FieldFormSet, PhaseFormSet, TeamFormSet
    from studygroups.services.setup import cohort_save_settings
    from studygroups.views.setup import settings_rows

    data = settings_data(cohort, **{"teams-0-number": 9})
    form = CohortSettingsForm(data, instance=cohort, organisers=[cohort.programme.organiser_id])
    fields = FieldFormSet(data, instance=cohort, prefix="fields")
    phases = PhaseFormSet(data, instance=cohort, prefix="phases")
    teams = TeamFormSet(data, instance=cohort, prefix="teams")
    assert all(part.is_valid() for part in (form, fields, phases, teams))
    Team.objects.create(cohort=cohort, number=9, field=cohort.fields.first())

    with pytest.raises(StudyError) as refused:
        cohort_save_settings(
            cohort=cohort,
            user=coordinator_user,
            details=form.details(),
            organisations=form.cleaned_data["organisations"],
            coordinators=form.cleaned_data["coordinator_emails"],
            reviewers=form.cleaned_data["reviewer_emails"],
            fields=settings_rows(fields),
            phases=settings_rows(phases),
            teams=settings_rows(teams),
        )
    assert refused.value.field == "number"
    add_to_form(form, refused.value, rows=teams.forms)  # as the settings page does
    assert teams.forms[0].errors["number"] == ["この番号の班はすでにあります。"]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # nothing left pending for the commit
    assert sorted(cohort.teams.values_list("number", flat=True)) == [1, 2, 3, 4, 9]
