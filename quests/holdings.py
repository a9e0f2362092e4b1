"""What municipal staff hold in quests, for the handover when they move
(`cocreation.organisations.holdings`): leading or being on the team of a quest that is
not finished, and the staff and review board of a proposal desk that takes proposals."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cocreation.organisations.holdings import Holding, holding_kind

from .models import Quest, TeamMember

_FINISHED = (Quest.State.COMPLETED, Quest.State.CANCELLED)


def _held(person, organisation, role: str, kind: str) -> list[Holding]:
    rows = (
        TeamMember.objects.filter(user=person, organisation=organisation, role=role)
        .exclude(quest__state__in=_FINISHED)
        .select_related("quest")
        .order_by("quest_id")
    )
    return [Holding(kind, m.quest_id, m.quest.title, m.quest.get_absolute_url()) for m in rows]


def _transfer(quest_id: int, person, successor, role: str) -> None:
    """The successor takes `person`'s place on the team with `role`, for the same
    municipality; already on the team, they take the role (a leader stays leader)."""
    with transaction.atomic():
        mine = TeamMember.objects.select_for_update().filter(quest_id=quest_id, user=person).first()
        if mine is None:
            return
        theirs = (
            TeamMember.objects.select_for_update().filter(quest_id=quest_id, user=successor).first()
        )
        if theirs is None:
            TeamMember.objects.create(
                quest_id=quest_id, user=successor, organisation=mine.organisation, role=role
            )
        elif role == TeamMember.Role.LEADER and theirs.role != role:
            theirs.role = role
            theirs.save(update_fields=["role"])
        mine.delete()


@holding_kind("quests.team_leader", _("Quest team leader"))
class QuestLeader:
    @staticmethod
    def held_by(person, organisation):
        return _held(person, organisation, TeamMember.Role.LEADER, "quests.team_leader")

    @staticmethod
    def transfer(object_id, person, successor):
        _transfer(object_id, person, successor, TeamMember.Role.LEADER)


@holding_kind("quests.team_member", _("Quest team member"))
class QuestMember:
    @staticmethod
    def held_by(person, organisation):
        return _held(person, organisation, TeamMember.Role.MEMBER, "quests.team_member")

    @staticmethod
    def transfer(object_id, person, successor):
        _transfer(object_id, person, successor, TeamMember.Role.MEMBER)


def _desk_members(person, organisation, role: str):
    from .models import DeskMember

    return (
        DeskMember.objects.filter(user=person, role=role, desk__is_open=True)
        .filter(Q(desk__host=organisation) | Q(desk__region__organisations=organisation))
        .select_related("desk")
        .order_by("desk_id")
    )


def _desk_transfer(desk_id: int, person, successor, role: str) -> None:
    """The successor takes `person`'s place at the desk (already there with that role:
    `person`'s place simply ends)."""
    from .models import DeskMember

    with transaction.atomic():
        DeskMember.objects.get_or_create(desk_id=desk_id, user=successor, role=role)
        DeskMember.objects.filter(desk_id=desk_id, user=person, role=role).delete()


@holding_kind("quests.desk_staff", _("Proposal desk staff"))
class DeskStaff:
    @staticmethod
    def held_by(person, organisation):
        return [
            Holding("quests.desk_staff", m.desk_id, m.desk.name, m.desk.get_absolute_url())
            for m in _desk_members(person, organisation, "staff")
        ]

    @staticmethod
    def transfer(object_id, person, successor):
        _desk_transfer(object_id, person, successor, "staff")


@holding_kind("quests.desk_reviewer", _("Review board member"))
class DeskReviewer:
    @staticmethod
    def held_by(person, organisation):
        return [
            Holding("quests.desk_reviewer", m.desk_id, m.desk.name, m.desk.get_absolute_url())
            for m in _desk_members(person, organisation, "reviewer")
        ]

    @staticmethod
    def transfer(object_id, person, successor):
        _desk_transfer(object_id, person, successor, "reviewer")
