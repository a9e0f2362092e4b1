"""Each step of a placement and each refusal: offering, applying, the employer's approval
(a refusal needs a reason), the host's decision, and who is told of each."""

import dataclasses

import pytest
from django.urls import reverse

from cocreation.notifications.models import Notification
from studygroups.exchange.errors import ExchangeError
from studygroups.exchange.models import Application, Placement
from studygroups.exchange.services import applications as services
from studygroups.exchange.services import placements as placement_services
from tests import factories

from .conftest import FIRST, LAST

pytestmark = pytest.mark.django_db


@dataclasses.dataclass
class Offer:
    host: object
    room: object
    mentor: object
    mode: str = Placement.Mode.MIXED
    starts_on: object = FIRST
    ends_on: object = LAST
    days_per_week: int = 2

    def make(self, user):
        return placement_services.placement_offer(
            user=user,
            host=self.host,
            department="まち経営課",
            title="よこらぼ",
            work="審査会の準備",
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            days_per_week=self.days_per_week,
            mode=self.mode,
            room=self.room,
            mentor=self.mentor,
        )


def _kinds(user):
    return set(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_only_those_who_manage_the_host_offer(yokoze, room, mentor, guest, coordinator_user):
    offer = Offer(yokoze, room, mentor)
    for outsider in (mentor, guest, coordinator_user):
        with pytest.raises(ExchangeError) as refused:
            offer.make(outsider)
        assert refused.value.field == "host"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_on": FIRST.replace(day=1)}, "ends_on"),
        ({"days_per_week": 6}, "days_per_week"),
        ({"room": None}, "room"),
    ],
)
def test_an_offer_breaking_a_rule_is_refused_at_its_field(
    yokoze, room, mentor, yokoze_admin, change, field
):
    offer = dataclasses.replace(Offer(yokoze, room, mentor), **change)
    with pytest.raises(ExchangeError) as refused:
        offer.make(yokoze_admin)
    assert refused.value.field == field
    assert not Placement.objects.exists()


def test_the_mentor_and_the_room_belong_to_the_host(yokoze, bandai, room, guest, yokoze_admin):
    with pytest.raises(ExchangeError) as refused:
        Offer(yokoze, room, guest).make(yokoze_admin)
    assert refused.value.field == "mentor"
    other = factories.make_member(yokoze)
    room.host = bandai
    room.save()
    with pytest.raises(ExchangeError) as refused:
        Offer(yokoze, room, other).make(yokoze_admin)
    assert refused.value.field == "room"


def test_an_online_placement_keeps_no_room(yokoze, room, mentor, yokoze_admin):
    placement = Offer(yokoze, room, mentor, mode=Placement.Mode.ONLINE).make(yokoze_admin)
    assert placement.room is None


def test_applying_tells_the_employer_not_the_host(application, bandai_admin, yokoze_admin):
    assert application.status == Application.Status.AWAITING_EMPLOYER
    assert _kinds(bandai_admin) == {"exchange.application_received"}
    assert _kinds(yokoze_admin) == set()
    body = Notification.objects.get(recipient=bandai_admin).body
    assert "よこらぼを学びたい。" in body and "<" not in body


def test_who_may_apply(placement, yokoze, bandai, mentor, staff_user, koriyama, company_user):
    # Host staff, staff outside the network (Koriyama), a company member: none may.
    for user, organisation in ((mentor, yokoze), (staff_user, koriyama), (company_user, bandai)):
        with pytest.raises(ExchangeError) as refused:
            services.application_create(
                placement=placement, user=user, organisation=organisation, motivation="x"
            )
        assert refused.value.field == "organisation"


def test_one_application_per_person(application, placement, guest, bandai):
    with pytest.raises(ExchangeError) as refused:
        services.application_create(
            placement=placement, user=guest, organisation=bandai, motivation="again"
        )
    assert refused.value.code == "twice"


def test_a_closed_placement_takes_no_application(placement, yokoze_admin, guest, bandai):
    placement_services.placement_close(placement=placement, user=yokoze_admin)
    with pytest.raises(ExchangeError) as refused:
        services.application_create(
            placement=placement, user=guest, organisation=bandai, motivation="x"
        )
    assert refused.value.code == "closed"


def test_the_employer_approves_and_the_host_is_told(
    application, bandai_admin, yokoze_admin, mentor, guest
):
    services.employer_decide(application=application, user=bandai_admin, approve=True)
    application.refresh_from_db()
    assert application.status == Application.Status.AWAITING_HOST
    assert application.employer_decided_by == bandai_admin
    for person in (yokoze_admin, mentor, guest):
        assert "exchange.employer_approved" in _kinds(person)
    assert "exchange.employer_approved" not in _kinds(bandai_admin)


