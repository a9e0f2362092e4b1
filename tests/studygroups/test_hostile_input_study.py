"""Hostile and careless input on the study-group pages (issue 9): dates out of the window,
integers that are not numbers, control characters, lost uploads, double clicks, tampered
formsets, public text said to be public, malformed feed tokens. Never a 500, a message
next to the field with the input kept, nothing saved on a refusal, one thing per click."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from cocreation.core.forms import PortalFormMixin
from cocreation.notifications.models import Notification
from studygroups.models import (
    Cohort,
    Deliverable,
    Member,
    Outcome,
    Phase,
    PresentationSlot,
    ReviewComment,
    Session,
    Submission,
)
from studygroups.services.deliverables import submission_create
from studygroups.services.setup import cohort_start
from studygroups.services.teams import member_assign_team
from tests.parallel import parallel_posts
from tests.studygroups.conftest import make_members
from tests.studygroups.test_setup import START, settings_data, start_data

pytestmark = pytest.mark.django_db
TOKYO = dt.timezone(dt.timedelta(hours=9))
PDF = b"%PDF-1.4\n%%EOF\n"
WINDOW_END = "2100年12月31日"  # named by every date-window message


def _at(y, m, d, hh=15):
    return dt.datetime(y, m, d, hh, tzinfo=TOKYO)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def team3(cohort, koriyama, coordinator_user):
    team = cohort.teams.get(number=3)
    leader, member = make_members(cohort, koriyama, 2)
    member_assign_team(member=leader, team=team, role="leader", user=coordinator_user)
    member_assign_team(member=member, team=team, role="member", user=coordinator_user)
    return team, leader, member


@pytest.fixture
def session(cohort):
    return Session.objects.create(
        cohort=cohort,
        kind="final_report",
        title="報告会",
        starts_at=_at(2020, 10, 21, 14),
        ends_at=_at(2020, 10, 21, 16),
    )


@pytest.fixture
def deliverable(cohort):
    return Deliverable.objects.create(
        cohort=cohort, kind="policy_proposal", title="政策提言", due_at=_at(2020, 10, 14, 17)
    )


# --- 1. Dates ---------------------------------------------------------------------------


@pytest.mark.parametrize("due", ["0001-01-01T00:00", "9999-12-31T23:59", "2020-02-30T10:00"])
def test_a_deliverable_due_outside_the_window_is_refused_next_to_the_field(
    client, cohort, coordinator_user, due
):
    client.force_login(coordinator_user)
    response = client.post(
        reverse("studygroups:deliverable_create", args=[cohort.pk]),
        {"kind": "trial_report", "title": "トライアル編 報告書", "due_at": due},
    )
    assert response.status_code in (200, 400)
    assert not Deliverable.objects.filter(cohort=cohort).exists()
    form = response.context["deliverable_form"]
    assert list(form.errors) == ["due_at"]
    assert due in response.content.decode()  # the input is kept


@pytest.mark.parametrize(
    ("model", "values"),
    [
        ("deliverable", {"due_at": dt.datetime(1, 1, 1, tzinfo=dt.UTC)}),
        ("deliverable", {"due_at": dt.datetime(9999, 12, 31, tzinfo=dt.UTC)}),
        ("session", {"starts_at": _at(1999, 12, 31), "ends_at": _at(2020, 1, 1)}),
        ("session", {"starts_at": _at(2020, 1, 1), "ends_at": _at(2101, 1, 1)}),
        ("phase", {"starts_on": dt.date(1, 1, 1), "ends_on": dt.date(2020, 1, 1)}),
        ("phase", {"starts_on": dt.date(2020, 1, 1), "ends_on": dt.date(9999, 12, 31)}),
        ("cohort", {"recruitment_opens": dt.date(1, 1, 1)}),
        ("cohort", {"recruitment_closes": dt.date(9999, 12, 31)}),
        ("member", {"birth_date": dt.date(1, 1, 1)}),
    ],
)
def test_the_database_refuses_a_stored_date_outside_the_window(cohort, koriyama, model, values):
    """No path (admin, shell, import) can store a date that breaks the pages."""
    with pytest.raises(IntegrityError), transaction.atomic():
        if model == "deliverable":
            Deliverable.objects.create(cohort=cohort, kind="trial_report", title="x", **values)
        elif model == "session":
            Session.objects.create(cohort=cohort, kind="plenary", title="x", **values)
        elif model == "phase":
            Phase.objects.create(cohort=cohort, name="x", **values)
        elif model == "cohort":
            Cohort.objects.filter(pk=cohort.pk).update(**values)
        else:
            member = make_members(cohort, koriyama, 1)[0]
            Member.objects.filter(pk=member.pk).update(**values)


def test_the_admin_refuses_a_deliverable_due_in_year_one(cohort, deliverable):
    from django.core.exceptions import ValidationError

    deliverable.due_at = dt.datetime(1, 1, 1, 12, tzinfo=dt.UTC)
    with pytest.raises(ValidationError) as error:
        deliverable.full_clean()
    assert "due_at" in error.value.message_dict


@pytest.mark.parametrize("when", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_moving_a_session_outside_the_window_is_refused_with_the_form_kept(
    client, cohort, coordinator_user, session, when
):
    client.force_login(coordinator_user)
    response = client.post(
        reverse("studygroups:session_move", args=[session.pk]),
        {"starts_at": when, "ends_at": "2020-10-21T16:00", "place": "会議室"},
    )
    assert response.status_code == 400
    assert list(response.context["move_form"].errors) == ["starts_at"]
    assert WINDOW_END in response.content.decode() and when in response.content.decode()
    session.refresh_from_db()
    assert session.starts_at == _at(2020, 10, 21, 14) and session.revision == 0


def test_moving_a_session_to_end_before_it_starts_says_so_next_to_the_end(
    client, cohort, coordinator_user, session
):
    client.force_login(coordinator_user)
    response = client.post(
        reverse("studygroups:session_move", args=[session.pk]),
        {"starts_at": "2020-10-21T16:00", "ends_at": "2020-10-21T14:00"},
    )
    assert response.status_code == 400
    assert list(response.context["move_form"].errors) == ["ends_at"]


@pytest.mark.parametrize("when", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_creating_a_session_outside_the_window_is_refused(client, cohort, coordinator_user, when):
    client.force_login(coordinator_user)
    response = client.post(
        reverse("studygroups:session_create", args=[cohort.pk]),
        {
            "s-kind": "plenary",
            "s-title": "全体会",
            "s-starts_at": when,
            "s-ends_at": "2020-10-21T16:00",
        },
    )
    assert response.status_code == 400
    assert "starts_at" in response.context["session_form"].errors
    assert not Session.objects.exists()


def test_creating_a_session_that_ends_before_it_starts_is_refused(client, cohort, coordinator_user):
    client.force_login(coordinator_user)
    response = client.post(
        reverse("studygroups:session_create", args=[cohort.pk]),
        {
            "s-kind": "plenary",
            "s-title": "全体会",
            "s-starts_at": "2020-10-21T16:00",
            "s-ends_at": "2020-10-21T14:00",
        },
    )
    assert response.status_code == 400
    assert response.context["session_form"].errors
    assert not Session.objects.exists()


def test_a_long_archive_search_is_answered(client):
    response = client.get(reverse("studygroups:archive"), {"q": "防災 " * 5000 + "\x00"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("first_start", "weeks"),
    [
        ("9999-12-31T10:00", "52"),  # overflowed: OverflowError, 500
        ("0001-01-01T10:00", "10"),
        ("2100-12-20T10:00", "10"),  # starts in the window, would end after it
        ("2026-12-15T10:00", "1" * 30),
        ("2026-12-15T10:00", "²"),
    ],
)
def test_a_session_series_outside_the_window_is_refused_before_any_is_made(
    client, cohort, coordinator_user, first_start, weeks
):
    client.force_login(coordinator_user)
    response = client.post(
        reverse("studygroups:series_create", args=[cohort.pk]),
        {
            "r-title": "班会議",
            "r-first_start": first_start,
            "r-hours": "2",
            "r-weeks": weeks,
        },
    )
    assert response.status_code == 400
    assert response.context["series_form"].errors
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("recruitment_opens", "0001-01-01"), ("recruitment_closes", "9999-12-31")],
)
def test_recruitment_dates_outside_the_window_are_refused_in_the_settings(
    client, cohort, coordinator_user, field, value
):
    client.force_login(coordinator_user)
    url = reverse("studygroups:settings", args=[cohort.pk])
    response = client.post(url, settings_data(cohort, **{field: value}))
    assert response.status_code in (200, 400)
    assert field in response.context["form"].errors
    cohort.refresh_from_db()
    assert cohort.recruitment_opens == dt.date(2020, 5, 1)
    assert cohort.recruitment_closes == dt.date(2020, 6, 15)


def test_recruitment_dates_outside_the_window_are_refused_when_starting(
    client, coordinator_user, koriyama, tamura
):
    client.force_login(coordinator_user)
    response = client.post(START, start_data([koriyama, tamura], recruitment_opens="0001-01-01"))
    assert response.status_code in (200, 400)
    assert "recruitment_opens" in response.context["form"].errors
    assert not Cohort.objects.exists()


@pytest.mark.parametrize("ends_on", ["9999-12-31", "0001-01-01"])
def test_phase_dates_outside_the_window_are_refused_on_the_row(
    client, cohort, coordinator_user, ends_on
):
    client.force_login(coordinator_user)
    data = settings_data(cohort)
    data.update(
        {
            "phases-TOTAL_FORMS": "1",
            "phases-0-name": "リサーチ編",
            "phases-0-starts_on": "2020-04-01",
            "phases-0-ends_on": ends_on,
        }
    )
    response = client.post(reverse("studygroups:settings", args=[cohort.pk]), data)
    assert response.status_code in (200, 400)
    assert "ends_on" in response.context["phases"].forms[0].errors
    assert not Phase.objects.exists()


@pytest.mark.parametrize("birth_date", ["0001-01-01", "1899-12-31", "9999-12-31"])
def test_a_birth_date_outside_the_window_is_refused_next_to_the_field(
    client, cohort, staff_user, koriyama, birth_date
):
    Cohort.objects.filter(pk=cohort.pk).update(recruitment_opens=None, recruitment_closes=None)
    client.force_login(staff_user)
    response = client.post(
        reverse("studygroups:apply", args=[cohort.pk]),
        {
            "organisation": koriyama.pk,
            "department": "政策開発課",
            "position": "主事",
            "birth_date": birth_date,
            "preferred_fields": [cohort.fields.first().pk],
            "motivation": "地域の課題を学びたい。",
        },
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["birth_date"]
    assert not Member.objects.filter(user=staff_user).exists()


def test_next_years_cohort_refuses_deadlines_that_would_leave_the_window(
    client, cohort, coordinator_user, koriyama, tamura
):
    """Copying deadlines forward by years cannot overflow: it is refused with a message."""
    Cohort.objects.filter(pk=cohort.pk).update(fiscal_year=2095)
    Deliverable.objects.create(
        cohort=cohort, kind="policy_proposal", title="政策提言", due_at=_at(2100, 2, 1, 17)
    )
    client.force_login(coordinator_user)
    response = client.post(
        START,
        start_data(
            [koriyama, tamura],
            programme=cohort.programme.pk,
            new_programme_name="",
            organiser="",
            fiscal_year=2100,
        ),
    )
    assert response.status_code in (200, 400)
    assert WINDOW_END in response.content.decode()
    assert not Cohort.objects.filter(fiscal_year=2100).exists()


def test_copying_uses_the_same_day_years_later(cohort, coordinator_user, koriyama):
    Phase.objects.create(
        cohort=cohort,
        name="リサーチ編",
        starts_on=dt.date(2020, 2, 29),
        ends_on=dt.date(2020, 10, 31),
    )
    new = cohort_start(
        user=coordinator_user,
        programme=cohort.programme,
        fiscal_year=2021,
        details={"title": "研究塾 2021", "theme": "続き"},
        organisations=[koriyama],
        copy_previous=True,
    )
    assert new.phases.get().starts_on == dt.date(2021, 2, 28)


# --- 1. Integers ------------------------------------------------------------------------


@pytest.mark.parametrize("order", ["²", "1" * 30, "-3", "0", "abc"])
def test_a_presentation_order_that_is_not_a_small_number_is_refused_with_a_message(
    client, cohort, coordinator_user, session, order
):
    team = cohort.teams.first()
    client.force_login(coordinator_user)
    response = client.post(
        reverse("studygroups:session_presentations", args=[session.pk]),
        {f"order-{team.pk}": order, f"title-{team.pk}": "提案"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page and "提案" in page
    assert not PresentationSlot.objects.exists()


def test_a_nul_in_a_presentation_title_is_refused_with_a_message(
    client, cohort, coordinator_user, session
):
    team = cohort.teams.first()
    client.force_login(coordinator_user)
    response = client.post(
        reverse("studygroups:session_presentations", args=[session.pk]),
        {f"order-{team.pk}": "1", f"title-{team.pk}": "提案\x00"},
    )
    assert response.status_code == 400
    assert "U+0000" in response.content.decode()
    assert not PresentationSlot.objects.exists()


@pytest.mark.parametrize("member", ["abc", "²", "1" * 30, ""])
def test_a_malformed_member_id_on_the_applications_page_is_not_a_500(
    client, cohort, coordinator_user, member
):
    client.force_login(coordinator_user)
    response = client.post(
        reverse("studygroups:application_decide", args=[cohort.pk]),
        {"member": member, "decision": "accept"},
        follow=True,
    )
    assert response.status_code in (200, 404)


@pytest.mark.parametrize("member", ["abc", "²", "1" * 30])
def test_a_malformed_member_id_on_the_teams_page_is_not_a_500(
    client, cohort, coordinator_user, member
):
    client.force_login(coordinator_user)
    response = client.post(
        reverse("studygroups:member_place", args=[cohort.pk]), {"member": member}, follow=True
    )
    assert response.status_code in (200, 404)


@pytest.mark.parametrize("value", ["²", "1" * 30, "abc"])
def test_malformed_ids_in_the_team_plan_are_refused_with_a_message(
    client, cohort, coordinator_user, koriyama, value
):
    members = make_members(cohort, koriyama, 2)
    team = cohort.teams.first()
    client.force_login(coordinator_user)
    response = client.post(
        reverse("studygroups:teams_confirm", args=[cohort.pk]),
        {f"team-{team.pk}": [members[0].pk, value]},
        follow=True,
    )
    assert response.status_code == 200
    assert not Member.objects.filter(team__isnull=False).exists()
    assert 'class="messages' in response.content.decode() or "alert" in response.content.decode()


@pytest.mark.parametrize("space", ["abc", "²", "1" * 30])
def test_a_malformed_space_id_when_booking_a_room_is_refused_with_a_message(
    client, cohort, coordinator_user, session, space
):
    client.force_login(coordinator_user)
    response = client.post(
        reverse("studygroups:session_book_room", args=[session.pk]),
        {"space": space},
        follow=True,
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "query", ["organiser=²", "year=²", "organiser=" + "1" * 30, "year=" + "9" * 30, "page=²"]
)
def test_malformed_archive_filters_fall_back_and_say_so(client, query):
    response = client.get(reverse("studygroups:archive") + "?" + query)
    assert response.status_code == 200


def test_a_malformed_schedule_filter_falls_back_and_says_so(client, cohort, coordinator_user):
    client.force_login(coordinator_user)
    response = client.get(
        reverse("studygroups:schedule", args=[cohort.pk]) + "?team=²&period=forever"
    )
    assert response.status_code == 200
    assert any(m.level_tag == "warning" for m in response.context["messages"])


# --- 3. Control characters --------------------------------------------------------------


@pytest.mark.parametrize("field", ["coordinator_emails", "reviewer_emails"])
def test_a_nul_in_the_email_lists_is_refused_next_to_the_field(
    client, cohort, coordinator_user, field
):
    client.force_login(coordinator_user)
    response = client.post(
        reverse("studygroups:settings", args=[cohort.pk]),
        settings_data(cohort, **{field: "kenkyu@city.koriyama.lg.jp\x00"}),
    )
    assert response.status_code in (200, 400)
    assert field in response.context["form"].errors
    assert "U+0000" in response.content.decode()


def test_a_nul_in_a_session_title_is_refused_next_to_the_field(client, cohort, coordinator_user):
    client.force_login(coordinator_user)
    response = client.post(
        reverse("studygroups:session_create", args=[cohort.pk]),
        {
            "s-kind": "plenary",
            "s-title": "全体会\x00",
            "s-starts_at": "2020-10-21T14:00",
            "s-ends_at": "2020-10-21T16:00",
        },
    )
    assert response.status_code == 400
    assert list(response.context["session_form"].errors) == ["title"]


def test_every_studygroups_form_applies_the_input_rules():
    from tests.core.test_input_rules import _form_classes

    outside = sorted(
        name
        for name, cls in _form_classes().items()
        if name.startswith("studygroups.") and not issubclass(cls, PortalFormMixin)
    )
    assert not outside


# --- 4. Nothing lost silently: uploads --------------------------------------------------


@pytest.mark.parametrize("title", ["あ" * 201, "提言\x00"])
def test_an_upload_with_a_refused_title_says_why_and_keeps_the_title(
    client, cohort, team3, deliverable, title
):
    team, leader, member = team3
    client.force_login(member.user)
    response = client.post(
        reverse("studygroups:upload", args=[cohort.pk, deliverable.pk, team.pk]),
        {"file": SimpleUploadedFile("提言.pdf", PDF), "title": title},
    )
    assert response.status_code == 400
    assert not Submission.objects.exists()
    page = response.content.decode()
    assert 'role="alert"' in page
    assert title.replace("\x00", "") in page.replace("\x00", "").replace("&#x0;", "")


@pytest.mark.parametrize(
    ("name", "content"),
    [("提案書.hta", PDF), ("x.pdf", b"not a pdf"), ("x.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 40)],
)
def test_an_upload_that_is_not_a_pdf_is_refused_with_the_reason(
    client, cohort, team3, deliverable, name, content
):
    team, leader, member = team3
    client.force_login(member.user)
    response = client.post(
        reverse("studygroups:upload", args=[cohort.pk, deliverable.pk, team.pk]),
        {"file": SimpleUploadedFile(name, content), "title": "提言"},
    )
    assert response.status_code == 400
    assert not Submission.objects.exists()
    assert 'role="alert"' in response.content.decode()


def test_a_version_is_downloaded_as_an_attachment_under_a_safe_name(
    client, cohort, team3, deliverable
):
    team, leader, member = team3
    submission = submission_create(
        deliverable=deliverable,
        team=team,
        user=member.user,
        upload=SimpleUploadedFile("../提言\u202e.pdf", PDF),
    )
    client.force_login(member.user)
    response = client.get(reverse("studygroups:submission", args=[submission.pk]) + "?download=1")
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "\u202e" not in disposition and ".." not in disposition
    assert response["X-Content-Type-Options"] == "nosniff"


# --- 5. A double click makes one thing --------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_five_identical_uploads_at_once_make_one_version(cohort, team3, deliverable):
    team, leader, member = team3
    client = _client(member.user)
    url = reverse("studygroups:upload", args=[cohort.pk, deliverable.pk, team.pk])
    responses = parallel_posts(
        [
            (client, url, {"file": SimpleUploadedFile("提言.pdf", PDF), "title": "提言"})
            for _ in range(5)
        ]
    )
    assert [r.status_code for r in responses] == [302] * 5
    assert Submission.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_five_identical_session_creations_at_once_make_one_session(cohort, coordinator_user):
    client = _client(coordinator_user)
    url = reverse("studygroups:session_create", args=[cohort.pk])
    data = {
        "s-kind": "plenary",
        "s-title": "全体会",
        "s-starts_at": "2020-10-21T14:00",
        "s-ends_at": "2020-10-21T16:00",
    }
    responses = parallel_posts([(client, url, data) for _ in range(5)])
    assert [r.status_code for r in responses] == [302] * 5
    assert Session.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_five_identical_series_at_once_make_one_series(cohort, coordinator_user):
    client = _client(coordinator_user)
    url = reverse("studygroups:series_create", args=[cohort.pk])
    data = {
        "r-title": "班会議",
        "r-first_start": "2020-07-22T15:00",
        "r-hours": "2",
        "r-weeks": "10",
    }
    responses = parallel_posts([(client, url, data) for _ in range(5)])
    assert [r.status_code for r in responses] == [302] * 5
    assert Session.objects.count() == 10


@pytest.mark.django_db(transaction=True)
def test_five_identical_comments_at_once_make_one_comment(
    cohort, team3, deliverable, coordinator_user
):
    team, leader, member = team3
    submission = submission_create(
        deliverable=deliverable,
        team=team,
        user=member.user,
        upload=SimpleUploadedFile("提言.pdf", PDF),
    )
    client = _client(coordinator_user)
    url = reverse("studygroups:submission_comment", args=[submission.pk])
    responses = parallel_posts([(client, url, {"body": "財源の検討を。"}) for _ in range(5)])
    assert [r.status_code for r in responses] == [302] * 5
    assert ReviewComment.objects.count() == 1
    assert Notification.objects.filter(kind="study.review_comment").count() == 2


@pytest.mark.django_db(transaction=True)
def test_five_identical_deliverables_at_once_make_one(cohort, coordinator_user):
    client = _client(coordinator_user)
    url = reverse("studygroups:deliverable_create", args=[cohort.pk])
    data = {"kind": "trial_report", "title": "トライアル編 報告書", "due_at": "2021-02-03T17:00"}
    responses = parallel_posts([(client, url, data) for _ in range(5)])
    assert [r.status_code for r in responses] == [302] * 5
    assert Deliverable.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_five_identical_outcomes_and_surveys_at_once_make_one_each(cohort, team3, coordinator_user):
    team, leader, member = team3
    past = Session.objects.create(
        cohort=cohort,
        team=team,
        kind="team_meeting",
        title="会議",
        starts_at=_at(2020, 7, 22),
        ends_at=_at(2020, 7, 22, 17),
    )
    outcome_url = reverse("studygroups:outcome", args=[cohort.pk, team.pk])
    outcome = {"proposal_title": "自治体クエスト", "summary": "課題の公開", "implemented": ""}
    survey_url = reverse("studygroups:session_survey", args=[past.pk])
    survey = {"rating": "5", "comment": "学びが多かった"}
    coordinator, person = _client(coordinator_user), _client(member.user)
    responses = parallel_posts(
        [(coordinator, outcome_url, outcome) for _ in range(5)]
        + [(person, survey_url, survey) for _ in range(5)]
    )
    assert [r.status_code for r in responses] == [302] * 10
    assert Outcome.objects.count() == 1
    assert past.responses.count() == 1


# --- 6. Tampered formsets ---------------------------------------------------------------


@pytest.mark.parametrize("initial", ["0", "1000000", "-1", "²", "abc"])
@pytest.mark.parametrize("prefix", ["fields", "teams", "phases"])
def test_tampered_initial_forms_on_the_settings_are_not_a_500(
    client, cohort, coordinator_user, prefix, initial
):
    Phase.objects.create(
        cohort=cohort,
        name="リサーチ編",
        starts_on=dt.date(2020, 4, 1),
        ends_on=dt.date(2020, 10, 31),
    )
    client.force_login(coordinator_user)
    data = settings_data(cohort, **{f"{prefix}-INITIAL_FORMS": initial})
    response = client.post(reverse("studygroups:settings", args=[cohort.pk]), data)
    assert response.status_code in (200, 302, 400)
    assert cohort.fields.count() == 4 and cohort.teams.count() == 4
    assert cohort.phases.count() == 1


# --- 7. Public text says so -------------------------------------------------------------


def test_the_outcome_form_says_its_text_is_public(client, cohort, coordinator_user):
    team = cohort.teams.first()
    client.force_login(coordinator_user)
    response = client.get(reverse("studygroups:outcome", args=[cohort.pk, team.pk]))
    form = response.context["form"]
    for name in ("proposal_title", "summary", "implemented"):
        assert "公開" in str(form[name].help_text), name
    assert "公開されます" in response.content.decode()


# --- 3. Malformed feed tokens -----------------------------------------------------------


@pytest.mark.parametrize("token", ["%00" * 30, "a" * 19 + "%00" + "b" * 20, "²" * 40, "x" * 300])
def test_a_malformed_feed_token_is_a_404(client, cohort, token):
    mine = reverse("studygroups:ical_mine", args=["TOKEN"]).replace("TOKEN", token)
    whole = reverse("studygroups:ical_cohort", args=["TOKEN", cohort.pk]).replace("TOKEN", token)
    assert client.get(mine).status_code == 404
    assert client.get(whole).status_code == 404


def test_the_migration_repairs_rows_stored_before_the_window(cohort):
    """A deadline in year 1 already stored (it broke every page) is brought into the
    window by the migration that adds the constraints, so that they can be added."""
    import importlib

    from django.db import connection

    migration = importlib.import_module("studygroups.migrations.0004_input_window")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending triggers before ALTER
        for table, name in [
            ("deliverable", "due_at"),
            ("session", "starts_at"),
            ("session", "ends_at"),
            ("cohort", "recruitment_opens"),
        ]:
            cursor.execute(
                f"ALTER TABLE studygroups_{table} "
                f"DROP CONSTRAINT studygroups_{table}_{name}_in_window"
            )
        cursor.execute(
            "INSERT INTO studygroups_deliverable (cohort_id, kind, title, due_at) "
            "VALUES (%s, 'trial_report', 'x', '0001-01-01 00:00+09') RETURNING id",
            [cohort.pk],
        )
        deliverable = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO studygroups_session (cohort_id, kind, title, starts_at, ends_at, place, "
            "online_url, lecturer, content, series_key, revision) VALUES (%s, 'plenary', 'x', "
            "'9999-12-31 10:00+09', '9999-12-31 12:00+09', '', '', '', '', '', 0) RETURNING id",
            [cohort.pk],
        )
        session = cursor.fetchone()[0]
        cursor.execute(
            "UPDATE studygroups_cohort SET recruitment_opens = '0001-01-01' WHERE id = %s",
            [cohort.pk],
        )
        for statement in migration.REPAIR:
            cursor.execute(statement)
    assert Deliverable.objects.get(pk=deliverable).due_at == _at(2000, 1, 1, 0)
    moved = Session.objects.get(pk=session)
    assert moved.ends_at - moved.starts_at == dt.timedelta(hours=2)
    assert moved.ends_at <= _at(2100, 12, 31, 23)
    cohort.refresh_from_db()
    assert cohort.recruitment_opens is None
