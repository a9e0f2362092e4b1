"""官⇄官 staff exchange (seed 001, 広域・共創ネットワーク協定 (1)): a municipality offers a
placement in one of its departments; staff of the other municipalities of its networks
apply; their employer approves their taking part (a secondment is the employer's
decision), then the host accepts or declines. During the placement the guest and the
mentor keep a weekly log, and at the end each writes a report the host may publish.

Invariants in the database: one application per person per placement, one log entry per
author per ISO week of a placement, one report per author per placement, a period whose
end is not before its start, 1–5 days a week, and a room for any placement not wholly
online.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cocreation.core.inputs import (
    validate_date,
    validate_multiline,
    validate_single_line,
    window_constraint,
)
from cocreation.organisations.models import Organisation
from spaces.models import Space


class Placement(models.Model):
    """A placement a municipality offers: its department, the work, the period, days a
    week, how the guest works (online, on site, or both), the host's room for on-site
    days, and the mentor (an active member of the host)."""

    class Mode(models.TextChoices):
        ONLINE = "online", _("Online")
        ON_SITE = "on_site", _("On site")
        MIXED = "mixed", _("Online with on-site days")

    class Status(models.TextChoices):
        OPEN = "open", _("Taking applications")
        CLOSED = "closed", _("Closed to applications")

    host = models.ForeignKey(
        Organisation,
        verbose_name=_("host municipality"),
        on_delete=models.PROTECT,
        related_name="offered_placements",
    )
    department = models.CharField(
        _("host department"), max_length=200, validators=[validate_single_line]
    )
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    work = models.TextField(_("what the guest will work on"), validators=[validate_multiline])
    starts_on = models.DateField(_("first day"), validators=[validate_date])
    ends_on = models.DateField(_("last day"), validators=[validate_date])
    days_per_week = models.PositiveSmallIntegerField(
        _("days per week"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    mode = models.CharField(_("way of working"), max_length=10, choices=Mode.choices)
    room = models.ForeignKey(
        Space,
        verbose_name=_("room for on-site days"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placements",
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentor"),
        on_delete=models.PROTECT,
        related_name="mentored_placements",
    )
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("offered by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="exchange_period_ordered",
                violation_error_message=_("The last day cannot be before the first day."),
            ),
            models.CheckConstraint(
                condition=Q(days_per_week__gte=1, days_per_week__lte=5),
                name="exchange_days_per_week_1_to_5",
                violation_error_message=_("Choose 1 to 5 days a week."),
            ),
            models.CheckConstraint(
                condition=Q(mode="online") | Q(room__isnull=False),
                name="exchange_on_site_needs_room",
                violation_error_message=_("Choose the room for the on-site days."),
            ),
            window_constraint("starts_on"),
            window_constraint("ends_on"),
        ]

    def __str__(self) -> str:
        return f"{self.host.name} {self.department}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("exchange:placement", args=[self.pk])

    @property
    def has_on_site_days(self) -> bool:
        return self.mode != self.Mode.ONLINE


class Application(models.Model):
    """A member of staff's application to a placement, for the municipality employing
    them; decided first by that employer, then by the host."""

    class Status(models.TextChoices):
        AWAITING_EMPLOYER = "awaiting_employer", _("Awaiting the employer's approval")
        EMPLOYER_REFUSED = "employer_refused", _("Not approved by the employer")
        AWAITING_HOST = "awaiting_host", _("Awaiting the host's decision")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined by the host")

    # What the host sees: an application reaches it once the employer approved, so that a
    # wish to go (and an employer's refusal) stays between the person and their employer.
    HOST_STATUSES = (Status.AWAITING_HOST, Status.ACCEPTED, Status.DECLINED)

    placement = models.ForeignKey(
        Placement,
        verbose_name=_("placement"),
        on_delete=models.CASCADE,
        related_name="applications",
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.CASCADE,
        related_name="exchange_applications",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        related_name="sent_exchange_applications",
    )
    motivation = models.TextField(_("motivation"), validators=[validate_multiline])
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.AWAITING_EMPLOYER
    )
    employer_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided for the employer by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    employer_decided_at = models.DateTimeField(_("employer decided at"), null=True, blank=True)
    employer_reason = models.TextField(
        _("employer's reason"), blank=True, validators=[validate_multiline]
    )
    host_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided for the host by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    host_decided_at = models.DateTimeField(_("host decided at"), null=True, blank=True)
    host_reason = models.TextField(_("host's reason"), blank=True, validators=[validate_multiline])
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)

    class Meta:
        verbose_name = _("exchange application")
        verbose_name_plural = _("exchange applications")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "applicant"],
                name="exchange_one_application_per_person",
                violation_error_message=_("You have already applied to this placement."),
            ),
            models.CheckConstraint(
                condition=~Q(status="employer_refused") | ~Q(employer_reason=""),
                name="exchange_employer_refusal_has_reason",
                violation_error_message=_("Give the reason for not approving."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.applicant} → {self.placement}"

    def get_absolute_url(self) -> str:
        return reverse("exchange:application", args=[self.pk])

    @property
    def is_accepted(self) -> bool:
        return self.status == self.Status.ACCEPTED


class LogEntry(models.Model):
    """A short note of one ISO week of a placement, by the guest or the mentor."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("placement taken part in"),
        on_delete=models.CASCADE,
        related_name="log_entries",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    iso_year = models.PositiveSmallIntegerField(_("ISO year"))
    iso_week = models.PositiveSmallIntegerField(
        _("ISO week"), validators=[MinValueValidator(1), MaxValueValidator(53)]
    )
    body = models.TextField(_("what happened this week"), validators=[validate_multiline])
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("weekly log entry")
        verbose_name_plural = _("weekly log entries")
        ordering = ["-iso_year", "-iso_week", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "author", "iso_week", "iso_year"],
                name="exchange_one_log_entry_per_week",
                violation_error_message=_("You have already written this week's entry."),
            ),
            models.CheckConstraint(
                condition=Q(iso_week__gte=1, iso_week__lte=53),
                name="exchange_iso_week_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.iso_year}-W{self.iso_week:02d}"


class Report(models.Model):
    """The end-of-placement report of the guest or the mentor: what was learned and what
    each town takes home; public once the host publishes it."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("placement taken part in"),
        on_delete=models.CASCADE,
        related_name="reports",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    learned = models.TextField(_("what was learned"), validators=[validate_multiline])
    host_takes_home = models.TextField(
        _("what the host town takes home"), validators=[validate_multiline]
    )
    guest_takes_home = models.TextField(
        _("what the sending town takes home"), validators=[validate_multiline]
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("exchange report")
        verbose_name_plural = _("exchange reports")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "author"],
                name="exchange_one_report_per_author",
                violation_error_message=_("You have already written your report."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author}: {self.application.placement.title}"
