"""The organisation pages: directory, organisation and region pages, joining,
registering, answering requests, changing roles, recording moves and handing roles over.
Each view states who may use it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cocreation import permissions
from cocreation.core.errors import add_to_form, refused
from cocreation.core.inputs import query_int
from cocreation.core.pages import LIST_COUNT_CAP, paginate
from cocreation.core.text import keywords_left_out

from . import holdings, selectors, services
from .errors import MembershipError
from .filters import OrganisationFilter
from .forms import (
    AnnouncementForm,
    DecisionForm,
    HandoverForm,
    MembershipRequestForm,
    MoveForm,
    NetworkAgreementForm,
    NetworkDecisionForm,
    NetworkFieldForm,
    NetworkJoinForm,
    OrganisationRegistrationForm,
    RoleForm,
)
from .models import Handover, Membership, NetworkJoinRequest, Organisation, Region

DIRECTORY_PAGE_SIZE = 30

# Membership requests a page.
REQUESTS_PAGE_SIZE = 20


@login_required
def organisation_list(request):
    """Signed-in users: the directory of organisations on the portal."""
    filterset = OrganisationFilter(request.GET, queryset=selectors.organisations_for_directory())
    listing = paginate(
        request, filterset.qs, per_page=DIRECTORY_PAGE_SIZE, count_cap=LIST_COUNT_CAP
    )
    if filterset.form.errors or not listing.understood:
        # A refused condition is left out; the person is told rather than shown
        # results that silently ignore what they asked.
        messages.warning(request, _("Part of the search was not understood and was left out."))
    if left_out := keywords_left_out(request.GET.get("q")):
        messages.warning(request, left_out)
    page = listing.page
    page.object_list = selectors.with_member_counts(page.object_list)
    return render(
        request,
        "organisations/organisation_list.html",
        {"filter": filterset, "page": page, "query": listing.query},
    )


@login_required
def organisation_detail(request, pk: int):
    """Signed-in users: an organisation; its members' names only for those allowed. An
    unverified organisation only for those who manage it and coordinators."""
    organisation = get_object_or_404(selectors.organisations_for_detail(), pk=pk)
    can_manage = permissions.can_manage_organisation(request.user, organisation)
    if (
        not organisation.is_verified
        and not can_manage
        and not permissions.is_coordinator(request.user)
    ):
        raise PermissionDenied
    can_view_members = permissions.can_view_members(request.user, organisation)
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "organisation": organisation,
            "members": selectors.organisation_members(organisation) if can_view_members else None,
            "can_manage": can_manage,
            "own_membership": selectors.open_membership(request.user, organisation),
            "role_form": RoleForm(),
            "join_form": _join_form(request),
            "pending_handovers": selectors.pending_handover_count(organisation)
            if can_manage
            else 0,
        },
    )


@login_required
def region_detail(request, slug: str):
    """Signed-in users: a region or network (e.g. こおりやま広域圏, the Yokoze–Bandai
    network): its members, the fields they lead, its agreements, coordinators and
    activity; the way to ask to join for a municipality's admins; the requests waiting,
    for those who run it."""
    region = get_object_or_404(Region, slug=slug)
    return _render_region(request, region)


def _render_region(request, region, *, failed=None, failed_id=None, field_form=None, status=200):
    """The network page; `failed` (a bound decision form of request `failed_id`) or
    `field_form` (a bound, refused field form) shown with their errors."""
    can_manage = permissions.can_manage_network(request.user, region)
    organisations = selectors.region_organisations(region)
    page = selectors.network_page(region)
    decisions = []
    if can_manage:
        decisions = [
            (
                r,
                failed
                if failed is not None and r.pk == failed_id
                else NetworkDecisionForm(prefix=f"r{r.pk}"),
            )
            for r in page["pending_requests"]
        ]
    return render(
        request,
        "organisations/region_detail.html",
        {
            "region": region,
            "organisations": organisations,
            "coordinators": selectors.region_coordinators(region),
            "can_announce": permissions.can_announce_to_region(request.user, region),
            "can_manage": can_manage,
            "agreements": page["agreements"],
            "fields": page["fields"],
            "decisions": decisions,
            "field_form": field_form
            or (NetworkFieldForm(members=organisations) if can_manage else None),
            "may_ask_to_join": bool(selectors.municipalities_to_join(request.user, region)),
        },
        status=status,
    )


@login_required
def network_join(request, slug: str):
    """Admins and coordinators of a municipality not yet in the network: ask to join."""
    region = get_object_or_404(Region, slug=slug)
    municipalities = selectors.municipalities_to_join(request.user, region)
    if not municipalities:
        raise PermissionDenied
    form = NetworkJoinForm(request.POST or None, municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        try:
            services.network_join_request(
                region=region,
                organisation=form.chosen(),
                user=request.user,
                message=form.cleaned_data["message"],
            )
        except MembershipError as error:
            add_to_form(form, error)
        else:
            messages.success(
                request,
                _("The request was sent; those who run %(network)s decide.")
                % {"network": region.name},
            )
            return redirect("organisations:region", slug=region.slug)
    return render(
        request,
        "organisations/network_join.html",
        {"region": region, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def network_decide(request, slug: str, request_id: int):
    """Those who run the network (`permissions.can_manage_network`): accept or decline a
    municipality's request to join."""
    region = get_object_or_404(Region, slug=slug)
    if not permissions.can_manage_network(request.user, region):
        raise PermissionDenied
    join = get_object_or_404(NetworkJoinRequest, pk=request_id, region=region)
    form = NetworkDecisionForm(request.POST, prefix=f"r{join.pk}")
    if not form.is_valid():
        return _render_region(request, region, failed=form, failed_id=join.pk, status=400)
    try:
        services.network_join_decide(
            request_id=join.pk,
            decider=request.user,
            accept=form.approves,
            reason=form.cleaned_data["note"],
        )
    except MembershipError as error:
        if error.code == "answered":
            return refused(request, error, "organisations:region", region.slug)
        add_to_form(form, error)
        return _render_region(request, region, failed=form, failed_id=join.pk, status=400)
    messages.success(
        request,
        (
            _("%(organisation)s joined the network.")
            if form.approves
            else _("The request of %(organisation)s was declined; it was told why.")
        )
        % {"organisation": join.organisation.name},
    )
    return redirect("organisations:region", slug=region.slug)


