"""Reuse of a completed quest's result by other municipalities (横展開): the ledger of who
is considering, adopted or adapted it, kept by the reusing municipalities themselves.

Rule source: issue 14 (seed 000 lists 横展開 among the past outcomes, but nothing recorded
which municipality reused whose result). One record per quest and municipality (database
constraint `quests_reuse_once_per_municipality`); a later save updates it, and each change
of status is kept as a `ResultReuseRevision`. The quest's team is told of each new record
and each change of status.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cocreation.notifications.services import notify_many
from cocreation.organisations.models import Organisation

from .. import permissions
from ..errors import QuestError
from ..models import Quest, ResultReuse, ResultReuseRevision, TeamMember

NOTIFICATION_KIND = "quest.reuse_recorded"


def _tell_team(quest: Quest, entry: ResultReuse, revision: ResultReuseRevision, user) -> None:
    """The quest's team (but the person who recorded it) learns of the new status, in plain
    text: municipality, its code, the status and the public note."""
    team = get_user_model().objects.filter(
        is_active=True, pk__in=TeamMember.objects.filter(quest=quest).values("user_id")
    )
    if user is not None and user.pk:
        team = team.exclude(pk=user.pk)
    municipality = entry.municipality
    notify_many(
        team,
        NOTIFICATION_KIND,
        entry,
        context={
            "quest": quest.title,
            "municipality": municipality.name,
            "code": municipality.local_government_code or "",
            "status": ResultReuse.Status(entry.status).label,
            "note": entry.public_note,
        },
        url=quest.get_absolute_url(),
        key_prefix=f"{NOTIFICATION_KIND}|{revision.pk}",
    )


def _save(
    *,
    quest: Quest,
    municipality: Organisation,
    user,
    values: dict,
    initial: dict | None = None,
    draft: Quest | None = None,
) -> ResultReuse:
    """Create or update the (quest, municipality) record with `values` (and `initial`, used
    only when the record is new) under the quest's row lock: two staff of one municipality
    saving at once take turns, the second updating the first's record. A new record or a
    change of status writes a revision and tells the team. The caller checked the rights."""
    locked_quest = Quest.objects.select_for_update().get(pk=quest.pk)
    entry = (
        ResultReuse.objects.select_for_update()
        .select_related("municipality")
        .filter(quest=locked_quest, municipality=municipality)
        .first()
    )
    if entry is None:
        entry = ResultReuse.objects.create(
            quest=locked_quest,
            municipality=municipality,
            recorded_by=user,
            draft=draft,
            **(initial or {}),
            **values,
        )
        changed_status = True
    else:
        changed_status = entry.status != values.get("status", entry.status)
        changed = [name for name, value in values.items() if getattr(entry, name) != value]
        if draft is not None and entry.draft_id is None:
            entry.draft = draft
            changed.append("draft")
        if not changed:
            return entry
        for name in changed:
            if name != "draft":
                setattr(entry, name, values[name])
        entry.save(update_fields=[*changed, "updated_at"])
    if changed_status:
        revision = ResultReuseRevision.objects.create(
            entry=entry, status=entry.status, changed_by=user
        )
        _tell_team(locked_quest, entry, revision, user)
    return entry


def reuse_record(
    *,
    quest: Quest,
    user,
    municipality: Organisation,
    status: str,
    public_note: str = "",
    outcome: str = "",
    private_note: str = "",
) -> ResultReuse:
    """Record, or update, that `municipality` is reusing the completed `quest`'s result:
    `status` one of ResultReuse.Status, `public_note` and `outcome` (plain text, public),
    `private_note` (read only by the municipality's staff and the quest team). The same
    (quest, municipality) always updates the one record.

    Raises QuestError for someone who may not record for `municipality`
    (permissions.reuse_municipalities: active staff of a municipality other than the
    quest's hosts, on a completed quest) and for an unknown status."""
    allowed = permissions.reuse_municipalities(user, quest)
    if not allowed:
        raise QuestError(
            _(
                "Only staff of another municipality can record a reuse of a completed "
                "quest's result."
            )
        )
    if municipality is None or municipality.pk not in {o.pk for o in allowed}:
        raise QuestError(
            _("You cannot record a reuse for this municipality."), field="municipality"
        )
    if status not in ResultReuse.Status.values:
        raise QuestError(_("Choose where your municipality stands."), field="status")
    values = {
        "status": status,
        "public_note": public_note,
        "outcome": outcome,
        "private_note": private_note,
    }
    try:
        with transaction.atomic():
            return _save(quest=quest, municipality=municipality, user=user, values=values)
    except IntegrityError:
        # The unique (quest, municipality) constraint, the last guard behind the lock.
        raise QuestError(
            _("Your municipality already has a record for this quest: update that one."),
            field="municipality",
        ) from None


def reuse_from_draft(*, source: Quest, user, municipality: Organisation, draft: Quest):
    """The ledger side of "reuse this quest" (services.quests.quest_reuse, in its
    transaction): `municipality` (the new draft's host) is considering `source`. A new
    record is made with the status "considering"; an existing one keeps its status (a
    municipality that already adopted it is not set back) and gains the link to `draft`.
    Nothing is recorded for the quest's own hosts. Returns the record or None."""
    if source.state != Quest.State.COMPLETED or municipality.pk in permissions.host_ids(source):
        return None
    with transaction.atomic():
        return _save(
            quest=source,
            municipality=municipality,
            user=user,
            values={},
            initial={"status": ResultReuse.Status.CONSIDERING},
            draft=draft,
        )
