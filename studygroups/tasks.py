"""Periodic study-group work: beat runs it every 15 minutes; it selects what is due."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def send_session_reminders() -> int:
    return services.send_session_reminders(today=timezone.localdate())
