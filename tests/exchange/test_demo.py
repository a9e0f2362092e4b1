"""The demo of seed 001: a Bandai staff member on a running placement in Yokoze's まち経営課
(よこらぼ運営事務局), online with on-site days, with weekly notes; and a finished placement
of Yokoze's staff in Bandai's デジタル変革戦略室 whose reports are published."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from spaces.models import Booking
from studygroups.exchange.models import Application, LogEntry, Placement, Report

pytestmark = pytest.mark.django_db


def test_the_demo_has_the_seed_placements_once(client):
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    running = Placement.objects.get(host__local_government_code="113611")
    assert "まち経営課" in running.department and running.mode == Placement.Mode.MIXED
    assert running.room.host == running.host
    guest = Application.objects.get(placement=running)
    assert guest.organisation.local_government_code == "074071"
    assert guest.applicant.email == "staff@bandai.example.jp"
    assert guest.status == Application.Status.ACCEPTED
    assert LogEntry.objects.filter(application=guest).count() >= 3
    # An on-site day, booked through spaces as the guest.
    assert Booking.objects.filter(space=running.room, user=guest.applicant).exists()
    client.force_login(guest.applicant)
    page = client.get(guest.get_absolute_url()).content.decode()
    assert running.room.name in page and "よこらぼ運営事務局の定例会" in page
    client.logout()
    finished = Placement.objects.get(host__local_government_code="074071")
    assert (
        Report.objects.filter(application__placement=finished).exclude(published_at=None).count()
        == 2
    )
    page = client.get(reverse("exchange:reports")).content.decode()
    assert "デジタル変革戦略室" in page and guest.motivation not in page
