"""Membership writes: joining by mail domain, asking to join, registering an
organisation, deciding requests, changing roles; and announcements to a region. Every
refusal is a `MembershipError`."""

from __future__ import annotations

import hashlib

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreation import permissions
from cocreation.notifications.services import notify, notify_many

from . import holdings, selectors
from .errors import MembershipError
from .models import (
    Handover,
    HandoverItem,
    Membership,
    NetworkAgreement,
    NetworkField,
    NetworkJoinRequest,
    Organisation,
    Region,
)


def _already_waiting(organisation: Organisation) -> MembershipError:
    return MembershipError(
        _("Your request to join %(name)s is already waiting.") % {"name": organisation.name},
        code="waiting",
    )


def _already_registered(name: str) -> MembershipError:
    return MembershipError(
        _("%(name)s is already on the portal; ask to join it instead.") % {"name": name},
        field="name",
        code="registered",
    )


def _tell_deciders(membership: Membership, *, message: str) -> None:
    """Tell whoever decides `membership`'s request (selectors.deciders_for) that it waits."""
    user, organisation = membership.user, membership.organisation
    notify_many(
        selectors.deciders_for(organisation),
        "membership.requested",
        membership,
        context={
            "person": user.display_name,
            "email": user.email,
            "organisation": organisation.name,
            "message": message or "-",
        },
        url=reverse("organisations:requests"),
    )


def membership_join_by_domain(*, user, email: str) -> Membership | None:
    """Staff with a verified address (`email`) on a municipality's registered mail domain
    join it at once as members; returns the active membership, or None when the address
    is on no municipality's domain. A pending request to the same municipality becomes
    active. The person is told."""
    organisation = selectors.municipality_for_email(email)
    if organisation is None:
        return None
    with transaction.atomic():
        # The user's row is the lock: two confirmations of the same address at once (two
        # tabs, a double click) join once, the second finds the first one's membership.
        get_user_model().objects.lock(user)
        existing = (
            Membership.objects.select_for_update()
            .filter(user=user, organisation=organisation, status__in=Membership.OPEN_STATUSES)
            .first()
        )
        if existing and existing.status == Membership.Status.ACTIVE:
            return existing
        if existing:
            existing.status = Membership.Status.ACTIVE
            existing.joined_by_domain = True
            existing.decided_at = timezone.now()
            existing.save(update_fields=["status", "joined_by_domain", "decided_at"])
            membership = existing
        else:
            membership = Membership.objects.create(
                user=user,
                organisation=organisation,
                role=Membership.Role.MEMBER,
                status=Membership.Status.ACTIVE,
                department=user.department,
                position=user.position,
                joined_by_domain=True,
                decided_at=timezone.now(),
            )
        notify(
            user,
            "membership.joined_by_domain",
            membership,
            context={"organisation": organisation.name, "email": email},
            url=reverse("accounts:profile"),
        )
    permissions.forget_memberships(user)
    return membership


def membership_request(
    *,
    user,
    organisation: Organisation,
    department: str = "",
    position: str = "",
    message: str = "",
) -> Membership:
    """Ask to join a verified organisation; its admins (or coordinators) are told.

    Raises MembershipError when the organisation is not verified yet, or the person is
    already a member or already waiting (one open membership per person and organisation,
    also a database constraint)."""
    if not organisation.is_verified:
        raise MembershipError(
            _("This organisation is still waiting for approval."), code="unverified"
        )
    with transaction.atomic():
        open_membership = (
            Membership.objects.select_for_update()
            .filter(user=user, organisation=organisation, status__in=Membership.OPEN_STATUSES)
            .first()
        )
        if open_membership is not None:
            if open_membership.status == Membership.Status.ACTIVE:
                raise MembershipError(
                    _("You are already a member of %(name)s.") % {"name": organisation.name},
                    code="member",
                )
            raise _already_waiting(organisation)
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
                    user=user,
                    organisation=organisation,
                    department=department,
                    position=position,
                    message=message,
                )
        except IntegrityError:
            raise _already_waiting(organisation) from None
        _tell_deciders(membership, message=message)
    return membership


