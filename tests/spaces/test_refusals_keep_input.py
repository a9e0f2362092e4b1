"""A refused cancellation comes back with its reason kept and says why (issue 9,
section 4: "every form that fails validation shows the errors with the input kept")."""

import pytest
from django.urls import reverse

from spaces.forms.bookings import ReasonForm
from spaces.models import Booking
from spaces.services.bookings import booking_create
from tests.spaces.conftest import BEFORE_OPENING, at

pytestmark = pytest.mark.django_db


def test_a_refused_cancellation_keeps_the_reason_and_says_why(client, big_i, staff_user):
    booking = booking_create(
        space=big_i,
        user=staff_user,
        kind="seat",
        starts_at=at(2020, 12, 18, 13),
        ends_at=at(2020, 12, 18, 14),
        purpose="作業",
        now=BEFORE_OPENING,
    )
    client.force_login(staff_user)
    response = client.post(
        reverse("spaces:booking_cancel", args=[booking.pk]), {"reason": "会議が中止になったため"}
    )
    assert response.status_code == 400  # the booking is over: it can no longer be cancelled
    html = response.content.decode()
    assert "会議が中止になったため</textarea>" in html
    assert response.context["form"].non_field_errors()
    assert str(response.context["form"].non_field_errors()[0]) in html
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_the_cancellation_reason_says_who_reads_it():
    assert "予約者" in str(ReasonForm().fields["reason"].help_text)
