"""Bookings as the pages and feeds list them: the spaces one may book, one's own bookings,
a booking's page, a series' dates, the calendar feeds."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cocreation.core import ical

from .. import permissions
from ..models import Booking, BookingSeries, Space


def space_list(user):
    """The spaces `user` may book or coordinate, in name order, with their hosts, as a
    queryset to page: a fixed number of queries however many spaces there are
    (`permissions.visible_spaces_q`)."""
    return permissions.visible_spaces(user)


def booking_for_page(pk: int) -> Booking:
    """The booking `pk` with what its page shows (space and host, booker, quest, series).
    Raises Booking.DoesNotExist."""
    return Booking.objects.select_related("space__host", "user", "quest", "series").get(pk=pk)


# The orders of "my bookings" (ties by id, so that a page ends at one row): the index
# booking_user_starts_idx (user, starts_at) serves both.
UPCOMING_ORDER = ("starts_at", "id")
PAST_ORDER = ("-starts_at", "-id")


def my_bookings(user, *, upcoming: bool, now: dt.datetime | None = None):
    """`user`'s bookings of every status, with space and quest: those not yet over in time
    order (`upcoming`, UPCOMING_ORDER), or those over, latest first (PAST_ORDER)."""
    now = now or timezone.now()
    queryset = Booking.objects.filter(user=user).select_related("space", "quest")
    if upcoming:
        return queryset.filter(ends_at__gte=now).order_by(*UPCOMING_ORDER)
    return queryset.filter(ends_at__lt=now).order_by(*PAST_ORDER)


def series_with_space(pk: int) -> BookingSeries:
    """The series `pk` with its space. Raises BookingSeries.DoesNotExist."""
    return BookingSeries.objects.select_related("space").get(pk=pk)


def series_bookings(series: BookingSeries) -> list[Booking]:
    """Every booking of the series (any status), in time order."""
    return list(series.bookings.order_by("starts_at"))


def feed_of_user(user):
    """The live bookings of `user` within the feeds' window (`cocreation.core.ical.
    feed_window`) for their calendar feed, with space, in time order."""
    since, until = ical.feed_window()
    return (
        Booking.objects.filter(
            user=user,
            status__in=Booking.LIVE_STATUSES,
            ends_at__gt=since,
            starts_at__lt=until,
        )
        .select_related("space")
        .order_by("starts_at")
    )


def feed_of_space(space: Space):
    """The live bookings of `space` within the feeds' window (`cocreation.core.ical.
    feed_window`) for its calendar feed, with space and booker, in time order."""
    since, until = ical.feed_window()
    return (
        Booking.objects.filter(
            space=space,
            status__in=Booking.LIVE_STATUSES,
            ends_at__gt=since,
            starts_at__lt=until,
        )
        .select_related("space", "user")
        .order_by("starts_at")
    )


def space_for_feed(pk: int) -> Space:
    """The space `pk` with its host. Raises Space.DoesNotExist."""
    return Space.objects.select_related("host").get(pk=pk)