def organisation_register(
    *,
    user,
    kind: str,
    name: str,
    name_kana: str = "",
    prefecture: str = "",
    website: str = "",
    department: str = "",
    position: str = "",
    message: str = "",
) -> Membership:
    """A company, university or NPO registers itself; a coordinator verifies it.

    `kind` is an `Organisation.Kind` other than a municipality. The organisation stays
    unverified, and the person's membership (as its admin) waits until a coordinator
    approves it. Raises MembershipError for a municipality or a name the kind already
    has."""
    if kind == Organisation.Kind.MUNICIPALITY:
        raise MembershipError(
            _("Municipalities are registered by the portal's administrators."),
            field="name",
            code="municipality",
        )
    with transaction.atomic():
        if Organisation.objects.filter(kind=kind, name=name).exists():
            raise _already_registered(name)
        try:
            with transaction.atomic():
                organisation = Organisation.objects.create(
                    kind=kind,
                    name=name,
                    name_kana=name_kana,
                    prefecture=prefecture,
                    website=website,
                    is_verified=False,
                )
        except IntegrityError:
            raise _already_registered(name) from None
        membership = Membership.objects.create(
            user=user,
            organisation=organisation,
            role=Membership.Role.ADMIN,
            department=department,
            position=position,
            message=message,
        )
        _tell_deciders(membership, message=message)
    return membership


def membership_decide(*, membership_id: int, decider, approve: bool, note: str = "") -> Membership:
    """Approve or decline a pending request, once: the row lock makes a second decision
    fail. Approving the first member of an unverified organisation verifies it. The
    person is told. Raises MembershipError when the request is gone, already answered,
    not `decider`'s to decide (permissions.can_decide_membership), or declined without
    a reason (`note`)."""
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update(of=("self",))
            .select_related("organisation", "user")
            .filter(pk=membership_id)
            .first()
        )
        if membership is None:
            raise MembershipError(_("This request no longer exists."), code="gone")
        if not permissions.can_decide_membership(decider, membership):
            raise MembershipError(_("You may not decide on this request."), code="forbidden")
        if membership.status != Membership.Status.PENDING:
            raise MembershipError(
                _("This request was already answered (%(status)s).")
                % {"status": membership.get_status_display()},
                code="answered",
            )
        if not approve and not note.strip():
            raise MembershipError(
                _("Please give a reason when you decline a request."), field="note", code="reason"
            )
        membership.status = Membership.Status.ACTIVE if approve else Membership.Status.DECLINED
        membership.decided_by = decider
        membership.decided_at = timezone.now()
        membership.decision_note = note.strip()
        membership.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        organisation = membership.organisation
        if approve and not organisation.is_verified:
            organisation.is_verified = True
            organisation.save(update_fields=["is_verified"])
        notify(
            membership.user,
            "membership.approved" if approve else "membership.declined",
            membership,
            context={
                "organisation": organisation.name,
                "decider": decider.display_name,
                "reason": membership.decision_note or "-",
            },
            url=reverse("accounts:profile"),
        )
    permissions.forget_memberships(membership.user)
    return membership


def membership_update_role(*, membership_id: int, actor, role: str) -> Membership:
    """Give an active member another `role` (a `Membership.Role` value). Raises
    MembershipError when `actor` may not manage the organisation, the role is unknown,
    the membership is not active, or it would leave the organisation without an admin."""
    organisation_id = Membership.objects.values_list("organisation_id", flat=True).get(
        pk=membership_id
    )
    with transaction.atomic():
        # Lock the member and the organisation's admins in one statement, in id order:
        # two admins demoting each other at once then queue instead of deadlocking, and
        # the second sees the first's change.
        locked = {
            m.pk: m
            for m in Membership.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .filter(
                Q(pk=membership_id)
                | Q(
                    organisation_id=organisation_id,
                    role=Membership.Role.ADMIN,
                    status=Membership.Status.ACTIVE,
                )
            )
            .order_by("pk")
        }
        membership = locked[membership_id]
        if not permissions.can_manage_organisation(actor, membership.organisation):
            raise MembershipError(
                _("You may not change members of this organisation."), code="forbidden"
            )
        if role not in Membership.Role.values:
            raise MembershipError(_("Choose a valid role."), field="role", code="role")
        if membership.status != Membership.Status.ACTIVE:
            raise MembershipError(_("Only active members have a role to change."), code="inactive")
        if membership.role == Membership.Role.ADMIN and role != Membership.Role.ADMIN:
            admins = [
                m.pk
                for m in locked.values()
                if m.role == Membership.Role.ADMIN and m.status == Membership.Status.ACTIVE
            ]
            if admins == [membership.pk]:
                raise MembershipError(
                    _("An organisation needs at least one admin."), code="last_admin"
                )
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