@login_required
def network_agreement_add(request, slug: str):
    """Those who run the network: record one of its agreements."""
    region = get_object_or_404(Region, slug=slug)
    if not permissions.can_manage_network(request.user, region):
        raise PermissionDenied
    form = NetworkAgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.network_agreement_add(region=region, user=request.user, **form.cleaned_data)
        except MembershipError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The agreement was recorded."))
            return redirect("organisations:region", slug=region.slug)
    return render(
        request,
        "organisations/network_agreement_form.html",
        {"region": region, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def network_field_add(request, slug: str):
    """Those who run the network: say which member leads which field."""
    region = get_object_or_404(Region, slug=slug)
    if not permissions.can_manage_network(request.user, region):
        raise PermissionDenied
    form = NetworkFieldForm(request.POST, members=selectors.region_organisations(region))
    if form.is_valid():
        try:
            services.network_field_add(
                region=region,
                user=request.user,
                organisation=form.chosen(),
                field=form.cleaned_data["field"],
                note=form.cleaned_data["note"],
            )
        except MembershipError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The field was added."))
            return redirect("organisations:region", slug=region.slug)
    return _render_region(request, region, field_form=form, status=400)


@login_required
@require_POST
def network_field_remove(request, slug: str, field_id: int):
    """Those who run the network: remove a field a member leads."""
    region = get_object_or_404(Region, slug=slug)
    if not permissions.can_manage_network(request.user, region):
        raise PermissionDenied
    services.network_field_remove(field_id=field_id, user=request.user)
    messages.success(request, _("The field was removed."))
    return redirect("organisations:region", slug=region.slug)


@login_required
def region_announce(request, slug: str):
    """Site admins and the region's coordinators: send an announcement to every active
    member of the region's organisations."""
    region = get_object_or_404(Region, slug=slug)
    if not permissions.can_announce_to_region(request.user, region):
        raise PermissionDenied
    form = AnnouncementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            told = services.announcement_send(region=region, user=request.user, **form.cleaned_data)
        except MembershipError as error:
            add_to_form(form, error)
        else:
            if told:
                messages.success(
                    request,
                    ngettext(
                        "The announcement was sent to %(count)d person.",
                        "The announcement was sent to %(count)d people.",
                        told,
                    )
                    % {"count": told},
                )
            else:
                messages.info(
                    request,
                    _("This announcement was already sent today; nobody was told twice."),
                )
            return redirect("organisations:region", slug=region.slug)
    return render(
        request,
        "organisations/region_announce.html",
        {"region": region, "form": form, "members": selectors.region_members(region).count()},
    )


def _join_form(request, data=None) -> MembershipRequestForm:
    return MembershipRequestForm(
        data, initial={"department": request.user.department, "position": request.user.position}
    )


@login_required
def membership_request(request, pk: int):
    """Signed-in users: ask to join a verified organisation."""
    organisation = get_object_or_404(Organisation, pk=pk, is_verified=True)
    form = _join_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_request(
                user=request.user, organisation=organisation, **form.cleaned_data
            )
        except MembershipError as error:
            add_to_form(form, error)
        else:
            messages.success(
                request,
                _("Your request to join %(name)s was sent. You will be notified of the answer.")
                % {"name": organisation.name},
            )
            return redirect("organisations:detail", pk=organisation.pk)
    return render(
        request,
        "organisations/membership_request.html",
        {"organisation": organisation, "form": form},
    )


@login_required
def organisation_register(request):
    """Signed-in users: register a company, university or NPO for a coordinator to verify."""
    form = OrganisationRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.organisation_register(user=request.user, **form.cleaned_data)
        except MembershipError as error:
            add_to_form(form, error)
        else:
            messages.success(
                request,
                _("%(name)s was registered. A coordinator will verify it and you will be notified.")
                % {"name": membership.organisation.name},
            )
            return redirect("accounts:profile")
    return render(request, "organisations/organisation_register.html", {"form": form})


@login_required
def request_list(request):
    """Organisation admins, coordinators and site admins: requests waiting for them."""
    if not permissions.can_answer_requests(request.user):
        raise PermissionDenied
    return _render_requests(request)


def _decision_form(membership_id: int, data=None) -> DecisionForm:
    # A prefix per request keeps field ids unique when many forms share the page.
    return DecisionForm(data, prefix=f"m{membership_id}")


def _render_requests(request, failed: DecisionForm | None = None, failed_id=None, status=200):
    # A page at a time: a site admin answers every pending request in the country.
    pending = selectors.pending_requests_for(request.user)
    listing = paginate(request, pending, per_page=REQUESTS_PAGE_SIZE)
    rows = list(listing.page.object_list)
    if failed is not None and all(r.pk != failed_id for r in rows):
        # The refused form's request stays in sight, whichever page it is on.
        rows[:0] = list(pending.filter(pk=failed_id))
    items = [
        (r, failed if r.pk == failed_id and failed is not None else _decision_form(r.pk))
        for r in rows
    ]
    context = {"items": items, "listing": listing}
    return render(request, "organisations/request_list.html", context, status=status)


@login_required
@require_POST
def request_decide(request, membership_id: int):
    """Whoever may decide the request (see permissions.can_decide_membership). A request
    answered meanwhile (by another decider) is refused with 409 and the list again."""
    membership = get_object_or_404(selectors.memberships_for_decision(), pk=membership_id)
    if not permissions.can_decide_membership(request.user, membership):
        raise PermissionDenied
    form = _decision_form(membership.pk, request.POST)
    if not form.is_valid():
        return _render_requests(request, failed=form, failed_id=membership.pk)
    try:
        services.membership_decide(
            membership_id=membership.pk,
            decider=request.user,
            approve=form.approves,
            note=form.cleaned_data["note"],
        )
    except MembershipError as error:
        # The request has usually left the list (answered meanwhile), so the refusal is
        # said above the list rather than next to a form.
        messages.error(request, error.message)
        return _render_requests(request, failed=form, failed_id=membership.pk, status=409)
    text = (
        _("%(person)s joined %(organisation)s.")
        if form.approves
        else _("The request of %(person)s to join %(organisation)s was declined.")
    )
    messages.success(
        request,
        text
        % {"person": membership.user.display_name, "organisation": membership.organisation.name},
    )
    # Back to the page the decision was made on (the form's address carries it).
    page = query_int(request.GET.get("page"))
    back = reverse("organisations:requests")
    return redirect(f"{back}?page={page}" if page and page > 1 else back)


@login_required
@require_POST
def member_role(request, pk: int, membership_id: int):
    """Organisation admins, its coordinators and site admins: change a member's role."""
    organisation = get_object_or_404(Organisation, pk=pk)
    if not permissions.can_manage_organisation(request.user, organisation):
        raise PermissionDenied
    membership = get_object_or_404(Membership, pk=membership_id, organisation=organisation)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return refused(request, _("Choose a valid role."), "organisations:detail", organisation.pk)
    try:
        services.membership_update_role(
            membership_id=membership.pk, actor=request.user, role=form.cleaned_data["role"]
        )
    except MembershipError as error:
        return refused(request, error, "organisations:detail", organisation.pk)
    messages.success(request, _("The role was changed."))
    return redirect("organisations:detail", pk=organisation.pk)


@login_required
def member_move(request, pk: int, membership_id: int):
    """Organisation admins, its coordinators and site admins: record a member's move
    (人事異動: another department, or leaving) and list what they hold for a successor."""
    organisation = get_object_or_404(Organisation, pk=pk)
    if not permissions.can_manage_organisation(request.user, organisation):
        raise PermissionDenied
    membership = get_object_or_404(
        Membership.objects.select_related("user"),
        pk=membership_id,
        organisation=organisation,
        status=Membership.Status.ACTIVE,
    )
    form = MoveForm(request.POST or None, initial={"moved_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            handover = services.member_move(
                membership_id=membership.pk,
                actor=request.user,
                leaves=form.cleaned_data["kind"] == MoveForm.Kind.LEFT,
                to_department=form.cleaned_data["to_department"],
                moved_on=form.cleaned_data["moved_on"],
            )
        except MembershipError as error:
            add_to_form(form, error)
        else:
            if handover is None:
                messages.success(
                    request, _("The move was recorded. The person held nothing to hand over.")
                )
                return redirect("organisations:detail", pk=organisation.pk)
            messages.success(
                request, _("The move was recorded. Choose a successor for each role below.")
            )
            return redirect("organisations:handovers", pk=organisation.pk)
    return render(
        request,
        "organisations/member_move.html",
        {
            "organisation": organisation,
            "membership": membership,
            "form": form,
            "held": [
                (holdings.title_of(h.kind), h)
                for h in holdings.holdings_of(membership.user, organisation)
            ],
        },
        status=400 if form.errors else 200,
    )


def _handover_forms(organisation, pending, data=None, failed=None):
    """(handover, form) for each pending handover; the form of `failed` (a handover id)
    is bound to `data`, the others are empty."""
    people_of = {}
    forms = []
    for handover in pending:
        if handover.person_id not in people_of:
            people_of[handover.person_id] = selectors.successor_choices(
                organisation, person=handover.person
            )
        bound = data if failed == handover.pk else None
        forms.append(
            (
                handover,
                HandoverForm(
                    bound,
                    handover=handover,
                    people=people_of[handover.person_id],
                    prefix=f"h{handover.pk}",
                ),
            )
        )
    return forms


@login_required
def handover_list(request, pk: int):
    """Organisation admins, its coordinators and site admins: the members who moved and
    what they held, to hand each role to a successor in one step; and the history."""
    organisation = get_object_or_404(Organisation, pk=pk)
    if not permissions.can_manage_organisation(request.user, organisation):
        raise PermissionDenied
    return _render_handovers(request, organisation)


def _render_handovers(request, organisation, *, data=None, failed=None, error=None):
    pending, recent = selectors.handovers_for_page(organisation)
    forms = _handover_forms(organisation, pending, data, failed)
    for handover, form in forms:
        if handover.pk == failed and error is not None:
            form.is_valid()
            add_to_form(form, error)
    return render(
        request,
        "organisations/handovers.html",
        {"organisation": organisation, "forms": forms, "recent": recent},
        status=400 if failed else 200,
    )


@login_required
@require_POST
def handover_complete(request, pk: int, handover_id: int):
    """Organisation admins, its coordinators and site admins: hand every role of one
    pending handover to the successors chosen."""
    organisation = get_object_or_404(Organisation, pk=pk)
    if not permissions.can_manage_organisation(request.user, organisation):
        raise PermissionDenied
    handover = get_object_or_404(
        Handover.objects.select_related("person"), pk=handover_id, organisation=organisation
    )
    if handover.status != Handover.Status.PENDING:
        return refused(
            request, _("This handover was already completed."), "organisations:handovers", pk
        )
    form = HandoverForm(
        request.POST,
        handover=handover,
        people=selectors.successor_choices(organisation, person=handover.person),
        prefix=f"h{handover.pk}",
    )
    if not form.is_valid():
        return _render_handovers(request, organisation, data=request.POST, failed=handover.pk)
    try:
        services.handover_complete(
            handover_id=handover.pk, actor=request.user, choices=form.choices()
        )
    except MembershipError as error:
        if error.code == "answered":
            return refused(request, error, "organisations:handovers", pk)
        return _render_handovers(
            request, organisation, data=request.POST, failed=handover.pk, error=error
        )
    messages.success(
        request,
        _("The roles of %(name)s were handed over; the successors were told.")
        % {"name": handover.person.display_name},
    )
    return redirect("organisations:handovers", pk=organisation.pk)
