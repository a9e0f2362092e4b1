"""Applications: staff apply; their employer approves or refuses their taking part (with a
reason); then the host accepts or declines. Each decision is taken under a row lock, so
two decisions at once make one; each tells the other party."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreation.notifications.services import notify_many
from spaces import permissions as space_permissions
from spaces.services.rules import space_allow_organisation

from .. import permissions
from ..errors import ExchangeError
from ..models import Application, Placement
from .common import context_of, host_side, managers_of, with_person


def application_create(*, placement: Placement, user, organisation, motivation: str) -> Application:
    """`user` applies to `placement` for `organisation` (a municipality they work for that
    shares a network with the host, not the host itself), with `motivation`; the
    employer's admins and coordinators are told to approve or refuse. Raises
    ExchangeError: "closed", "organisation" (not one they may apply for), "twice"
    (already applied: the database's unique constraint decides between two at once)."""
    allowed = permissions.applicable_employers(user, placement)
    if organisation is None or organisation.pk not in {o.pk for o in allowed}:
        raise ExchangeError(
            _("Choose a municipality you work for that shares a network with the host."),
            field="organisation",
            code="organisation",
        )
    try:
        with transaction.atomic():
            # Under the placement's lock, so that a close at the same moment is seen.
            current = Placement.objects.select_for_update().get(pk=placement.pk)
            if current.status != Placement.Status.OPEN:
                raise ExchangeError(
                    _("This placement no longer takes applications."), code="closed"
                )
            application = Application.objects.create(
                placement=placement,
                applicant=user,
                organisation=organisation,
                motivation=motivation,
            )
    except IntegrityError:
        raise ExchangeError(
            _("You have already applied to this placement."), code="twice"
        ) from None
    context = context_of(application)
    context["motivation"] = motivation
    notify_many(
        managers_of(organisation.pk).exclude(pk=user.pk),
        "exchange.application_received",
        application,
        context=context,
        url=application.get_absolute_url(),
    )
    return application


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("placement__host", "placement__mentor", "placement__room")
        .select_related("applicant", "organisation")
        .get(pk=application.pk)
    )


def employer_decide(
    *, application: Application, user, approve: bool, reason: str = ""
) -> Application:
    """Those who manage the applicant's employer approve (`approve` True) or refuse their
    taking part; a refusal needs `reason`. The application row is locked: of two
    decisions at once, the second finds it decided. Approval tells the applicant and the
    host (its admins, coordinators and mentor); refusal tells the applicant, with the
    reason. Raises ExchangeError: "forbidden", "reason" (field "reason"), "decided"."""
    if not permissions.can_decide_as_employer(user, application):
        raise ExchangeError(
            _("Only the employer's admins and coordinators approve taking part."),
            code="forbidden",
        )
    reason = reason.strip()
    if not approve and not reason:
        raise ExchangeError(_("Give the reason for not approving."), field="reason", code="reason")
    with transaction.atomic():
        locked = _locked(application)
        if locked.status != Application.Status.AWAITING_EMPLOYER:
            raise ExchangeError(_("This application was already decided."), code="decided")
        locked.status = (
            Application.Status.AWAITING_HOST if approve else Application.Status.EMPLOYER_REFUSED
        )
        locked.employer_decided_by = user
        locked.employer_decided_at = timezone.now()
        locked.employer_reason = reason
        locked.save(
            update_fields=[
                "status",
                "employer_decided_by",
                "employer_decided_at",
                "employer_reason",
            ]
        )
        context = {**context_of(locked), "reason": reason}
        url = locked.get_absolute_url()
        if approve:
            people = with_person(host_side(locked.placement), locked.applicant).exclude(pk=user.pk)
            notify_many(people, "exchange.employer_approved", locked, context=context, url=url)
        else:
            notify_many(
                [locked.applicant], "exchange.employer_refused", locked, context=context, url=url
            )
    return locked


def host_decide(*, application: Application, user, accept: bool, reason: str = "") -> Application:
    """Those who manage the host, or the mentor, accept (`accept` True) or decline an
    application the employer approved; `reason` is told to the applicant when declining.
    The row is locked, so of two decisions at once one counts. On acceptance, when the
    placement has on-site days and the guest may not yet book its room, the guest's
    employer is added to the room's allowed organisations
    (`spaces.services.rules.space_allow_organisation`). The applicant and the employer's admins and
    coordinators are told. Raises ExchangeError: "forbidden", "not_approved", "decided"."""
    if not permissions.can_decide_as_host(user, application.placement):
        raise ExchangeError(
            _("Only the host's admins and coordinators, or the mentor, decide."),
            code="forbidden",
        )
    with transaction.atomic():
        locked = _locked(application)
        if locked.status == Application.Status.AWAITING_EMPLOYER:
            raise ExchangeError(
                _("The applicant's employer has not approved their taking part yet."),
                code="not_approved",
            )
        if locked.status != Application.Status.AWAITING_HOST:
            raise ExchangeError(_("This application was already decided."), code="decided")
        locked.status = Application.Status.ACCEPTED if accept else Application.Status.DECLINED
        locked.host_decided_by = user
        locked.host_decided_at = timezone.now()
        locked.host_reason = reason.strip()
        locked.save(update_fields=["status", "host_decided_by", "host_decided_at", "host_reason"])
        placement = locked.placement
        if accept and placement.has_on_site_days and placement.room_id:
            room = placement.room
            if not space_permissions.can_book(locked.applicant, room):
                space_allow_organisation(space=room, organisation=locked.organisation)
        context = {**context_of(locked), "reason": locked.host_reason or "-"}
        people = with_person(managers_of(locked.organisation_id), locked.applicant).exclude(
            pk=user.pk
        )
        notify_many(
            people,
            "exchange.host_accepted" if accept else "exchange.host_declined",
            locked,
            context=context,
            url=locked.get_absolute_url(),
        )
    return locked