ANNOUNCEMENT_TITLE_MAX = 100
ANNOUNCEMENT_BODY_MAX = 4000


def announcement_send(*, region: Region, user, title: str, body: str) -> int:
    """Tell every active member of `region`'s organisations (`selectors.region_members`),
    in the portal and by mail, of an announcement by `user` (`title`: one line, at most
    `ANNOUNCEMENT_TITLE_MAX` characters; `body`: plain text, at most
    `ANNOUNCEMENT_BODY_MAX`); returns how many people were newly told.

    Raises MembershipError when `user` is neither a site admin nor a coordinator of the
    region (`permissions.can_announce_to_region`, code "forbidden") or a text is empty
    or too long (field "title" or "body"). One fan-out (`notify_many`): the same text
    sent again to the same region on the same day (JST) tells no one twice, so a repeated
    request sends nothing more.
    """
    if not permissions.can_announce_to_region(user, region):
        raise MembershipError(
            _("Only the site administrators and the region's coordinators send announcements."),
            code="forbidden",
        )
    title, body = " ".join(title.split()), body.strip()
    for field, text, limit, missing in (
        ("title", title, ANNOUNCEMENT_TITLE_MAX, _("Write the announcement's title.")),
        ("body", body, ANNOUNCEMENT_BODY_MAX, _("Write the announcement's text.")),
    ):
        if not text:
            raise MembershipError(missing, field=field, code=field)
        if len(text) > limit:
            raise MembershipError(
                _("Write at most %(limit)d characters.") % {"limit": limit},
                field=field,
                code=field,
            )
    digest = hashlib.sha256(f"{title}\n{body}".encode()).hexdigest()[:16]
    day = timezone.localdate().isoformat()
    return notify_many(
        selectors.region_members(region),
        "region.announcement",
        region,
        context={"region": region.name, "title": title, "body": body, "sender": user.display_name},
        url=reverse("organisations:region", args=[region.slug]),
        key_prefix=f"region.announcement|{region.pk}|{day}|{digest}",
    )


# --- Handover when staff move (人事異動) ----------------------------------------------------


def handover_open(
    *,
    organisation: Organisation,
    person,
    reason: str,
    moved_on,
    from_department: str = "",
    to_department: str = "",
    recorded_by=None,
    email: bool | None = None,
) -> Handover | None:
    """Record that `person` moved (`reason`: a `Handover.Reason` value; `moved_on`, a
    date) and list what they hold as a member of `organisation` (the holdings registry);
    the organisation's admins are told. A move while a handover is still open adds what
    is new to it. Returns the handover, or None when the person holds nothing (there is
    nothing to hand over). `email` False tells the admins in the portal only (the demo
    data). Runs in the caller's transaction, or its own."""
    held = holdings.holdings_of(person, organisation)
    if not held:
        return None
    with transaction.atomic():
        handover, created = Handover.objects.select_for_update().get_or_create(
            organisation=organisation,
            person=person,
            status=Handover.Status.PENDING,
            defaults={
                "reason": reason,
                "moved_on": moved_on,
                "from_department": from_department,
                "to_department": to_department,
                "recorded_by": recorded_by,
            },
        )
        if not created:
            # The later move decides what the person is now; leaving wins over a change.
            handover.reason = (
                Handover.Reason.LEFT
                if Handover.Reason.LEFT
                in (
                    reason,
                    handover.reason,
                )
                else reason
            )
            handover.to_department = to_department or handover.to_department
            handover.moved_on = moved_on
            handover.save(update_fields=["reason", "to_department", "moved_on"])
        HandoverItem.objects.bulk_create(
            [
                HandoverItem(
                    handover=handover,
                    kind=h.kind,
                    object_id=h.object_id,
                    label=h.label[:300],
                    url=h.url[:300],
                )
                for h in held
            ],
            ignore_conflicts=True,
        )
        notify_many(
            selectors.handover_deciders(organisation, exclude=person),
            "handover.opened",
            handover,
            context={
                "person": person.display_name,
                "organisation": organisation.name,
                "reason": handover.get_reason_display(),
                "items": "\n".join(f"- {holdings.title_of(h.kind)}: {h.label}" for h in held),
            },
            url=reverse("organisations:handovers", args=[organisation.pk]),
            key_prefix=f"handover.opened|{handover.pk}|{len(held)}",
            email=email,
        )
    return handover


