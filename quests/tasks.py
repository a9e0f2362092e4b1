"""Periodic quest work. Beat runs these every 15 minutes; each selects what is due now,
so nothing is queued days ahead and a missed run is caught up by the next."""

from celery import shared_task
from django.utils import timezone

from .services import reminders


@shared_task
def send_deadline_reminders() -> int:
    return reminders.send_deadline_reminders(today=timezone.localdate())
