"""Coworking spaces, their opening rules and bookings.

The rule that two bookings never break the room's capacity lives in the database:
- booking services lock the space row, count, then insert (seats: at most `capacity`);
- an exclusion constraint on core GiST ranges (no btree_gist needed) forbids any
  whole-room booking from overlapping another live booking of the same space, and one
  person from holding two overlapping seats. See Booking.save() for how the ranges are
  built from the space id and the booking kind.
"""

from datetime import datetime, time

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import BigIntegerRangeField, RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.backends.postgresql.psycopg_any import NumericRange
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cocreation.core.inputs import (
    datetime_window_constraint,
    validate_date,
    validate_multiline,
    validate_single_line,
    window_constraint,
)
from cocreation.organisations.models import Organisation, Region

# Offsets the booking times by the space id, so one int8range column orders bookings of
# all spaces without overlap between spaces: space_id * SPACE_STRIDE + epoch seconds.
SPACE_STRIDE = 10**11
# Bounds of a space's rules (see Space).
MINUTES_PER_DAY = 24 * 60
MAX_BOOK_AHEAD_DAYS = 3650
MAX_CANCEL_HOURS_BEFORE = 24 * 31
SLOT_MINUTES = (15, 30, 60)
# A closing time of 00:00 is the end of the day, 24:00 (see OpeningHours).
END_OF_DAY = time(0)


class Space(models.Model):
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    building = models.CharField(_("building"), max_length=200, validators=[validate_single_line])
    floor = models.CharField(
        _("floor"), max_length=30, blank=True, validators=[validate_single_line]
    )
    address = models.CharField(_("address"), max_length=300, validators=[validate_single_line])
    description = models.TextField(_("description"), blank=True, validators=[validate_multiline])
    photo = models.ImageField(_("photo"), upload_to="spaces/photos/", blank=True)
    photo_alt = models.CharField(
        _("photo description (for screen readers)"),
        max_length=200,
        blank=True,
        validators=[validate_single_line],
    )
    capacity = models.PositiveSmallIntegerField(
        _("seats"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    host = models.ForeignKey(
        Organisation,
        verbose_name=_("run by"),
        on_delete=models.PROTECT,
        related_name="spaces",
    )
    # Who may book: members of these regions' organisations, these organisations,
    # and the team members of these quests.
    allowed_regions = models.ManyToManyField(
        Region, verbose_name=_("regions whose staff may book"), blank=True, related_name="+"
    )
    allowed_organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("organisations whose members may book"),
        blank=True,
        related_name="bookable_spaces",
    )
    allowed_quests = models.ManyToManyField(
        "quests.Quest",
        verbose_name=_("quests whose teams may book"),
        blank=True,
        related_name="bookable_spaces",
    )
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinators"),
        blank=True,
        related_name="coordinated_spaces",
    )
    # Opening rules.
    opens_on = models.DateField(_("first day of operation"), validators=[validate_date])
    closes_on = models.DateField(
        _("last day of operation"), null=True, blank=True, validators=[validate_date]
    )
    closed_on_public_holidays = models.BooleanField(_("closed on public holidays"), default=True)
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"),
        default=30,
        choices=[(minutes, str(minutes)) for minutes in SLOT_MINUTES],
    )
    # A booking starts and ends on one day, so no length beyond 24 hours makes sense;
    # ten years ahead and a month's notice are beyond any rule a municipal room publishes.
    min_booking_minutes = models.PositiveSmallIntegerField(
        _("shortest booking (minutes)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(MINUTES_PER_DAY)],
    )
    max_booking_minutes = models.PositiveSmallIntegerField(
        _("longest booking (minutes)"),
        default=540,
        validators=[MinValueValidator(1), MaxValueValidator(MINUTES_PER_DAY)],
    )
    book_ahead_days = models.PositiveSmallIntegerField(
        _("bookable up to (days ahead)"),
        default=60,
        validators=[MaxValueValidator(MAX_BOOK_AHEAD_DAYS)],
    )
    cancel_hours_before = models.PositiveSmallIntegerField(
        _("cancellation possible until (hours before)"),
        default=0,
        validators=[MaxValueValidator(MAX_CANCEL_HOURS_BEFORE)],
    )
    whole_room_needs_approval = models.BooleanField(
        _("whole-room bookings need a coordinator's approval"), default=False
    )
    is_active = models.BooleanField(_("open for booking"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__isnull=True) | Q(closes_on__gte=F("opens_on")),
                name="spaces_period_ordered",
                violation_error_message=_("The last day cannot be before the first day."),
            ),
            models.CheckConstraint(
                condition=Q(max_booking_minutes__gte=F("min_booking_minutes")),
                name="spaces_booking_length_ordered",
                violation_error_message=_(
                    "The longest booking cannot be shorter than the shortest."
                ),
            ),
            # The slot is the step of every loop over a day's times: never zero.
            models.CheckConstraint(
                condition=Q(slot_minutes__in=SLOT_MINUTES),
                name="spaces_slot_minutes_known",
                violation_error_message=_("Choose a slot length of 15, 30 or 60 minutes."),
            ),
            window_constraint("opens_on"),
            window_constraint("closes_on"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("spaces:detail", args=[self.pk])

    @property
    def location(self) -> str:
        return " ".join(part for part in (self.building, self.floor, self.address) if part)


class OpeningHours(models.Model):
    """One opening range on one weekday; a day may have several (e.g. a lunch break).

    A room that closes at midnight stores `closes_at` = 00:00, read as 24:00: the end of
    the day. 00:00 can mean nothing else as a closing time (a range ends after it starts
    and within its day), so the check constraint accepts `closes_at > opens_at` or
    `closes_at = 00:00`, and `spaces.rules` turns every range into aware datetimes with
    `rules.span` (10:00〜24:00 ends at the next day's 00:00) instead of comparing bare
    times. Forms take 24:00 (or 00:00) as a closing time and show it as 24:00
    (`spaces.forms.rules.ClosingTimeField`); 24:00 is refused as an opening time.
    """

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")) | Q(closes_at=END_OF_DAY),
                name="spaces_hours_ordered",
                violation_error_message=_("Closing time must be after opening time."),
            )
        ]

    def __str__(self) -> str:
        closes = "24:00" if self.closes_at == END_OF_DAY else f"{self.closes_at:%H:%M}"
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{closes}"