def member_move(
    *, membership_id: int, actor, leaves: bool, to_department: str = "", moved_on
) -> Handover | None:
    """Record a member's move as their organisation's admin: `leaves` ends the
    membership (status "left"), otherwise the member's department becomes
    `to_department`; then `handover_open`. Raises MembershipError when `actor` may not
    manage the organisation, the membership is not active, the department is missing
    or unchanged, or the member is its last admin leaving."""
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update(of=("self",))
            .select_related("organisation", "user")
            .get(pk=membership_id)
        )
        organisation, person = membership.organisation, membership.user
        if not permissions.can_manage_organisation(actor, organisation):
            raise MembershipError(
                _("You may not change members of this organisation."), code="forbidden"
            )
        if membership.status != Membership.Status.ACTIVE:
            raise MembershipError(_("Only active members can move."), code="inactive")
        before = membership.department or person.department
        if leaves:
            if membership.role == Membership.Role.ADMIN and not (
                Membership.objects.filter(
                    organisation=organisation,
                    role=Membership.Role.ADMIN,
                    status=Membership.Status.ACTIVE,
                )
                .exclude(pk=membership.pk)
                .exists()
            ):
                raise MembershipError(
                    _("An organisation needs at least one admin."), code="last_admin"
                )
            membership.status = Membership.Status.LEFT
            membership.save(update_fields=["status"])
            reason = Handover.Reason.LEFT
        else:
            to_department = (to_department or "").strip()
            if not to_department:
                raise MembershipError(
                    _("Enter the department the person moves to."),
                    field="to_department",
                    code="department",
                )
            if to_department == before:
                raise MembershipError(
                    _("The person is already in this department."),
                    field="to_department",
                    code="department",
                )
            membership.department = to_department
            membership.save(update_fields=["department"])
            if person.department == before:
                person.department = to_department
                person.save(update_fields=["department"])
            reason = Handover.Reason.DEPARTMENT
        return handover_open(
            organisation=organisation,
            person=person,
            reason=reason,
            moved_on=moved_on,
            from_department=before,
            to_department="" if leaves else to_department,
            recorded_by=actor,
        )


def department_changed(*, person, before: str, after: str) -> list[Handover]:
    """A person changed their own department (their profile): for each organisation they
    are an active member of whose department for them was `before`, that department
    becomes `after` and `handover_open` lists what they hold there. Returns the
    handovers opened or added to."""
    opened = []
    memberships = Membership.objects.filter(
        user=person, status=Membership.Status.ACTIVE
    ).select_related("organisation")
    for membership in memberships:
        if membership.department and membership.department != before:
            continue
        if membership.department:
            membership.department = after
            membership.save(update_fields=["department"])
        handover = handover_open(
            organisation=membership.organisation,
            person=person,
            reason=Handover.Reason.DEPARTMENT,
            moved_on=timezone.localdate(),
            from_department=before,
            to_department=after,
        )
        if handover is not None:
            opened.append(handover)
    return opened


