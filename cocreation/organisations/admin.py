from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cocreation.core.admin import PortalModelAdmin, PortalTabularInline

from . import services
from .errors import MembershipError
from .models import Handover, HandoverItem, Membership, Organisation, OrganisationDomain, Region


class OrganisationDomainInline(PortalTabularInline):
    model = OrganisationDomain
    extra = 1


@admin.register(Region)
class RegionAdmin(PortalModelAdmin):
    list_display = ("name", "slug", "organisation_count")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(number_of_organisations=models.Count("organisations", distinct=True))
        )

    @admin.display(description=_("organisations"), ordering="number_of_organisations")
    def organisation_count(self, obj):
        return obj.number_of_organisations


@admin.register(Organisation)
class OrganisationAdmin(PortalModelAdmin):
    list_display = ("name", "kind", "prefecture", "local_government_code", "is_verified")
    list_filter = ("kind", "prefecture", "regions", "is_verified")
    search_fields = ("name", "name_kana", "local_government_code", "domains__domain")
    filter_horizontal = ("regions",)
    inlines = [OrganisationDomainInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Membership)
class MembershipAdmin(PortalModelAdmin):
    list_display = ("user", "organisation", "role", "status", "created_at", "decided_by")
    list_select_related = ("user", "organisation", "decided_by")
    show_full_result_count = False
    # Newest first by the primary key's index (created_at has none).
    ordering = ("-id",)
    list_filter = ("status", "role", "organisation__kind", "joined_by_domain")
    search_fields = ("user__email", "user__family_name", "organisation__name")
    autocomplete_fields = ("user", "organisation")
    readonly_fields = ("decided_by", "decided_at", "created_at", "joined_by_domain")
    actions = ["approve_requests", "decline_requests"]

    def save_model(self, request, obj, form, change):
        before = (
            Membership.objects.filter(pk=obj.pk).values("status", "department").first()
            if change
            else None
        )
        super().save_model(request, obj, form, change)
        if before:
            # Leaving or a new department set here is a move too: list what to hand over.
            services.membership_changed_by_admin(membership=obj, before=before, actor=request.user)

    def _decide(self, request, queryset, approve: bool):
        done, refused = 0, []
        for membership in queryset.filter(status=Membership.Status.PENDING):
            try:
                services.membership_decide(
                    membership_id=membership.pk,
                    decider=request.user,
                    approve=approve,
                    note="" if approve else str(_("Declined by the portal administrators.")),
                )
                done += 1
            except MembershipError as error:
                refused.append(f"{membership}: {error}")
        if done:
            self.message_user(
                request,
                ngettext("%(count)d request answered.", "%(count)d requests answered.", done)
                % {"count": done},
                messages.SUCCESS,
            )
        for line in refused:
            self.message_user(request, line, messages.WARNING)

    @admin.action(description=_("Approve selected requests"))
    def approve_requests(self, request, queryset):
        self._decide(request, queryset, approve=True)

    @admin.action(description=_("Decline selected requests"))
    def decline_requests(self, request, queryset):
        self._decide(request, queryset, approve=False)


class HandoverItemInline(PortalTabularInline):
    model = HandoverItem
    extra = 0
    fields = ("kind", "object_id", "label", "successor", "kept", "handed_at")
    readonly_fields = ("kind", "object_id", "label", "successor", "kept", "handed_at")
    can_delete = False


@admin.register(Handover)
class HandoverAdmin(PortalModelAdmin):
    """The history of who held what when they moved; handing over is done on the
    organisation's handover page, which moves the roles themselves."""

    list_display = ("person", "organisation", "reason", "moved_on", "status", "completed_at")
    list_select_related = ("person", "organisation")
    list_filter = ("status", "reason")
    search_fields = ("person__email", "organisation__name")
    readonly_fields = (
        "organisation",
        "person",
        "reason",
        "from_department",
        "to_department",
        "moved_on",
        "status",
        "recorded_by",
        "created_at",
        "completed_at",
        "completed_by",
    )
    inlines = [HandoverItemInline]

    def has_add_permission(self, request):
        return False
