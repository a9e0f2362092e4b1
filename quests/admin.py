from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cocreation.core.admin import PortalModelAdmin, PortalStackedInline, PortalTabularInline
from cocreation.core.search import keyword_search
from cocreation.organisations.models import Organisation

from .models import (
    DeskCriterion,
    DeskDepartment,
    DeskMember,
    InterviewSlot,
    Kpi,
    Milestone,
    Proposal,
    ProposalAttachment,
    ProposalDesk,
    ProposalEvent,
    ProposalMessage,
    Quest,
    QuestCoHost,
    Question,
    QuestTransition,
    ResultsReport,
    Review,
    ReviewCriterion,
    ReviewScore,
    SdgGoal,
    SdgTarget,
    SelectionStage,
    StageResult,
    TeamMember,
    Theme,
    Trial,
    TrialMeeting,
)


@admin.register(Theme)
class ThemeAdmin(PortalModelAdmin):
    list_display = ["name", "name_en", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


class SdgTargetInline(PortalTabularInline):
    model = SdgTarget
    extra = 0
    fields = ["code", "position", "text", "text_en"]


@admin.register(SdgGoal)
class SdgGoalAdmin(PortalModelAdmin):
    list_display = ["number", "name", "name_en"]
    inlines = [SdgTargetInline]


@admin.register(SdgTarget)
class SdgTargetAdmin(PortalModelAdmin):
    list_display = ["code", "goal", "text"]
    list_select_related = ["goal"]
    list_filter = ["goal"]
    search_fields = ["code", "text", "text_en"]


class CoHostInline(PortalTabularInline):
    model = QuestCoHost
    extra = 0
    autocomplete_fields = ["organisation", "approvers"]


class TeamInline(PortalTabularInline):
    model = TeamMember
    extra = 0
    autocomplete_fields = ["user", "organisation"]


class CriterionInline(PortalTabularInline):
    model = ReviewCriterion
    extra = 0


class StageInline(PortalTabularInline):
    model = SelectionStage
    extra = 0
    fields = ["kind", "position", "starts_on", "ends_on", "note"]


class TransitionInline(PortalTabularInline):
    model = QuestTransition
    extra = 0
    can_delete = False
    readonly_fields = ["from_state", "to_state", "actor", "comment", "private_note", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Quest)
class QuestAdmin(PortalModelAdmin):
    list_display = ["title", "host", "state", "proposal_deadline", "created_at"]
    # A host is searched by name or code, not listed: some 1,700 municipalities host a
    # quest at national size (a sidebar of 1,700 links, 11 ms to read them).
    list_filter = ["state", "themes"]
    # Searched through the portal's keyword index (get_search_results).
    search_fields = ["title"]
    search_help_text = _(
        "Words of the quest's text, or its host municipality's name, reading or code."
    )
    list_select_related = ["host"]
    # quest_list_newest_idx; the count of a filtered list only, not of all quests again.
    ordering = ["-created_at", "-id"]
    show_full_result_count = False
    autocomplete_fields = ["host", "reused_from", "created_by"]
    filter_horizontal = ["themes", "sdg_targets"]
    date_hierarchy = "created_at"
    exclude = ["search_text"]
    inlines = [CoHostInline, TeamInline, CriterionInline, StageInline, TransitionInline]

    def get_search_results(self, request, queryset, search_term):
        """The quests whose text holds every keyword, or whose host the keywords name,
        through the bigram index (`keyword_search`): Django's search was `icontains` over
        three long columns of every quest, 200 ms at 10,000 quests."""
        if not search_term.strip():
            return queryset, False
        texts = keyword_search(Quest.objects.all(), search_term, rank=False).values("pk")
        hosts = keyword_search(
            Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY),
            search_term,
            rank=False,
        ).values("pk")
        # A UNION of the two indexed reads: an OR of them scanned every quest.
        hosted = Quest.objects.filter(host__in=hosts).values("pk")
        return queryset.filter(pk__in=texts.union(hosted)), False


class AttachmentInline(PortalTabularInline):
    model = ProposalAttachment
    extra = 0
    readonly_fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    fields = readonly_fields