def handover_complete(*, handover_id: int, actor, choices: dict[int, int | None]) -> Handover:
    """Hand every item of the handover `handover_id` on in one step: `choices` maps
    each item's id to the successor's user id, or None for "the person keeps it" (only
    after a department change: someone who left keeps nothing). Each holding passes to
    its successor (the holdings registry), the handover is marked done with the items
    as its history, and each successor and the person are told (mail in plain text).

    Raises MembershipError when `actor` may not manage the organisation, the handover
    was already completed (by another admin meanwhile), an item has no choice, or a
    successor is not an active member of the organisation (or is the person)."""
    with transaction.atomic():
        # The handover row is the lock: two admins submitting at once hand over once.
        handover = (
            Handover.objects.select_for_update(of=("self",))
            .select_related("organisation", "person")
            .get(pk=handover_id)
        )
        organisation, person = handover.organisation, handover.person
        if not permissions.can_manage_organisation(actor, organisation):
            raise MembershipError(
                _("You may not change members of this organisation."), code="forbidden"
            )
        if handover.status != Handover.Status.PENDING:
            raise MembershipError(_("This handover was already completed."), code="answered")
        items = list(handover.items.all())
        members = set(
            Membership.objects.filter(
                organisation=organisation, status=Membership.Status.ACTIVE
            ).values_list("user_id", flat=True)
        ) - {person.pk}
        for item in items:
            if item.pk not in choices:
                raise MembershipError(
                    _("Choose a successor for every item."), field=f"item_{item.pk}", code="item"
                )
            chosen = choices[item.pk]
            if chosen is None and handover.reason == Handover.Reason.LEFT:
                raise MembershipError(
                    _("Someone who left cannot keep a role: choose a successor."),
                    field=f"item_{item.pk}",
                    code="item",
                )
            if chosen is not None and chosen not in members:
                raise MembershipError(
                    _("The successor must be an active member of the organisation."),
                    field=f"item_{item.pk}",
                    code="item",
                )
        successors = {
            u.pk: u for u in get_user_model().objects.filter(pk__in=set(choices.values()) - {None})
        }
        now = timezone.now()
        taken: dict[int, list[str]] = {}
        for item in items:
            chosen = choices[item.pk]
            if chosen is None:
                item.kept = True
            else:
                holdings.transfer(item.kind, item.object_id, person, successors[chosen])
                item.successor = successors[chosen]
                taken.setdefault(chosen, []).append(f"{holdings.title_of(item.kind)}: {item.label}")
            item.handed_at = now
        HandoverItem.objects.bulk_update(items, ["kept", "successor", "handed_at"])
        handover.status = Handover.Status.DONE
        handover.completed_at = now
        handover.completed_by = actor
        handover.save(update_fields=["status", "completed_at", "completed_by"])
        for user_id, labels in taken.items():
            # Each successor takes different things: one message each.
            notify(
                successors[user_id],
                "handover.taken_over",
                handover,
                context={
                    "person": person.display_name,
                    "organisation": organisation.name,
                    "items": "\n".join(f"- {label}" for label in labels),
                },
                url=reverse("notifications:list"),
            )
        notify(
            person,
            "handover.done",
            handover,
            context={
                "organisation": organisation.name,
                "items": "\n".join(
                    f"- {holdings.title_of(item.kind)}: {item.label} → "
                    + (
                        str(_("kept by you"))
                        if item.kept
                        else str(_("to %(name)s") % {"name": item.successor.display_name})
                    )
                    for item in items
                ),
            },
        )
    return handover


def membership_changed_by_admin(*, membership: Membership, before: dict, actor) -> Handover | None:
    """A site admin changed `membership` in the Django admin; `before` holds its "status"
    and "department" as they were. Leaving (active → left) or a new department is a move:
    `handover_open` lists what the person holds. Returns the handover, or None."""
    if before.get("status") != Membership.Status.ACTIVE:
        return None
    if membership.status == Membership.Status.LEFT:
        reason, to_department = Handover.Reason.LEFT, ""
    elif (
        membership.status == Membership.Status.ACTIVE
        and membership.department != before.get("department")
        and before.get("department")
    ):
        reason, to_department = Handover.Reason.DEPARTMENT, membership.department
    else:
        return None
    return handover_open(
        organisation=membership.organisation,
        person=membership.user,
        reason=reason,
        moved_on=timezone.localdate(),
        from_department=before.get("department") or "",
        to_department=to_department,
        recorded_by=actor,
    )


# --- Networks: joining, agreements, the fields members lead --------------------------------


def network_join_request(*, region: Region, organisation: Organisation, user, message: str = ""):
    """Ask for the municipality `organisation` to join the network `region`, as one of its
    admins or coordinators; those who run the network are told. Raises MembershipError
    when `user` may not ask for it, it is not a municipality, it is a member already, or
    a request is waiting (also under a race: the database keeps one)."""
    if not permissions.can_ask_to_join_network(user, organisation):
        raise MembershipError(
            _("Only the admins and coordinators of a municipality can ask for it to join."),
            field="organisation",
            code="forbidden",
        )
    if region.organisations.filter(pk=organisation.pk).exists():
        raise MembershipError(
            _("%(name)s is already a member.") % {"name": organisation.name},
            field="organisation",
            code="member",
        )
    try:
        with transaction.atomic():
            request = NetworkJoinRequest.objects.create(
                region=region, organisation=organisation, requested_by=user, message=message
            )
    except IntegrityError:
        raise MembershipError(
            _("This municipality already asked to join."), field="organisation", code="waiting"
        ) from None
    notify_many(
        selectors.network_managers(region),
        "network.join_requested",
        request,
        context={
            "organisation": organisation.name,
            "code": organisation.local_government_code or "-",
            "network": region.name,
            "person": user.display_name,
            "message": message or "-",
        },
        url=reverse("organisations:region", args=[region.slug]),
    )
    return request


