"""Issue 14 (seed 001, 官⇄官人材交流): in a real browser, a Bandai staff member applies for a
placement in Yokoze's まち経営課 → Bandai's admin approves → Yokoze accepts → the guest
books an on-site day in the host's room."""

import datetime as dt

import pytest
from django.utils import timezone

from cocreation.organisations.models import Region
from spaces import rules
from spaces.models import Booking, OpeningHours, Space
from studygroups.exchange.models import Application, Placement
from studygroups.exchange.services import placements as services
from tests import factories

from .steps import click_through, main_text, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_apply_approve_accept_and_book_an_on_site_day(page, screenshot):
    network = Region.objects.create(
        name="横瀬町・磐梯町 官民共創ネットワーク", slug="yokoze-bandai"
    )
    yokoze = factories.make_municipality(
        "横瀬町", "113611", domain="yokoze.example.jp", regions=[network], prefecture="埼玉県"
    )
    bandai = factories.make_municipality(
        "磐梯町", "074071", domain="bandai.example.jp", regions=[network]
    )
    yokoze_admin = factories.make_member(yokoze, role="admin", email="admin@yokoze.example.jp")
    mentor = factories.make_member(yokoze, email="asami@yokoze.example.jp", family="浅見")
    factories.make_member(bandai, role="admin", email="admin@bandai.example.jp", family="磐梯")
    factories.make_member(bandai, email="hoshi@bandai.example.jp", family="星", given="和也")
    today = timezone.localdate()
    room = Space.objects.create(
        name="横瀬町 まちなか共創ルーム",
        building="横瀬町役場",
        address="埼玉県秩父郡横瀬町大字横瀬4545",
        capacity=8,
        host=yokoze,
        opens_on=today - dt.timedelta(days=7),
        slot_minutes=60,
        min_booking_minutes=60,
        max_booking_minutes=240,
        book_ahead_days=60,
    )
    OpeningHours.objects.bulk_create(
        OpeningHours(space=room, weekday=w, opens_at=dt.time(9), closes_at=dt.time(17))
        for w in range(5)
    )
    placement = services.placement_offer(
        user=yokoze_admin,
        host=yokoze,
        department="まち経営課（よこらぼ運営事務局）",
        title="よこらぼ運営事務局の実務を学ぶ",
        work="提案の受付と審査会の準備に加わる。",
        starts_on=today,
        ends_on=today + dt.timedelta(days=56),
        days_per_week=1,
        mode=Placement.Mode.MIXED,
        room=room,
        mentor=mentor,
    )

    sign_in(page, "hoshi@bandai.example.jp")
    page.goto(f"/exchange/{placement.pk}/apply/")
    page.get_by_label("志望動機", exact=False).fill(
        "よこらぼの運営を学び、磐梯町の共創に活かしたい。"
    )
    screenshot("exchange-01-apply")
    click_through(page, page.get_by_role("button", name="応募する"))
    application = Application.objects.get(placement=placement)
    sign_out(page)

    sign_in(page, "admin@bandai.example.jp")
    page.goto(f"/exchange/applications/{application.pk}/")
    screenshot("exchange-02-employer")
    click_through(page, page.locator("button[name=decision][value=approve]"))
    sign_out(page)

    sign_in(page, "admin@yokoze.example.jp")
    page.goto(f"/exchange/applications/{application.pk}/")
    click_through(page, page.locator("button[name=decision][value=approve]"))
    application.refresh_from_db()
    assert application.status == Application.Status.ACCEPTED
    sign_out(page)

    day = today + dt.timedelta(days=7 - today.weekday() + 1)  # a Tuesday, next week
    while rules.public_holiday(day):
        day += dt.timedelta(days=7)
    sign_in(page, "hoshi@bandai.example.jp")
    page.goto(f"/exchange/applications/{application.pk}/on-site/")
    page.locator("#id_date").fill(day.isoformat())
    page.locator("#id_start_time").select_option("10:00")
    page.locator("#id_end_time").select_option("12:00")
    screenshot("exchange-03-on-site")
    click_through(page, page.locator("main form button[type=submit]"))
    booking = Booking.objects.get(space=room)
    assert timezone.localtime(booking.starts_at).date() == day
    assert "横瀬町 まちなか共創ルーム" in main_text(page)
    screenshot("exchange-04-booked")
