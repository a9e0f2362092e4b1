import datetime as dt

from celery import shared_task
from django.utils import timezone

from .models import RequestFingerprint


@shared_task
def forget_old_fingerprints() -> int:
    """Delete submission fingerprints older than a day (they only matter for seconds)."""
    cutoff = timezone.now() - dt.timedelta(days=1)
    deleted, _ = RequestFingerprint.objects.filter(created_at__lt=cutoff).delete()
    return deleted
