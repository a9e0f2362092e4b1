"""What staff hold in study groups, for the handover when they move
(`cocreation.organisations.holdings`): coordinating a cohort of this fiscal year or a
later one, and organising an exchange meeting still to come."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cocreation.core.dates import fiscal_year
from cocreation.organisations.holdings import Holding, holding_kind

from .models import Cohort, ExchangeMeeting


@holding_kind("studygroups.cohort_coordinator", _("Cohort coordinator"))
class CohortCoordinator:
    @staticmethod
    def held_by(person, organisation):
        cohorts = (
            Cohort.objects.filter(
                coordinators=person,
                programme__organiser=organisation,
                fiscal_year__gte=fiscal_year(timezone.localdate()),
            )
            .select_related("programme")
            .order_by("fiscal_year", "pk")
        )
        return [
            Holding("studygroups.cohort_coordinator", c.pk, str(c), c.get_absolute_url())
            for c in cohorts
        ]

    @staticmethod
    def transfer(object_id, person, successor):
        cohort = Cohort.objects.filter(pk=object_id).first()
        if cohort is None:
            return
        cohort.coordinators.remove(person)
        cohort.coordinators.add(successor)


@holding_kind("studygroups.meeting_organiser", _("Exchange meeting organiser"))
class MeetingOrganiser:
    @staticmethod
    def held_by(person, organisation):
        # Meetings still to come of the networks the organisation belongs to.
        meetings = ExchangeMeeting.objects.filter(
            organiser=person,
            region__organisations=organisation,
            starts_at__gt=timezone.now(),
        ).order_by("starts_at", "pk")
        return [
            Holding("studygroups.meeting_organiser", m.pk, m.title, m.get_absolute_url())
            for m in meetings
        ]

    @staticmethod
    def transfer(object_id, person, successor):
        ExchangeMeeting.objects.filter(pk=object_id, organiser=person).update(organiser=successor)