class Closure(models.Model):
    """Days the space is closed, with the reason users see (e.g. 年末年始).

    A closure added over live bookings does not cancel them by itself: the rules page
    lists them first and the coordinator cancels them (each booker told) or keeps them,
    and kept ones show in the week view as exceptions (`services.rules.space_rules_change`,
    `rules.newly_outside`); the admin refuses such a change and points to that page.
    """

    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="closures"
    )
    starts_on = models.DateField(_("first closed day"), validators=[validate_date])
    ends_on = models.DateField(_("last closed day"), validators=[validate_date])
    reason = models.CharField(_("reason"), max_length=200, validators=[validate_single_line])
    every_year = models.BooleanField(
        _("every year"),
        default=False,
        help_text=_("Repeat on the same dates every year (e.g. 12月29日〜1月3日)."),
    )

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")) | Q(every_year=True),
                name="spaces_closure_ordered",
                violation_error_message=_("The last closed day cannot be before the first."),
            ),
            window_constraint("starts_on"),
            window_constraint("ends_on"),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on}–{self.ends_on} {self.reason}"


class BookingSeries(models.Model):
    """A recurring booking (e.g. every Friday 13:30–15:00); its occurrences are Bookings."""

    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="series"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="booking_series",
    )
    kind = models.CharField(_("kind"), max_length=12)
    purpose = models.CharField(_("purpose"), max_length=200, validators=[validate_single_line])
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("recurring booking")
        verbose_name_plural = _("recurring bookings")

    def __str__(self) -> str:
        return f"{self.space} {self.purpose}"