def test_refusing_needs_a_reason_which_the_applicant_is_told(application, bandai_admin, guest):
    with pytest.raises(ExchangeError) as refused:
        services.employer_decide(application=application, user=bandai_admin, approve=False)
    assert refused.value.field == "reason"
    services.employer_decide(
        application=application, user=bandai_admin, approve=False, reason="繁忙期のため"
    )
    application.refresh_from_db()
    assert application.status == Application.Status.EMPLOYER_REFUSED
    told = Notification.objects.get(recipient=guest, kind="exchange.employer_refused")
    assert "繁忙期のため" in told.body
    with pytest.raises(ExchangeError) as again:
        services.employer_decide(application=application, user=bandai_admin, approve=True)
    assert again.value.code == "decided"


def test_only_the_employer_approves_and_never_the_applicant_themselves(
    application, guest, yokoze_admin, mentor, bandai, coordinator_user
):
    from cocreation.organisations.models import Membership

    Membership.objects.filter(user=guest).update(role="admin")
    for user in (guest, yokoze_admin, mentor):
        with pytest.raises(ExchangeError) as refused:
            services.employer_decide(application=application, user=user, approve=True)
        assert refused.value.code == "forbidden"
    # The coordinator of Bandai's other region (the Koriyama wide area) manages it.
    services.employer_decide(application=application, user=coordinator_user, approve=True)


def test_the_host_decides_only_after_the_employer(application, yokoze_admin):
    with pytest.raises(ExchangeError) as refused:
        services.host_decide(application=application, user=yokoze_admin, accept=True)
    assert refused.value.code == "not_approved"


def test_the_host_accepts_allows_the_room_and_tells_the_employer(
    accepted, room, bandai, bandai_admin, guest
):
    assert accepted.status == Application.Status.ACCEPTED
    # The room allowed no one of Bandai: the host's acceptance lets the guest book it.
    assert list(room.allowed_organisations.all()) == [bandai]
    for person in (bandai_admin, guest):
        assert "exchange.host_accepted" in _kinds(person)
    body = Notification.objects.get(recipient=guest, kind="exchange.host_accepted").body
    assert "横瀬町 まちなか共創ルーム" in body


def test_the_mentor_may_decline_and_the_employer_is_told(
    application, bandai_admin, mentor, guest, staff_user
):
    services.employer_decide(application=application, user=bandai_admin, approve=True)
    with pytest.raises(ExchangeError):
        services.host_decide(application=application, user=staff_user, accept=True)
    services.host_decide(application=application, user=mentor, accept=False, reason="定員のため")
    application.refresh_from_db()
    assert application.status == Application.Status.DECLINED
    for person in (bandai_admin, guest):
        told = Notification.objects.get(recipient=person, kind="exchange.host_declined")
        assert "定員のため" in told.body


def test_the_decision_buttons_refuse_without_a_reason_or_a_decision(
    client, application, bandai_admin
):
    client.force_login(bandai_admin)
    url = reverse("exchange:employer_decide", args=[application.pk])
    page = client.get(application.get_absolute_url()).content.decode()
    assert url in page
    for data in ({}, {"decision": "maybe"}, {"decision": "refuse", "reason": ""}):
        response = client.post(url, data, follow=True)
        assert response.status_code == 200
        assert response.context["messages"], data
        application.refresh_from_db()
        assert application.status == Application.Status.AWAITING_EMPLOYER
    client.post(url, {"decision": "refuse", "reason": "年度末の繁忙期"})
    application.refresh_from_db()
    assert (application.status, application.employer_reason) == (
        "employer_refused",
        "年度末の繁忙期",
    )


def test_the_mentorship_is_handed_over_when_the_mentor_moves(placement, mentor, yokoze):
    import datetime as dt

    from django.utils import timezone

    from cocreation.organisations import holdings

    # Held while the placement has not ended.
    Placement.objects.filter(pk=placement.pk).update(
        ends_on=timezone.localdate() + dt.timedelta(days=30)
    )
    successor = factories.make_member(yokoze, email="next@yokoze.example.jp")
    held = [
        h for h in holdings.holdings_of(mentor, yokoze) if h.kind == "exchange.placement_mentor"
    ]
    assert [h.object_id for h in held] == [placement.pk]
    holdings.transfer("exchange.placement_mentor", placement.pk, mentor, successor)
    placement.refresh_from_db()
    assert placement.mentor == successor


def test_the_host_sees_an_application_only_once_the_employer_approved(
    client, application, yokoze_admin, mentor, bandai_admin
):
    page = reverse("exchange:application", args=[application.pk])
    for host_side in (yokoze_admin, mentor):
        client.force_login(host_side)
        assert client.get(page).status_code == 404
        listing = client.get(reverse("exchange:placement", args=[application.placement_id]))
        assert "よこらぼを学びたい。" not in listing.content.decode()
        assert application.applicant.display_name not in listing.content.decode()
    services.employer_decide(application=application, user=bandai_admin, approve=True)
    for host_side in (yokoze_admin, mentor):
        client.force_login(host_side)
        assert client.get(page).status_code == 200
