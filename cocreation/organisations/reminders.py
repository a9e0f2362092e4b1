"""The April reminder of handovers: most staff move on 1 April (人事異動), so in the
first two weeks of April each organisation admin is told who moved and still holds
roles nobody has taken over."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse
from django.utils import timezone

from cocreation.notifications.reminders import Due, reminder_source

from . import selectors
from .models import Membership

# The days of April the reminder is due: a runner that missed 1 April catches up.
APRIL_REMINDER_DAYS = 14


@reminder_source("organisations.handover_april")
def handover_april(now: dt.datetime) -> Iterator[Due]:
    """From 1 to 14 April (JST), once per fiscal year: each admin of an organisation
    with pending handovers gets their list. Two queries, however many organisations
    (organisations without an admin fall back to `selectors.deciders_for`)."""
    today = timezone.localdate(now)
    if today.month != 4 or today.day > APRIL_REMINDER_DAYS:
        return
    pending = selectors.pending_handovers_by_organisation()
    if not pending:
        return
    admins: dict[int, list] = {}
    for membership in Membership.objects.filter(
        organisation__in=list(pending),
        role=Membership.Role.ADMIN,
        status=Membership.Status.ACTIVE,
        user__is_active=True,
    ).select_related("user"):
        admins.setdefault(membership.organisation_id, []).append(membership.user)
    for organisation, handovers in pending.items():
        recipients = admins.get(organisation.pk) or selectors.handover_deciders(organisation)
        people = "\n".join(
            f"- {h.person.display_name}（{h.get_reason_display()}"
            + (f": {h.from_department} → {h.to_department}" if h.to_department else "")
            + "）"
            for h in handovers
        )
        for user in recipients:
            if any(h.person_id == user.pk for h in handovers):
                continue
            yield Due(
                user,
                "handover.april",
                organisation,
                key=f"handover.april|{today.year}|{organisation.pk}|{user.pk}",
                context={
                    "organisation": organisation.name,
                    "count": len(handovers),
                    "people": people,
                },
                url=reverse("organisations:handovers", args=[organisation.pk]),
            )
