"""Periodic space work: beat runs it every 15 minutes and it selects what is due."""

from celery import shared_task
from django.utils import timezone

from . import reminders


@shared_task
def send_booking_reminders() -> int:
    return reminders.send_booking_reminders(today=timezone.localdate())


@shared_task
def send_request_reminders() -> int:
    """Remind coordinators of whole-room requests pending for a day or more."""
    return reminders.send_request_reminders(now=timezone.now())