def network_join_decide(*, request_id: int, decider, accept: bool, reason: str = ""):
    """Accept (the municipality becomes a member) or decline (with `reason`, required) a
    request to join a network; the municipality's side (who asked, and its admins) is
    told in plain text. Raises MembershipError when `decider` does not run the network,
    the request was already answered, or a decline has no reason."""
    with transaction.atomic():
        request = (
            NetworkJoinRequest.objects.select_for_update(of=("self",))
            .select_related("region", "organisation", "requested_by")
            .get(pk=request_id)
        )
        region, organisation = request.region, request.organisation
        if not permissions.can_manage_network(decider, region):
            raise MembershipError(_("You do not run this network."), code="forbidden")
        if request.status != NetworkJoinRequest.Status.PENDING:
            raise MembershipError(_("This request was already answered."), code="answered")
        reason = (reason or "").strip()
        if not accept and not reason:
            raise MembershipError(
                _("Say why the request is declined; the municipality is told."),
                field="reason",
                code="reason",
            )
        request.status = (
            NetworkJoinRequest.Status.ACCEPTED if accept else NetworkJoinRequest.Status.DECLINED
        )
        request.decided_by = decider
        request.decided_at = timezone.now()
        request.reason = reason
        request.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        if accept:
            organisation.regions.add(region)
        told = {u.pk: u for u in selectors.deciders_for(organisation)}
        if request.requested_by is not None:
            told[request.requested_by.pk] = request.requested_by
        notify_many(
            list(told.values()),
            "network.join_accepted" if accept else "network.join_declined",
            request,
            context={
                "organisation": organisation.name,
                "network": region.name,
                "decider": decider.display_name,
                "reason": reason or "-",
            },
            url=reverse("organisations:region", args=[region.slug]),
        )
    return request


def network_agreement_add(
    *, region: Region, user, title: str, signed_on, text: str = "", document_url: str = ""
) -> NetworkAgreement:
    """Record an agreement of the network (its title, date, and its text or the address of
    the official document). Raises MembershipError when `user` does not run the network
    or neither text nor address is given."""
    if not permissions.can_manage_network(user, region):
        raise MembershipError(_("You do not run this network."), code="forbidden")
    if not (text or "").strip() and not (document_url or "").strip():
        raise MembershipError(
            _("Give the agreement's text or the address of the official document."),
            field="text",
            code="text",
        )
    return NetworkAgreement.objects.create(
        region=region,
        title=title,
        signed_on=signed_on,
        text=(text or "").strip(),
        document_url=(document_url or "").strip(),
    )


def network_field_add(
    *, region: Region, user, organisation: Organisation, field: str, note: str = ""
) -> NetworkField:
    """Say that the member `organisation` leads `field` in the network. Raises
    MembershipError when `user` does not run the network, the organisation is not a
    member, or it already leads that field."""
    if not permissions.can_manage_network(user, region):
        raise MembershipError(_("You do not run this network."), code="forbidden")
    if not region.organisations.filter(pk=organisation.pk).exists():
        raise MembershipError(
            _("Only a member of the network leads a field in it."),
            field="organisation",
            code="member",
        )
    try:
        with transaction.atomic():
            return NetworkField.objects.create(
                region=region, organisation=organisation, field=field.strip(), note=note
            )
    except IntegrityError:
        raise MembershipError(
            _("%(name)s already leads this field.") % {"name": organisation.name},
            field="field",
            code="field",
        ) from None


def network_field_remove(*, field_id: int, user) -> None:
    """Remove a field a member leads. Raises MembershipError when `user` does not run the
    network; a field already removed is no error."""
    found = NetworkField.objects.select_related("region").filter(pk=field_id).first()
    if found is None:
        return
    if not permissions.can_manage_network(user, found.region):
        raise MembershipError(_("You do not run this network."), code="forbidden")
    found.delete()
