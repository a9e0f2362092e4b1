"""What staff hold in the staff exchange, for the handover when they move
(`cocreation.organisations.holdings`): mentoring a placement of their municipality that
has not ended yet."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cocreation.organisations.holdings import Holding, holding_kind

from .models import Placement


@holding_kind("exchange.placement_mentor", _("Placement mentor"))
class PlacementMentor:
    @staticmethod
    def held_by(person, organisation):
        placements = Placement.objects.filter(
            mentor=person, host=organisation, ends_on__gte=timezone.localdate()
        ).order_by("starts_on", "pk")
        return [
            Holding("exchange.placement_mentor", p.pk, p.title, p.get_absolute_url())
            for p in placements
        ]

    @staticmethod
    def transfer(object_id, person, successor):
        Placement.objects.filter(pk=object_id, mentor=person).update(mentor=successor)
