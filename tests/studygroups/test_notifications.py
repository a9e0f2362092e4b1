"""Who hears what in a cohort: coordinators of each application, applicants of the
decision, members of their team, a team of each comment (講評) on its reports."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cocreation.notifications.models import Notification
from studygroups.models import Deliverable
from studygroups.services.deliverables import review_comment_create, submission_create
from studygroups.services.recruitment import application_create, application_decide
from studygroups.services.teams import member_assign_team
from tests import factories
from tests.studygroups.conftest import make_members

pytestmark = pytest.mark.django_db

TOKYO = dt.timezone(dt.timedelta(hours=9))


def _titles(user, kind):
    return list(
        Notification.objects.filter(recipient=user, kind=kind).values_list("title", flat=True)
    )


def test_an_application_reaches_the_coordinators_and_the_decision_the_applicant(
    cohort, staff_user, koriyama, coordinator_user
):
    member = application_create(
        cohort=cohort,
        user=staff_user,
        organisation=koriyama,
        birth_date=dt.date(1990, 5, 1),
        preferred_fields=cohort.fields.filter(name="DX"),
        motivation="DXで広域連携を",
        today=dt.date(2020, 5, 20),
    )
    [note] = Notification.objects.filter(
        recipient=coordinator_user, kind="study.application_received"
    )
    assert note.title == f"研究塾 2020への新しい応募：{staff_user.display_name}"
    assert "希望する分野：DX" in note.body
    application_decide(member=member, user=coordinator_user, accept=True)
    assert _titles(staff_user, "study.application_accepted") == [
        "研究塾 2020への応募が承認されました"
    ]

    other = factories.make_member(koriyama, email="late@city.koriyama.lg.jp")
    declined = application_create(
        cohort=cohort,
        user=other,
        organisation=koriyama,
        birth_date=dt.date(1990, 5, 1),
        preferred_fields=[],
        motivation="参加したい",
        today=dt.date(2020, 5, 20),
    )
    application_decide(member=declined, user=coordinator_user, accept=False)
    assert _titles(other, "study.application_declined") == [
        "研究塾 2020への応募は見送りとなりました"
    ]
    assert not _titles(other, "study.application_accepted")


def test_a_member_hears_of_each_move_once(cohort, koriyama, coordinator_user):
    [member] = make_members(cohort, koriyama, 1)
    team1, team3 = cohort.teams.get(number=1), cohort.teams.get(number=3)
    member_assign_team(member=member, team=team3, role="leader", user=coordinator_user)
    member_assign_team(member=member, team=team3, role="leader", user=coordinator_user)
    assert _titles(member.user, "study.team_assigned") == ["研究塾 2020：3班（しごと）になりました"]
    note = Notification.objects.get(recipient=member.user, kind="study.team_assigned")
    assert "班長" in note.body
    member_assign_team(member=member, team=team1, role="member", user=coordinator_user)
    member_assign_team(member=member, team=None, role="", user=coordinator_user)
    assert len(_titles(member.user, "study.team_assigned")) == 2


def test_a_comment_reaches_the_team_but_not_other_teams(cohort, koriyama, coordinator_user):
    team3, team4 = cohort.teams.get(number=3), cohort.teams.get(number=4)
    leader, member, outsider = make_members(cohort, koriyama, 3)
    for person, team, role in (
        (leader, team3, "leader"),
        (member, team3, "member"),
        (outsider, team4, "leader"),
    ):
        member_assign_team(member=person, team=team, role=role, user=coordinator_user)
    deliverable = Deliverable.objects.create(
        cohort=cohort,
        kind="policy_proposal",
        title="政策提言",
        due_at=dt.datetime(2020, 10, 14, 17, tzinfo=TOKYO),
    )
    submission = submission_create(
        deliverable=deliverable,
        team=team3,
        user=member.user,
        upload=SimpleUploadedFile("提言.pdf", b"%PDF-1.4\n%%EOF\n"),
        now=dt.datetime(2020, 10, 13, tzinfo=TOKYO),
    )
    review_comment_create(
        submission=submission, user=coordinator_user, body="財源の検討を加えてください。"
    )
    for person in (leader, member):
        [note] = Notification.objects.filter(recipient=person.user, kind="study.review_comment")
        assert note.title == "チームの政策提言に講評が届きました"
        assert "財源の検討を加えてください。" in note.body
    assert not _titles(outsider.user, "study.review_comment")
