"""What staff hold in spaces, for the handover when they move
(`cocreation.organisations.holdings`): being a named coordinator of a space in use."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cocreation.organisations.holdings import Holding, holding_kind

from .models import Space


@holding_kind("spaces.coordinator", _("Space coordinator"))
class SpaceCoordinator:
    @staticmethod
    def held_by(person, organisation):
        # Named coordinators of the organisation's own spaces: a coordinator named for
        # another host's space answers to that host.
        spaces = Space.objects.filter(
            coordinators=person, host=organisation, is_active=True
        ).order_by("pk")
        return [Holding("spaces.coordinator", s.pk, s.name, s.get_absolute_url()) for s in spaces]

    @staticmethod
    def transfer(object_id, person, successor):
        space = Space.objects.filter(pk=object_id).first()
        if space is None:
            return
        space.coordinators.remove(person)
        space.coordinators.add(successor)
