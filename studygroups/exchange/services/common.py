"""What the exchange's services share: the texts a notification is filled with, and who
is told for each side."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q

from cocreation.core.dates import jdate
from cocreation.organisations.models import Membership

from ..models import Application, Placement


def period(placement: Placement) -> str:
    """The placement's period as the portal writes dates (2020年12月18日(金)〜…)."""
    return f"{jdate(placement.starts_on)}〜{jdate(placement.ends_on)}"


def context_of(application: Application) -> dict:
    """The fields every exchange notification about `application` fills."""
    placement = application.placement
    return {
        "person": application.applicant.display_name,
        "organisation": application.organisation.name,
        "department": application.applicant.department,
        "placement": placement.title,
        "host": placement.host.name,
        "period": period(placement),
        "days": placement.days_per_week,
        "mode": placement.get_mode_display(),
        "mentor": placement.mentor.display_name,
        "room": placement.room.name if placement.room_id else "-",
    }


def managers_of(organisation_id: int):
    """The active admins and coordinators of one organisation (a QuerySet of users): the
    people told for it."""
    return get_user_model().objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(
            organisation_id=organisation_id,
            status=Membership.Status.ACTIVE,
            role__in=[Membership.Role.ADMIN, Membership.Role.COORDINATOR],
        ).values("user_id"),
    )


def host_side(placement: Placement):
    """Those told for the host: its admins and coordinators, and the mentor."""
    return get_user_model().objects.filter(
        Q(pk__in=managers_of(placement.host_id).values("pk")) | Q(pk=placement.mentor_id)
    )


def with_person(users, person):
    """`users` (a QuerySet of users) and `person` too."""
    return get_user_model().objects.filter(Q(pk__in=users.values("pk")) | Q(pk=person.pk))