class Booking(models.Model):
    class Kind(models.TextChoices):
        SEAT = "seat", _("A seat")
        WHOLE_ROOM = "whole_room", _("The whole room")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")
        DECLINED = "declined", _("Declined")

    LIVE_STATUSES = (Status.PENDING, Status.CONFIRMED)

    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.PROTECT, related_name="bookings"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.CASCADE,
        related_name="bookings",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.SEAT)
    starts_at = models.DateTimeField(_("start"), validators=[validate_date])
    ends_at = models.DateTimeField(_("end"), validators=[validate_date])
    purpose = models.CharField(_("purpose"), max_length=200, validators=[validate_single_line])
    quest = models.ForeignKey(
        "quests.Quest",
        verbose_name=_("quest"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings",
    )
    series = models.ForeignKey(
        BookingSeries,
        verbose_name=_("series"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.CONFIRMED
    )
    status_reason = models.TextField(_("reason"), blank=True, validators=[validate_multiline])
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("status changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    # Derived ranges for the exclusion constraint (set in save(), never edited):
    # time_key = the booking's time, offset by the space id;
    # holder_key = the whole integer line for a whole-room booking (it clashes with any
    # other booking), the booker's id for a seat (a person holds one seat at a time,
    # while different people's seats never clash: capacity is counted under the lock).
    time_key = BigIntegerRangeField(editable=False)
    holder_key = BigIntegerRangeField(editable=False)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["space", "starts_at"]),
            # "My bookings": one person's bookings in time order (upcoming and past).
            models.Index(fields=["user", "starts_at"], name="booking_user_starts_idx"),
            # Every booking in time order: the admin's list and its date filter, the
            # reminder runner's "bookings starting tomorrow", a coordinator's pending
            # list across many spaces (issue 12, a million bookings).
            models.Index(fields=["starts_at", "id"], name="booking_starts_idx"),
            # Requests waiting for a coordinator (the pending list and the header's count,
            # spaces/selectors/approval.py): only those rows, by space, in time order.
            models.Index(
                fields=["space", "starts_at", "id"],
                name="booking_pending_idx",
                condition=Q(status="pending"),
            ),
            # The same requests in time order across spaces: a coordinator of 100 spaces
            # (or a site admin) pages through them without walking past bookings.
            models.Index(
                fields=["starts_at", "id"],
                name="booking_pending_starts_idx",
                condition=Q(status="pending"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="spaces_booking_ends_after_start",
                violation_error_message=_("A booking ends after it starts."),
            ),
            datetime_window_constraint("starts_at"),
            datetime_window_constraint("ends_at"),
            ExclusionConstraint(
                name="spaces_no_overlap",
                expressions=[
                    ("time_key", RangeOperators.OVERLAPS),
                    ("holder_key", RangeOperators.OVERLAPS),
                ],
                condition=Q(status__in=["pending", "confirmed"]),
                violation_error_message=_("This time overlaps another booking."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.space} {self.starts_at:%Y-%m-%d %H:%M} {self.purpose}"

    def save(self, *args, **kwargs):
        self.time_key, self.holder_key = booking_keys(
            self.space_id, self.user_id, self.kind, self.starts_at, self.ends_at
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "time_key", "holder_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("spaces:booking_detail", args=[self.pk])

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE_STATUSES


def booking_keys(space_id: int, user_id: int, kind: str, starts_at: datetime, ends_at: datetime):
    """The exclusion constraint's ranges of a booking: (time_key, holder_key), see Booking."""
    base = space_id * SPACE_STRIDE
    time_key = NumericRange(
        base + int(starts_at.timestamp()), base + int(ends_at.timestamp()), "[)"
    )
    if kind == Booking.Kind.WHOLE_ROOM:
        holder_key = NumericRange(None, None, "()")
    else:
        holder_key = NumericRange(user_id, user_id + 1, "[)")
    return time_key, holder_key
