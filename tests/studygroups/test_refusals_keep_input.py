"""Refusals on the study-group pages keep what was typed and say why; a request without a
decision decides nothing; a keyword that is too long is refused, not cut (issue 9, §4)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cocreation.notifications.models import Notification
from studygroups.forms.sessions import SurveyForm
from studygroups.models import Member, Session, SurveyResponse
from studygroups.services.teams import member_assign_team
from tests.studygroups.conftest import make_members

pytestmark = pytest.mark.django_db


@pytest.fixture
def team3(cohort, koriyama, coordinator_user):
    team = cohort.teams.get(number=3)
    leader, member = make_members(cohort, koriyama, 2)
    member_assign_team(member=leader, team=team, role="leader", user=coordinator_user)
    member_assign_team(member=member, team=team, role="member", user=coordinator_user)
    return team, leader, member


def test_a_survey_refused_by_the_rules_keeps_the_comment_and_says_why(client, cohort, team3):
    team, _leader, member = team3
    starts = timezone.now() + dt.timedelta(days=7)
    session = Session.objects.create(
        cohort=cohort,
        team=team,
        kind="fieldwork",
        title="現地調査",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=3),
    )
    client.force_login(member.user)
    response = client.post(
        reverse("studygroups:session_survey", args=[session.pk]),
        {"rating": "4", "comment": "ヒアリング先の選定が参考になった"},
    )
    assert response.status_code == 400  # the survey opens when the session is over
    html = response.content.decode()
    assert "ヒアリング先の選定が参考になった</textarea>" in html
    errors = response.context["survey_form"].non_field_errors()
    assert errors and str(errors[0]) in html
    assert not SurveyResponse.objects.exists()


def test_the_survey_comment_says_who_reads_it():
    assert "コーディネーター" in str(SurveyForm().fields["comment"].help_text)


@pytest.mark.parametrize("decision", [None, "", "x", "accept\x00"])
def test_an_application_without_a_decision_is_not_declined(
    client, cohort, koriyama, coordinator_user, decision
):
    [applicant] = make_members(cohort, koriyama, 1)
    Member.objects.filter(pk=applicant.pk).update(status=Member.Status.APPLIED)
    client.force_login(coordinator_user)
    data = {"member": str(applicant.pk)}
    if decision is not None:
        data["decision"] = decision
    response = client.post(
        reverse("studygroups:application_decide", args=[cohort.pk]), data, follow=True
    )
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    applicant.refresh_from_db()
    assert applicant.status == Member.Status.APPLIED
    assert not Notification.objects.filter(recipient=applicant.user).exists()


def test_an_application_is_declined_only_by_the_decline_button(
    client, cohort, koriyama, coordinator_user
):
    [applicant] = make_members(cohort, koriyama, 1)
    Member.objects.filter(pk=applicant.pk).update(status=Member.Status.APPLIED)
    client.force_login(coordinator_user)
    client.post(
        reverse("studygroups:application_decide", args=[cohort.pk]),
        {"member": str(applicant.pk), "decision": "decline"},
    )
    applicant.refresh_from_db()
    assert applicant.status == Member.Status.DECLINED


@pytest.mark.parametrize("keyword", ["防災" * 101, "防災\x00", "防災\x1b"])
def test_a_refused_archive_keyword_is_not_cut_and_the_page_says_so(client, keyword):
    response = client.get(reverse("studygroups:archive"), {"q": keyword})
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["warning"]


def test_a_keyword_of_200_characters_is_searched_without_a_warning(client):
    response = client.get(reverse("studygroups:archive"), {"q": "防" * 200})
    assert response.status_code == 200
    assert not list(response.context["messages"])
