"""The one reminder runner: apps say what is due; this sends each reminder once.

An app registers a *source* in its own `reminders.py`:

    @reminder_source("spaces.booking_reminders")
    def due_booking_reminders(now):
        for booking in ...:
            yield Due(booking.user, "space.booking_reminder", booking, key=..., ...)

Beat runs `send_reminders` every 15 minutes (cocreation.notifications.tasks); every source
is asked what is due at `now`, and each `Due` whose key is not yet a notification is sent
through notify(). Nothing is queued days ahead, so a missed run is caught up by the next,
and a moved booking, session or deadline is reminded again because the key names the time
it reminds of (issue 10 B4).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone

from .models import Notification
from .services import notify

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Due:
    """One reminder that is due: notify(`recipient`, `kind`, `obj`, context=`context`,
    url=`url`, key=`key`). `key` must name the time reminded of (a booking's start, a
    deadline's date), so that a moved one is reminded again."""

    recipient: object
    kind: str
    obj: models.Model | None
    key: str
    context: dict = field(default_factory=dict)
    url: str = ""


Source = Callable[[dt.datetime], Iterable[Due]]
_SOURCES: dict[str, Source] = {}


def reminder_source(name: str) -> Callable[[Source], Source]:
    """Register a source of due reminders under `name` (shown in the runner's result).
    The source is called with `now`, an aware datetime, and yields `Due` items."""

    def register(source: Source) -> Source:
        _SOURCES[name] = source
        return source

    return register


def send_due(due: Iterable[Due]) -> int:
    """Send each reminder of `due` whose key is not yet a notification; returns how many
    were sent. One query finds the keys already sent; notify() guards the rest (a run
    racing another sends nothing twice)."""
    due = list(due)
    already = set(
        Notification.objects.filter(key__in=[item.key for item in due]).values_list(
            "key", flat=True
        )
    )
    sent = 0
    for item in due:
        if item.key in already:
            continue
        already.add(item.key)
        notify(
            item.recipient, item.kind, item.obj, context=item.context, url=item.url, key=item.key
        )
        sent += 1
    return sent


def run_reminders(*, now: dt.datetime | None = None, only: Iterable[str] = ()) -> dict[str, int]:
    """Ask every registered source (or those named in `only`) what is due at `now`
    (default: the current time) and send it; returns {source name: reminders sent}.
    A source that fails is logged and skipped, so one app's fault does not stop the
    others' reminders."""
    now = now or timezone.now()
    wanted = set(only)
    sent = {}
    for name, source in _SOURCES.items():
        if wanted and name not in wanted:
            continue
        try:
            sent[name] = send_due(source(now))
        except Exception:  # noqa: BLE001 - logged; the other sources still run
            logger.exception("Reminder source %s failed", name)
            sent[name] = 0
    return sent


def sources() -> list[str]:
    """The names of the registered sources, in registration order."""
    return list(_SOURCES)
