from django.contrib import admin

from cocreation.core.admin import PortalModelAdmin, PortalTabularInline

from .models import (
    Attendance,
    Cohort,
    Deliverable,
    ExchangeMeeting,
    Field,
    MeetingRegistration,
    MeetingSurveyResponse,
    Member,
    Outcome,
    Phase,
    PresentationSlot,
    Programme,
    Session,
    Submission,
    SurveyResponse,
    Team,
)
from .services.outcomes import outcome_search_refresh


@admin.register(Programme)
class ProgrammeAdmin(PortalModelAdmin):
    list_display = ["name", "organiser"]
    list_select_related = ["organiser"]
    search_fields = ["name"]
    autocomplete_fields = ["organiser"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # The organiser's name is searched in the outcome archive.
        outcome_search_refresh(cohorts=obj.cohorts.all())


class FieldInline(PortalTabularInline):
    model = Field
    extra = 0


class PhaseInline(PortalTabularInline):
    model = Phase
    extra = 0


class TeamInline(PortalTabularInline):
    model = Team
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        self.cohort = obj  # an inline instance serves one request
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "field":
            # The cohort's own fields (a new cohort's are saved with it, then chosen),
            # not the 600 of every cohort.
            cohort = getattr(self, "cohort", None)
            kwargs["queryset"] = (
                Field.objects.filter(cohort=cohort) if cohort is not None else Field.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Cohort)
class CohortAdmin(PortalModelAdmin):
    list_display = ["title", "programme", "fiscal_year", "size", "is_published"]
    list_select_related = ["programme"]
    list_filter = ["programme", "fiscal_year", "is_published"]
    search_fields = ["title", "theme"]
    autocomplete_fields = ["coordinators", "reviewers", "organisations"]
    inlines = [FieldInline, PhaseInline, TeamInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The title and the names of the fields and teams are searched in the archive.
        outcome_search_refresh(cohorts=[form.instance.pk])


@admin.register(Member)
class MemberAdmin(PortalModelAdmin):
    list_display = ["user", "cohort", "organisation", "status", "team", "team_role", "cohort_role"]
    list_select_related = ["user", "cohort", "organisation", "team__field"]
    list_filter = ["cohort", "status", "team_role", "cohort_role"]
    search_fields = ["user__email", "user__family_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation", "decided_by"]
    raw_id_fields = ["team"]
    show_full_result_count = False
    # Newest first by the primary key's index (the model's order joins the teams).
    ordering = ["-id"]


class PresentationInline(PortalTabularInline):
    model = PresentationSlot
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("team__field")

    def get_formset(self, request, obj=None, **kwargs):
        self.session = obj  # an inline instance serves one request
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        session = getattr(self, "session", None)
        if db_field.name == "team":
            # The teams of the session's cohort (every team before the session is saved),
            # with their fields, which their labels name.
            teams = Team.objects.select_related("field")
            if session is not None:
                teams = teams.filter(cohort_id=session.cohort_id)
            kwargs["queryset"] = teams
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Session)
class SessionAdmin(PortalModelAdmin):
    list_display = ["title", "cohort", "team", "kind", "starts_at"]
    list_select_related = ["cohort", "team__field"]
    list_filter = ["cohort", "kind"]
    search_fields = ["title", "content", "lecturer"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["booking"]
    raw_id_fields = ["team"]
    show_full_result_count = False
    inlines = [PresentationInline]


@admin.register(Attendance)
class AttendanceAdmin(PortalModelAdmin):
    list_display = ["session", "member", "status"]
    list_select_related = ["session", "member__user", "member__organisation"]
    list_filter = ["status"]
    autocomplete_fields = ["session", "member", "recorded_by"]
    show_full_result_count = False
    ordering = ["-id"]


@admin.register(Deliverable)
class DeliverableAdmin(PortalModelAdmin):
    list_display = ["title", "cohort", "kind", "due_at"]
    list_select_related = ["cohort"]
    list_filter = ["cohort", "kind"]
    # A few per cohort: the deadlines by year and month read a small table.
    date_hierarchy = "due_at"


@admin.register(Submission)
class SubmissionAdmin(PortalModelAdmin):
    list_display = ["deliverable", "team", "version", "is_late", "uploaded_at"]
    list_select_related = ["deliverable", "team__field"]
    list_filter = ["is_late"]
    raw_id_fields = ["deliverable", "team"]
    readonly_fields = ["file", "original_name", "size", "uploaded_by", "uploaded_at"]


@admin.register(Outcome)
class OutcomeAdmin(PortalModelAdmin):
    list_display = ["proposal_title", "team", "quest"]
    list_select_related = ["team__field", "quest"]
    search_fields = ["proposal_title", "summary"]
    autocomplete_fields = ["quest"]
    raw_id_fields = ["team"]


@admin.register(SurveyResponse)
class SurveyResponseAdmin(PortalModelAdmin):
    list_display = ["session", "member", "rating"]
    list_select_related = ["session", "member__user", "member__organisation"]
    autocomplete_fields = ["session", "member"]
    show_full_result_count = False


class MeetingRegistrationInline(PortalTabularInline):
    model = MeetingRegistration
    extra = 0
    autocomplete_fields = ["user", "organisation"]


@admin.register(ExchangeMeeting)
class ExchangeMeetingAdmin(PortalModelAdmin):
    list_display = ["title", "region", "field", "starts_at", "capacity"]
    list_select_related = ["region"]
    list_filter = ["region"]
    search_fields = ["title", "field"]
    autocomplete_fields = ["organiser"]
    inlines = [MeetingRegistrationInline]


@admin.register(MeetingSurveyResponse)
class MeetingSurveyResponseAdmin(PortalModelAdmin):
    list_display = ["meeting", "user", "rating"]
    list_select_related = ["meeting", "user"]
    autocomplete_fields = ["meeting", "user"]
    show_full_result_count = False
