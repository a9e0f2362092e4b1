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

from . import selectors
from .errors import MembershipError
from .models import Membership, Organisation, Region


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
