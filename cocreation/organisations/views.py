from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cocreation import permissions
from cocreation.core.inputs import query_int

from . import selectors, services
from .filters import OrganisationFilter
from .forms import DecisionForm, MembershipRequestForm, OrganisationRegistrationForm, RoleForm
from .models import Membership, Organisation, Region


@login_required
def organisation_list(request):
    """Signed-in users: the directory of organisations on the portal."""
    filterset = OrganisationFilter(request.GET, queryset=selectors.organisations_for_directory())
    raw_page = request.GET.get("page")
    page_number = query_int(raw_page)
    if filterset.form.errors or (raw_page and page_number is None):
        # A refused condition is left out; the person is told rather than shown
        # results that silently ignore what they asked.
        messages.warning(request, _("Part of the search was not understood and was left out."))
    page = Paginator(filterset.qs, 30).get_page(page_number or 1)
    page.object_list = selectors.with_member_counts(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "organisations/organisation_list.html",
        {"filter": filterset, "page": page, "query": query.urlencode()},
    )


@login_required
def organisation_detail(request, pk: int):
    """Signed-in users: an organisation; its members' names only for those allowed."""
    organisation = get_object_or_404(
        Organisation.objects.prefetch_related("regions", "domains"), pk=pk
    )
    if (
        not organisation.is_verified
        and not permissions.can_manage_organisation(request.user, organisation)
        and not permissions.is_coordinator(request.user)
    ):
        raise PermissionDenied
    can_view_members = permissions.can_view_members(request.user, organisation)
    own = (
        selectors.memberships_of(request.user)
        .filter(organisation=organisation, status__in=["pending", "active"])
        .first()
    )
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "organisation": organisation,
            "members": selectors.organisation_members(organisation) if can_view_members else None,
            "can_manage": permissions.can_manage_organisation(request.user, organisation),
            "own_membership": own,
            "role_form": RoleForm(),
            "join_form": MembershipRequestForm(
                initial={"department": request.user.department, "position": request.user.position}
            ),
        },
    )


@login_required
def region_detail(request, slug: str):
    """Signed-in users: a region (e.g. こおりやま広域圏), its members and its coordinators."""
    region = get_object_or_404(Region, slug=slug)
    return render(
        request,
        "organisations/region_detail.html",
        {
            "region": region,
            "organisations": selectors.region_organisations(region),
            "coordinators": selectors.region_coordinators(region),
        },
    )


@login_required
def membership_request(request, pk: int):
    """Signed-in users: ask to join an organisation."""
    organisation = get_object_or_404(Organisation, pk=pk, is_verified=True)
    form = MembershipRequestForm(
        request.POST or None,
        initial={"department": request.user.department, "position": request.user.position},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_request(
                user=request.user, organisation=organisation, **form.cleaned_data
            )
        except services.MembershipError as error:
            form.add_error(None, str(error))
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
        except services.MembershipError as error:
            form.add_error("name", str(error))
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
    if not (
        permissions.is_site_admin(request.user)
        or permissions.is_coordinator(request.user)
        or any(
            m.role == Membership.Role.ADMIN for m in permissions.active_memberships(request.user)
        )
    ):
        raise PermissionDenied
    return _render_requests(request)


def _decision_form(membership_id: int, data=None) -> DecisionForm:
    # A prefix per request keeps field ids unique when many forms share the page.
    return DecisionForm(data, prefix=f"m{membership_id}")


def _render_requests(request, failed: DecisionForm | None = None, failed_id=None, status=200):
    items = [
        (r, failed if r.pk == failed_id and failed is not None else _decision_form(r.pk))
        for r in selectors.pending_requests_for(request.user)
    ]
    return render(request, "organisations/request_list.html", {"items": items}, status=status)


@login_required
@require_POST
def request_decide(request, membership_id: int):
    """Whoever may decide the request (see permissions.can_decide_membership)."""
    membership = get_object_or_404(
        Membership.objects.select_related("organisation", "user"), pk=membership_id
    )
    if not permissions.can_decide_membership(request.user, membership):
        raise PermissionDenied
    form = _decision_form(membership.pk, request.POST)
    if form.is_valid():
        try:
            services.membership_decide(
                membership_id=membership.pk,
                decider=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
        except services.MembershipError as error:
            messages.error(request, str(error))
        else:
            text = (
                _("%(person)s joined %(organisation)s.")
                if form.cleaned_data["decision"] == "approve"
                else _("The request of %(person)s to join %(organisation)s was declined.")
            )
            messages.success(
                request,
                text
                % {
                    "person": membership.user.display_name,
                    "organisation": membership.organisation.name,
                },
            )
            return redirect("organisations:requests")
    return _render_requests(
        request, failed=form, failed_id=membership.pk, status=409 if form.is_valid() else 200
    )


@login_required
@require_POST
def member_role(request, pk: int, membership_id: int):
    """Organisation admins, its coordinators and site admins: change a member's role."""
    organisation = get_object_or_404(Organisation, pk=pk)
    if not permissions.can_manage_organisation(request.user, organisation):
        raise PermissionDenied
    membership = get_object_or_404(Membership, pk=membership_id, organisation=organisation)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.membership_update_role(
                membership_id=membership.pk, actor=request.user, role=form.cleaned_data["role"]
            )
        except services.MembershipError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The role was changed."))
    else:
        messages.error(request, _("Choose a valid role."))
    return redirect("organisations:detail", pk=organisation.pk)
