from django.contrib import admin

from cocreation.core.admin import PortalModelAdmin

from .models import Application, LogEntry, Placement, Report


@admin.register(Placement)
class PlacementAdmin(PortalModelAdmin):
    list_display = ["title", "host", "department", "starts_on", "ends_on", "mode", "status"]
    list_select_related = ["host"]
    list_filter = ["status", "mode"]
    search_fields = ["title", "department", "host__name"]
    raw_id_fields = ["host", "room", "mentor", "offered_by"]


@admin.register(Application)
class ApplicationAdmin(PortalModelAdmin):
    list_display = ["placement", "applicant", "organisation", "status", "created_at"]
    list_select_related = ["placement__host", "applicant", "organisation"]
    list_filter = ["status"]
    search_fields = ["=applicant__email", "placement__title"]
    raw_id_fields = [
        "placement",
        "applicant",
        "organisation",
        "employer_decided_by",
        "host_decided_by",
    ]


@admin.register(LogEntry)
class LogEntryAdmin(PortalModelAdmin):
    list_display = ["application", "author", "iso_year", "iso_week", "created_at"]
    list_select_related = ["application__placement__host", "application__applicant", "author"]
    raw_id_fields = ["application", "author"]


@admin.register(Report)
class ReportAdmin(PortalModelAdmin):
    list_display = ["application", "author", "published_at"]
    list_select_related = ["application__placement__host", "application__applicant", "author"]
    raw_id_fields = ["application", "author", "published_by"]
