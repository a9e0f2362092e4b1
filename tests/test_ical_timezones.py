"""Every iCalendar feed defines each time zone it names (RFC 5545 §3.6.5: a TZID
parameter needs its VTIMEZONE; Outlook and other strict clients misread times without
it). Issue 10 B5."""

import pytest
from django.core.management import call_command
from icalendar import Calendar

from cocreation.accounts.models import User
from cocreation.accounts.services import calendar_token_issue
from spaces.models import Space
from studygroups.models import Cohort

pytestmark = pytest.mark.django_db


def _feeds(token):
    space = Space.objects.filter(bookings__isnull=False).order_by("pk").first()
    cohort = Cohort.objects.order_by("pk").first()
    return [
        f"/spaces/ical/{token}/mine.ics",
        f"/spaces/ical/{token}/space-{space.pk}.ics",
        f"/studygroups/ical/{token}/mine.ics",
        f"/studygroups/ical/{token}/cohort-{cohort.pk}.ics",
    ]


def test_every_tzid_of_every_feed_has_its_vtimezone(client):
    call_command("load_demo", verbosity=0)
    user = User.objects.get(email="coordinator@city.koriyama.lg.jp")
    checked = 0
    for url in _feeds(calendar_token_issue(user=user)):
        response = client.get(url)
        assert response.status_code == 200, url
        cal = Calendar.from_ical(response.content)
        defined = {str(zone["TZID"]) for zone in cal.walk("VTIMEZONE")}
        used = {
            str(prop.params["TZID"])
            for event in cal.walk("VEVENT")
            for prop in (event.get("DTSTART"), event.get("DTEND"))
            if prop is not None and "TZID" in prop.params
        }
        assert used <= defined, f"{url}: TZID without VTIMEZONE: {used - defined}"
        checked += len(used)
    assert checked, "no timed event in any feed to check"
