"""Placements: the list, offering one, its page, closing it, and the exchange dashboard."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cocreation.core.errors import add_to_form, refused
from cocreation.core.pages import paginate

from .. import permissions
from ..errors import ExchangeError
from ..forms.placements import PlacementForm
from ..selectors import placements as selectors
from ..services import placements as services


def visible_placement(request, pk: int):
    """The placement `pk` if the user may see it; 404 otherwise (so that its existence
    does not leak)."""
    placement = selectors.placement_by_pk(pk)
    if placement is None or not permissions.can_view_placement(request.user, placement):
        raise Http404
    return placement


@login_required
def placement_list(request):
    """Everyone signed in: the placements they may see (municipal staff of the hosts and of
    their network partners; those who manage a host); others see an empty list."""
    listing = paginate(request, selectors.visible_placements(request.user), per_page=20)
    return render(
        request,
        "exchange/placement_list.html",
        {"listing": listing, "can_offer": permissions.can_offer(request.user)},
    )


@login_required
def placement_offer(request):
    """Admins and coordinators of a municipality (and coordinators of its regions, site
    admins): offer a placement."""
    if not permissions.can_offer(request.user):
        raise PermissionDenied
    own = permissions.own_managed_municipality(request.user)
    form = PlacementForm(
        request.POST or None,
        municipalities=permissions.managed_municipalities(request.user),
        initial={"host": own} if own is not None else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            placement = services.placement_offer(user=request.user, **data)
        except ExchangeError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The placement was offered."))
            return redirect(placement)
    return render(request, "exchange/placement_offer.html", {"form": form})


@login_required
def placement_detail(request, pk: int):
    """Municipal staff of the host and of its network partners, those who manage the
    host, site admins: the placement; the host side also sees its applications."""
    placement = visible_placement(request, pk)
    applications = selectors.applications_shown(request.user, placement)
    own = [a for a in applications if a.applicant_id == request.user.pk]
    return render(
        request,
        "exchange/placement_detail.html",
        {
            "placement": placement,
            "applications": applications,
            "can_apply": permissions.can_apply(request.user, placement) and not own,
            "host_side": permissions.can_decide_as_host(request.user, placement),
            "can_manage": permissions.can_manage(request.user, placement.host),
        },
    )


@login_required
@require_POST
def placement_close(request, pk: int):
    """Those who manage the host: close the placement to new applications."""
    placement = visible_placement(request, pk)
    try:
        services.placement_close(placement=placement, user=request.user)
    except ExchangeError as error:
        return refused(request, error, placement)
    messages.success(request, _("The placement no longer takes applications."))
    return redirect(placement)


@login_required
def dashboard(request):
    """Admins and coordinators of a municipality (coordinators of its regions, site
    admins): their placements as host, and their staff's placements elsewhere."""
    if not permissions.can_see_dashboard(request.user):
        raise PermissionDenied
    return render(request, "exchange/dashboard.html", selectors.dashboard(request.user))