class EventInline(PortalTabularInline):
    model = ProposalEvent
    extra = 0
    can_delete = False
    readonly_fields = ["from_state", "to_state", "actor", "comment", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


class MessageInline(PortalTabularInline):
    model = ProposalMessage
    extra = 0
    readonly_fields = ["author", "body", "created_at"]


@admin.register(Proposal)
class ProposalAdmin(PortalModelAdmin):
    list_display = ["title", "quest", "company", "state", "submitted_at"]
    list_filter = ["state"]
    search_fields = ["title", "summary", "company__name", "quest__title"]
    list_select_related = ["quest", "company"]
    # Newest first by the primary key's index (submitted_at has none: sorting 50,000 rows).
    ordering = ["-id"]
    autocomplete_fields = ["quest", "company", "submitted_by", "decided_by"]
    show_full_result_count = False
    inlines = [AttachmentInline, EventInline, MessageInline]


class ScoreInline(PortalTabularInline):
    model = ReviewScore
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        self.review = obj  # an inline instance serves one request
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        review = getattr(self, "review", None)
        if db_field.name == "criterion" and review is not None:
            # The criteria of the review's quest, not those of every quest.
            kwargs["queryset"] = ReviewCriterion.objects.filter(quest__proposals__reviews=review)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Review)
class ReviewAdmin(PortalModelAdmin):
    list_display = ["proposal", "reviewer", "conflict_of_interest", "updated_at"]
    list_select_related = ["proposal", "reviewer"]
    list_filter = ["conflict_of_interest"]
    search_fields = ["proposal__title", "reviewer__email"]
    ordering = ["-id"]
    show_full_result_count = False
    autocomplete_fields = ["proposal", "reviewer"]
    inlines = [ScoreInline]


@admin.register(Question)
class QuestionAdmin(PortalModelAdmin):
    list_display = ["quest", "asked_at", "answered_at"]
    list_select_related = ["quest"]
    ordering = ["-id"]
    show_full_result_count = False
    search_fields = ["body", "answer", "quest__title"]
    autocomplete_fields = ["quest", "asked_by", "organisation", "answered_by"]


class MilestoneInline(PortalTabularInline):
    model = Milestone
    extra = 0


class MeetingInline(PortalStackedInline):
    model = TrialMeeting
    extra = 0
    autocomplete_fields = ["recorded_by"]


class KpiInline(PortalTabularInline):
    model = Kpi
    extra = 0


@admin.register(Trial)
class TrialAdmin(PortalModelAdmin):
    list_display = ["quest", "proposal", "starts_on", "ends_on"]
    list_select_related = ["quest", "proposal"]
    search_fields = ["quest__title"]
    autocomplete_fields = ["quest", "proposal"]
    inlines = [MilestoneInline, MeetingInline, KpiInline]


@admin.register(ResultsReport)
class ResultsReportAdmin(PortalModelAdmin):
    list_display = ["quest", "published_at"]
    list_select_related = ["quest"]
    search_fields = ["quest__title", "what_was_done", "outcomes"]
    autocomplete_fields = ["quest", "published_by"]


class DeskMemberInline(PortalTabularInline):
    model = DeskMember
    extra = 0
    autocomplete_fields = ["user"]


class DeskDepartmentInline(PortalTabularInline):
    model = DeskDepartment
    extra = 0
    autocomplete_fields = ["organisation", "members"]


class DeskCriterionInline(PortalTabularInline):
    model = DeskCriterion
    extra = 0


@admin.register(ProposalDesk)
class ProposalDeskAdmin(PortalModelAdmin):
    """Site admins open a desk for a municipality or a network: its texts, its staff and
    board reviewers, its departments concerned and its weighted criteria."""

    list_display = ["name", "host", "region", "is_open"]
    list_select_related = ["host", "region"]
    list_filter = ["is_open"]
    search_fields = ["name"]
    autocomplete_fields = ["host", "region", "themes"]
    inlines = [DeskMemberInline, DeskDepartmentInline, DeskCriterionInline]


@admin.register(StageResult)
class StageResultAdmin(PortalModelAdmin):
    list_display = ["proposal", "stage", "outcome", "decided_at"]
    list_select_related = ["proposal", "stage"]
    list_filter = ["outcome", "stage__kind"]
    autocomplete_fields = ["proposal", "decided_by"]
    raw_id_fields = ["stage"]


@admin.register(InterviewSlot)
class InterviewSlotAdmin(PortalModelAdmin):
    list_display = ["quest", "held_on", "starts_at", "ends_at", "place", "proposal"]
    list_select_related = ["quest", "proposal"]
    autocomplete_fields = ["quest", "proposal", "booked_by"]
    date_hierarchy = "held_on"
