"""Queries of an application's page (decisions, weekly log, reports, on-site days) and of
the public page of published reports."""

from __future__ import annotations

from spaces.models import Booking

from ..models import Application, LogEntry, Report


def application_by_pk(pk: int) -> Application | None:
    """One application with its placement (host, its regions, mentor, room), applicant
    and employer; None if there is none."""
    return (
        Application.objects.select_related(
            "placement__host", "placement__mentor", "placement__room", "applicant", "organisation"
        )
        .prefetch_related("placement__host__regions", "organisation__regions")
        .filter(pk=pk)
        .first()
    )


def log_of(application: Application) -> list[LogEntry]:
    """The weekly log of a placement, latest week first, with authors."""
    return list(
        LogEntry.objects.filter(application=application)
        .select_related("author")
        .order_by("-iso_year", "-iso_week", "id")
    )


def reports_of(application: Application) -> list[Report]:
    """The guest's and the mentor's reports."""
    return list(
        Report.objects.filter(application=application).select_related("author").order_by("id")
    )


def on_site_days(application: Application) -> list[Booking]:
    """The guest's live bookings of the host's room within the placement's period."""
    placement = application.placement
    if placement.room_id is None:
        return []
    return list(
        Booking.objects.filter(
            space_id=placement.room_id,
            user_id=application.applicant_id,
            status__in=Booking.LIVE_STATUSES,
            starts_at__date__gte=placement.starts_on,
            starts_at__date__lte=placement.ends_on,
        )
        .select_related("space")
        .order_by("starts_at", "id")
    )


def published_reports():
    """Every published report with its placement, host and the sending municipality,
    newest first (only what the public page shows: no motivation, reason or log)."""
    return (
        Report.objects.filter(published_at__isnull=False)
        .select_related(
            "application__placement__host", "application__organisation", "application__placement"
        )
        .order_by("-published_at", "-id")
    )
