"""Recruitment: staff apply to a cohort, its coordinators accept or decline them."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreation import permissions as roles
from cocreation.core.dates import jdate
from cocreation.notifications.services import notify, notify_many

from .. import permissions
from ..errors import StudyError
from ..models import Cohort, Member


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Age in whole years on `day` of someone born on `birth_date`."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _eligibility(*, cohort: Cohort, organisation, birth_date, today: dt.date) -> list[StudyError]:
    """Why this person cannot apply, in the order the page reads; empty when they can."""
    refusals = []
    if cohort.recruitment_opens and today < cohort.recruitment_opens:
        refusals.append(
            StudyError(
                _("Applications open on %(date)s.") % {"date": jdate(cohort.recruitment_opens)}
            )
        )
    if cohort.recruitment_closes and today > cohort.recruitment_closes:
        refusals.append(
            StudyError(
                _("Applications closed on %(date)s.") % {"date": jdate(cohort.recruitment_closes)}
            )
        )
    if not cohort.organisations.filter(pk=organisation.pk).exists():
        refusals.append(
            StudyError(
                _("%(organisation)s does not take part in this cohort.")
                % {"organisation": organisation.name},
                field="organisation",
            )
        )
    if cohort.age_limit is not None:
        if birth_date is None:
            refusals.append(
                StudyError(
                    _("Enter your date of birth: the cohort has an age limit."), field="birth_date"
                )
            )
        else:
            age = age_on(birth_date, cohort.april_first)
            if age > cohort.age_limit:
                refusals.append(
                    StudyError(
                        _(
                            "On %(date)s you were %(age)d; this cohort is for staff aged %(limit)d "
                            "or under on that day."
                        )
                        % {
                            "date": jdate(cohort.april_first),
                            "age": age,
                            "limit": cohort.age_limit,
                        },
                        field="birth_date",
                    )
                )
    return refusals


def application_create(
    *,
    cohort: Cohort,
    user,
    organisation,
    birth_date: dt.date | None,
    preferred_fields,
    motivation: str,
    department: str = "",
    position: str = "",
    today: dt.date | None = None,
) -> Member:
    """`user` applies to `cohort` for `organisation` (one of the municipalities they work
    for), preferring `preferred_fields` (Field rows of the cohort); the coordinators are
    told. `today` (default: the local date) decides the application window; the age limit
    is judged on April 1 of the fiscal year. Raises StudyError naming the field (the first
    reason only), or when the person has already applied."""
    if organisation not in roles.municipalities_of(user):
        raise StudyError(_("Choose a municipality you work for."), field="organisation")
    refusals = _eligibility(
        cohort=cohort,
        organisation=organisation,
        birth_date=birth_date,
        today=today or timezone.localdate(),
    )
    if refusals:
        raise refusals[0]
    try:
        with transaction.atomic():
            member = Member.objects.create(
                cohort=cohort,
                user=user,
                organisation=organisation,
                birth_date=birth_date,
                motivation=motivation,
                department=department or user.department,
                position=position or user.position,
            )
            member.preferred_fields.set(preferred_fields)
            notify_many(
                list(cohort.coordinators.all()),
                "study.application_received",
                member,
                context={
                    "cohort": cohort.title,
                    "person": user.display_name,
                    "organisation": organisation.name,
                    "fields": "、".join(f.name for f in preferred_fields),
                },
                url=reverse("studygroups:applications", args=[cohort.pk]),
            )
    except IntegrityError:
        raise StudyError(_("You have already applied to this cohort.")) from None
    return member


def application_decide(*, member: Member, user, accept: bool) -> Member:
    """A coordinator of the cohort accepts (`accept` True) or declines an application; the
    applicant is told. The member row is locked, so an application is decided once.
    Raises StudyError for anyone else, or when it was already decided."""
    if not permissions.is_coordinator(user, member.cohort):
        raise StudyError(_("Only the cohort's coordinators decide on applications."))
    with transaction.atomic():
        locked = Member.objects.select_for_update().get(pk=member.pk)
        if locked.status != Member.Status.APPLIED:
            raise StudyError(_("This application was already decided."))
        locked.status = Member.Status.ACCEPTED if accept else Member.Status.DECLINED
        locked.decided_by = user
        locked.save(update_fields=["status", "decided_by"])
        notify(
            locked.user,
            "study.application_accepted" if accept else "study.application_declined",
            locked,
            context={"cohort": locked.cohort.title},
            url=locked.cohort.get_absolute_url(),
        )
    return locked
