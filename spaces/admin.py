"""The spaces in Django's admin. Every admin form gets the portal's input rules
(PortalModelForm), so the admin refuses what the site refuses."""

from django.contrib import admin

from cocreation.core.admin import PortalModelAdmin, PortalTabularInline

from .forms import SpaceAdminForm
from .models import Booking, BookingSeries, Closure, OpeningHours, Space


class OpeningHoursInline(PortalTabularInline):
    model = OpeningHours
    extra = 0


class ClosureInline(PortalTabularInline):
    model = Closure
    extra = 0


@admin.register(Space)
class SpaceAdmin(PortalModelAdmin):
    form = SpaceAdminForm
    list_display = ["name", "building", "host", "capacity", "opens_on", "closes_on", "is_active"]
    list_filter = ["is_active", "host"]
    search_fields = ["name", "building", "address"]
    autocomplete_fields = ["host", "coordinators", "allowed_organisations", "allowed_quests"]
    filter_horizontal = ["allowed_regions"]
    inlines = [OpeningHoursInline, ClosureInline]


@admin.register(Booking)
class BookingAdmin(PortalModelAdmin):
    list_display = ["space", "starts_at", "ends_at", "kind", "status", "user", "purpose"]
    list_filter = ["space", "kind", "status"]
    search_fields = ["purpose", "user__email", "space__name"]
    date_hierarchy = "starts_at"
    list_select_related = ["space", "user"]
    autocomplete_fields = ["space", "user", "quest", "status_changed_by"]
    readonly_fields = ["series", "created_at", "status_changed_at"]


@admin.register(BookingSeries)
class BookingSeriesAdmin(PortalModelAdmin):
    list_display = ["space", "user", "kind", "purpose", "created_at"]
    search_fields = ["purpose", "user__email"]
    autocomplete_fields = ["space", "user"]
