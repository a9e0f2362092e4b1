"""Reads of a person's notifications for pages and the header."""

from django.db.models import QuerySet

from .models import Notification


def unread_count(user) -> int:
    """How many of `user`'s notifications are unread (the header's badge); counted once
    per request and kept on the user object."""
    cached = getattr(user, "_portal_unread_notifications", None)
    if cached is None:
        cached = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        user._portal_unread_notifications = cached
    return cached


def notifications_for(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    """`user`'s own notifications (only the unread ones with `unread_only`), newest first."""
    qs = Notification.objects.filter(recipient=user).select_related("recipient")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")
