"""Quests: a municipality's issue, the companies' proposals, the review, the trial, the results.

State rules live in services/; the database holds the invariants that must survive
concurrent requests (one live proposal per company and quest, one review per reviewer,
one trial per quest, scores in range).
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Deferrable, F, Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cocreation.core.inputs import (
    validate_date,
    validate_multiline,
    validate_single_line,
    window_constraint,
)
from cocreation.core.search import BigramVectorField, SearchDocument, keep_search_columns
from cocreation.core.storage import private_files
from cocreation.organisations.models import Organisation

# The zone the interview slots' dates and times are in (the site's).
JST = ZoneInfo("Asia/Tokyo")


class LocalisedName(models.Model):
    """Data shown in both languages: Japanese in `name`, English in `name_en`."""

    name = models.CharField(_("name (Japanese)"), max_length=200, validators=[validate_single_line])
    name_en = models.CharField(
        _("name (English)"), max_length=200, blank=True, validators=[validate_single_line]
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if (get_language() or "ja").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class Theme(LocalisedName):
    """A field a quest works in (食品ロス, DX, 子育て…); edited by site admins."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["order", "slug"]


class SdgGoal(LocalisedName):
    number = models.PositiveSmallIntegerField(
        _("number"), unique=True, validators=[MinValueValidator(1), MaxValueValidator(17)]
    )

    class Meta:
        verbose_name = _("SDG goal")
        verbose_name_plural = _("SDG goals")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.display_name}"


class SdgTarget(models.Model):
    """One of the 169 targets, e.g. 8.3 or 17.17 (seeded from quests/data/sdg_targets.csv)."""

    goal = models.ForeignKey(
        SdgGoal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="targets"
    )
    code = models.CharField(_("code"), max_length=6, unique=True, validators=[validate_single_line])
    position = models.PositiveSmallIntegerField(_("position within the goal"))
    text = models.TextField(_("text (Japanese)"), validators=[validate_multiline])
    text_en = models.TextField(_("text (English)"), blank=True, validators=[validate_multiline])

    class Meta:
        verbose_name = _("SDG target")
        verbose_name_plural = _("SDG targets")
        ordering = ["goal__number", "position"]

    def __str__(self) -> str:
        return f"{self.code} {self.display_text}"

    @property
    def display_text(self) -> str:
        if (get_language() or "ja").startswith("en") and self.text_en:
            return self.text_en
        return self.text


# The quest fields the keyword filter searches, in order, the title first (the data
# migrations that recompute `search_text` read the same list).
QUEST_SEARCH_FIELDS = ("title", "summary", "background", "affected", "tried", "outcome_sought")


def quest_search_text(quest) -> str:
    """What the keyword filter (selectors.quests.filter_by_keywords) searches for `quest`
    (a Quest, or a migration's historical Quest): its `QUEST_SEARCH_FIELDS`, normalised by
    `cocreation.core.text.normalise_for_search`, the normaliser every search of the portal
    uses."""
    return quest_search_document(quest).text


def quest_search_document(quest) -> SearchDocument:
    """The search document (`cocreation.core.search`) of `quest` (a Quest or a historical
    one): its `QUEST_SEARCH_FIELDS`, the title ranking first."""
    return SearchDocument.from_parts([getattr(quest, name) for name in QUEST_SEARCH_FIELDS])


def quest_search_documents(quests):
    """(pk, document) of each quest of `quests` (a queryset, live or historical), in one
    query; registered with `cocreation.core.search` for `reindex_search`."""
    for pk, *values in quests.values_list("pk", *QUEST_SEARCH_FIELDS):
        yield pk, SearchDocument.from_parts(values)


class Quest(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for proposals")
        SELECTING = "selecting", _("Selecting")
        IN_TRIAL = "in_trial", _("In trial")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    class Offer(models.TextChoices):
        TEST_FIELD = "test_field", _("A field for testing")
        DATA = "data", _("Data")
        PUBLICITY = "publicity", _("Publicity")
        VENUE = "venue", _("A venue")
        BUDGET = "budget", _("Budget")

    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    summary = models.TextField(_("summary"), max_length=1000, validators=[validate_multiline])
    background = models.TextField(_("background of the issue"), validators=[validate_multiline])
    affected = models.TextField(_("who is affected"), blank=True, validators=[validate_multiline])
    tried = models.TextField(_("what has been tried"), blank=True, validators=[validate_multiline])
    outcome_sought = models.TextField(_("outcome sought"), validators=[validate_multiline])
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), related_name="quests", blank=True
    )
    sdg_targets = models.ManyToManyField(
        SdgTarget, verbose_name=_("SDG targets"), related_name="quests", blank=True
    )
    host = models.ForeignKey(
        Organisation,
        verbose_name=_("host municipality"),
        on_delete=models.PROTECT,
        related_name="hosted_quests",
        limit_choices_to={"kind": Organisation.Kind.MUNICIPALITY},
    )
    offers = ArrayField(
        models.CharField(max_length=20, choices=Offer.choices),
        verbose_name=_("what the municipality offers"),
        default=list,
        blank=True,
    )
    offer_details = models.TextField(
        _("details of what is offered"), blank=True, validators=[validate_multiline]
    )
    proposal_deadline = models.DateField(
        _("proposal deadline"), null=True, blank=True, validators=[validate_date]
    )
    trial_starts_on = models.DateField(
        _("planned trial start"), null=True, blank=True, validators=[validate_date]
    )
    trial_ends_on = models.DateField(
        _("planned trial end"), null=True, blank=True, validators=[validate_date]
    )
    contact_name = models.CharField(
        _("contact person"), max_length=100, blank=True, validators=[validate_single_line]
    )
    contact_department = models.CharField(
        _("contact department"), max_length=200, blank=True, validators=[validate_single_line]
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(
        _("contact phone"), max_length=30, blank=True, validators=[validate_single_line]
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    reused_from = models.ForeignKey(
        "self",
        verbose_name=_("reused from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reuses",
    )
    # The searched fields in the one search form, their bigrams with a GIN index and the
    # title's bigrams (cocreation.core.search): the keyword filter's exact recheck, its
    # index and its rank; kept by save(), so no trigram extension is needed.
    search_text = models.TextField(editable=False, blank=True, default="")
    search_bigrams = BigramVectorField(editable=False, blank=True, default="")
    search_title_bigrams = BigramVectorField(editable=False, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    opened_at = models.DateTimeField(_("opened for proposals at"), null=True, blank=True)

    class Meta:
        verbose_name = _("quest")
        verbose_name_plural = _("quests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(trial_starts_on__isnull=True)
                | Q(trial_ends_on__isnull=True)
                | Q(trial_ends_on__gte=F("trial_starts_on")),
                name="quests_trial_period_ordered",
                violation_error_message=_("The trial cannot end before it starts."),
            ),
            window_constraint("proposal_deadline"),
            window_constraint("trial_starts_on"),
            window_constraint("trial_ends_on"),
        ]
        indexes = [
            models.Index(fields=["state", "proposal_deadline"]),
            # The quest list's order (newest first), read a page at a time.
            models.Index(fields=["-created_at", "-id"], name="quest_list_newest_idx"),
            # The keyword search (cocreation.core.search).
            GinIndex(fields=["search_bigrams"], name="quest_search_bigrams_idx"),
            # "Municipalities hosting a public quest" (the dashboards): an index-only probe
            # per municipality instead of reading every quest's wide row.
            models.Index(fields=["host", "state"], name="quest_host_state_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # The keyword index is derived data: keep it in step with every save.
        keep_search_columns(self, quest_search_document(self), kwargs)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("quests:detail", args=[self.pk])


class QuestCoHost(models.Model):
    """A further municipality hosting the quest, with its own approvers."""

    quest = models.ForeignKey(
        Quest, verbose_name=_("quest"), on_delete=models.CASCADE, related_name="co_hosts"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("co-host municipality"),
        on_delete=models.PROTECT,
        related_name="co_hosted_quests",
        limit_choices_to={"kind": Organisation.Kind.MUNICIPALITY},
    )
    approvers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approvers"),
        related_name="quest_co_host_approvals",
        blank=True,
    )

    class Meta:
        verbose_name = _("co-host")
        verbose_name_plural = _("co-hosts")
        constraints = [
            models.UniqueConstraint(fields=["quest", "organisation"], name="quests_cohost_once")
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class QuestTransition(models.Model):
    """The audit trail of a quest's states: who moved it, when, and why."""

    quest = models.ForeignKey(
        Quest, verbose_name=_("quest"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_state = models.CharField(_("from"), max_length=20, choices=Quest.State.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=Quest.State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    # Shown on the quest's page to everyone (the form says so).
    comment = models.TextField(_("public comment"), blank=True, validators=[validate_multiline])
    # Shown only to those who may edit the quest (its team, host staff, coordinators).
    private_note = models.TextField(
        _("note for the team"), blank=True, validators=[validate_multiline]
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.quest_id}: {self.from_state} → {self.to_state}"


class TeamMember(models.Model):
    """A municipal employee on the quest team, for the municipality they work for."""

    class Role(models.TextChoices):
        LEADER = "leader", _("Leader")
        MEMBER = "member", _("Member")

    quest = models.ForeignKey(
        Quest, verbose_name=_("quest"), on_delete=models.CASCADE, related_name="team"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="quest_teams",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["role", "joined_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["quest", "user"], name="quests_team_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation})"


class ReviewCriterion(models.Model):
    quest = models.ForeignKey(
        Quest, verbose_name=_("quest"), on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(_("criterion"), max_length=200, validators=[validate_single_line])
    description = models.TextField(
        _("what reviewers look for"), blank=True, validators=[validate_multiline]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # Points the criterion carries (Urban Innovation JAPAN style: five criteria of 20 points
    # make 100); a score of 5 earns them all. Published with the quest.
    weight = models.PositiveSmallIntegerField(
        _("points"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("The points this criterion carries; a score of 5 earns them all."),
    )

    class Meta:
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100),
                name="quests_criterion_weight_1_to_100",
                violation_error_message=_("Give a criterion from 1 to 100 points."),
            ),
            # Deferred to the end of the transaction, so that two criteria may swap names
            # in one save (criteria_update checks it before it returns).
            models.UniqueConstraint(
                fields=["quest", "name"],
                name="quests_criterion_name_once",
                deferrable=Deferrable.DEFERRED,
                violation_error_message=_("A criterion with this name already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Proposal(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        ON_HOLD = "on_hold", _("On hold")
        ADOPTED = "adopted", _("Adopted")
        NOT_ADOPTED = "not_adopted", _("Not adopted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # What the company writes, in the order the form asks it: the one list the proposal
    # form, its save service and its submit button share.
    WRITTEN_FIELDS = (
        "title",
        "summary",
        "approach",
        "company_brings",
        "needs_from_municipality",
        "expected_results",
        "measurement",
        "schedule",
        "confidential",
    )
    # The states a decision may set, and those a proposal may be decided in (a proposal
    # on hold is decided again).
    DECISIONS = (State.ADOPTED, State.NOT_ADOPTED, State.ON_HOLD)
    DECIDABLE_STATES = (State.SUBMITTED, State.UNDER_REVIEW, State.ON_HOLD)
    # What the team's proposal list searches: everything the company writes, the title
    # first. The confidential part is searched too: the list shows only proposals the
    # viewer may open (permissions.visible_proposals), and whoever may open a proposal
    # reads its confidential part (the proposing company, the quest team, the region's
    # coordinators, site admins; see permissions.can_view_proposal).
    SEARCH_FIELDS = WRITTEN_FIELDS

    quest = models.ForeignKey(
        Quest, verbose_name=_("quest"), on_delete=models.PROTECT, related_name="proposals"
    )
    company = models.ForeignKey(
        Organisation,
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="quest_proposals",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="quest_proposals",
    )
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    summary = models.TextField(_("summary"), validators=[validate_multiline])
    approach = models.TextField(_("approach"), validators=[validate_multiline])
    company_brings = models.TextField(_("what the company brings"), validators=[validate_multiline])
    needs_from_municipality = models.TextField(
        _("what the company needs from the municipality"), validators=[validate_multiline]
    )
    expected_results = models.TextField(_("expected results"), validators=[validate_multiline])
    measurement = models.TextField(
        _("how results would be measured"), validators=[validate_multiline]
    )
    schedule = models.TextField(_("schedule"), validators=[validate_multiline])
    confidential = models.TextField(
        _("confidential part"),
        blank=True,
        help_text=_(
            "Read by the proposing company, the quest team, the host region's coordinators "
            "and site admins; never published."
        ),
        validators=[validate_multiline],
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    decision_reason = models.TextField(
        _("reason for the decision"), blank=True, validators=[validate_multiline]
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    public_summary = models.TextField(
        _("public summary"), blank=True, validators=[validate_multiline]
    )
    public_summary_agreed_at = models.DateTimeField(
        _("company agreed to the public summary at"), null=True, blank=True
    )
    public_summary_published_at = models.DateTimeField(
        _("public summary published at"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # SEARCH_FIELDS in the one search form, their bigrams and the title's
    # (cocreation.core.search), kept by save().
    search_text = models.TextField(editable=False, blank=True, default="")
    search_bigrams = BigramVectorField(editable=False, blank=True, default="")
    search_title_bigrams = BigramVectorField(editable=False, blank=True, default="")

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-submitted_at", "-created_at", "-id"]
        indexes = [
            # "My proposals": a company's proposals, latest change first.
            models.Index(fields=["company", "-updated_at", "-id"], name="proposal_mine_idx"),
            # The keyword search of the team's proposal list (cocreation.core.search).
            GinIndex(fields=["search_bigrams"], name="proposal_search_bigrams_idx"),
        ]
        constraints = [
            # One live proposal per company and quest; a withdrawn one may be followed by another.
            models.UniqueConstraint(
                fields=["quest", "company"],
                condition=~Q(state="withdrawn"),
                name="quests_one_live_proposal_per_company",
                violation_error_message=_("Your company already has a proposal for this quest."),
            ),
            models.CheckConstraint(
                condition=Q(public_summary_published_at__isnull=True)
                | Q(public_summary_agreed_at__isnull=False, state="adopted"),
                name="quests_public_summary_needs_agreement",
                violation_error_message=_(
                    "A public summary is published only for an adopted proposal, "
                    "after the company agreed."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # The keyword index is derived data: keep it in step with every save.
        keep_search_columns(self, proposal_search_document(self), kwargs)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("quests:proposal_detail", args=[self.quest_id, self.pk])


def proposal_search_document(proposal) -> SearchDocument:
    """The search document (`cocreation.core.search`) of `proposal` (a Proposal or a
    migration's historical one): its `Proposal.SEARCH_FIELDS`, the title ranking first."""
    return SearchDocument.from_parts([getattr(proposal, name) for name in Proposal.SEARCH_FIELDS])


def proposal_search_documents(proposals):
    """(pk, document) of each proposal of `proposals` (a queryset, live or historical), in
    one query; registered with `cocreation.core.search` for `reindex_search`."""
    for pk, *values in proposals.values_list("pk", *Proposal.SEARCH_FIELDS):
        yield pk, SearchDocument.from_parts(values)


def proposal_attachment_path(instance, filename: str) -> str:
    # Stored under a random name: the original name is kept in the row, not the path.
    import uuid
    from pathlib import PurePosixPath

    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"quests/proposals/{instance.proposal_id}/{uuid.uuid4().hex}{suffix}"


class ProposalAttachment(models.Model):
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(
        _("file"), upload_to=proposal_attachment_path, storage=private_files, max_length=200
    )
    original_name = models.CharField(
        _("file name"), max_length=255, validators=[validate_single_line]
    )
    content_type = models.CharField(_("type"), max_length=100, validators=[validate_single_line])
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class ProposalEvent(models.Model):
    """The proposal's audit trail: submission, review start, decisions, withdrawal."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="events"
    )
    from_state = models.CharField(_("from"), max_length=20, choices=Proposal.State.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=Proposal.State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True, validators=[validate_multiline])
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.from_state} → {self.to_state}"


class Review(models.Model):
    """One team reviewer's review of one proposal."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.CASCADE,
        related_name="quest_reviews",
    )
    conflict_of_interest = models.BooleanField(
        _("I have a conflict of interest with this company"), default=False
    )
    conflict_note = models.TextField(
        _("nature of the conflict"), blank=True, validators=[validate_multiline]
    )
    comment = models.TextField(_("overall comment"), blank=True, validators=[validate_multiline])
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "reviewer"], name="quests_one_review_per_reviewer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} / {self.proposal}"


class ReviewScore(models.Model):
    review = models.ForeignKey(
        Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        ReviewCriterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="+"
    )
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True, validators=[validate_multiline])

    class Meta:
        ordering = ["criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="quests_score_once"),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="quests_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class Question(models.Model):
    """A company's public question on an open quest; the answer is visible to every company."""

    quest = models.ForeignKey(
        Quest, verbose_name=_("quest"), on_delete=models.CASCADE, related_name="questions"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    body = models.TextField(_("question"), max_length=4000, validators=[validate_multiline])
    asked_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    answer = models.TextField(
        _("answer"), blank=True, max_length=8000, validators=[validate_multiline]
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["asked_at", "id"]

    def __str__(self) -> str:
        return self.body[:50]


class ProposalMessage(models.Model):
    """The private thread between the proposing company and the quest team."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    body = models.TextField(_("message"), max_length=8000, validators=[validate_multiline])
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:50]


class Trial(models.Model):
    """The joint trial that follows an adopted proposal (one per quest)."""

    quest = models.OneToOneField(
        Quest, verbose_name=_("quest"), on_delete=models.CASCADE, related_name="trial"
    )
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("start"), null=True, blank=True, validators=[validate_date])
    ends_on = models.DateField(_("end"), null=True, blank=True, validators=[validate_date])
    plan = models.TextField(_("plan"), blank=True, validators=[validate_multiline])
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("trial")
        verbose_name_plural = _("trials")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="quests_trial_dates_ordered",
                violation_error_message=_("The trial cannot end before it starts."),
            ),
            window_constraint("starts_on"),
            window_constraint("ends_on"),
        ]

    def __str__(self) -> str:
        return str(self.quest)


class Milestone(models.Model):
    trial = models.ForeignKey(
        Trial, verbose_name=_("trial"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("milestone"), max_length=200, validators=[validate_single_line])
    due_on = models.DateField(_("due"), validators=[validate_date])
    done_on = models.DateField(_("done on"), null=True, blank=True, validators=[validate_date])
    note = models.TextField(_("note"), blank=True, validators=[validate_multiline])

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "id"]
        constraints = [window_constraint("due_on"), window_constraint("done_on")]

    def __str__(self) -> str:
        return self.title


class TrialMeeting(models.Model):
    trial = models.ForeignKey(
        Trial, verbose_name=_("trial"), on_delete=models.CASCADE, related_name="meetings"
    )
    held_on = models.DateField(_("date"), validators=[validate_date])
    starts_at = models.TimeField(_("start time"), null=True, blank=True)
    ends_at = models.TimeField(_("end time"), null=True, blank=True)
    place = models.CharField(
        _("place"), max_length=200, blank=True, validators=[validate_single_line]
    )
    attendees = models.TextField(_("attendees"), validators=[validate_multiline])
    minutes = models.TextField(_("minutes"), validators=[validate_multiline])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["held_on", "starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True)
                | Q(ends_at__isnull=True)
                | Q(ends_at__gt=F("starts_at")),
                name="quests_meeting_times_ordered",
                violation_error_message=_("A meeting ends after it starts."),
            ),
            window_constraint("held_on"),
        ]

    def __str__(self) -> str:
        return f"{self.trial} {self.held_on}"


class Kpi(models.Model):
    trial = models.ForeignKey(
        Trial, verbose_name=_("trial"), on_delete=models.CASCADE, related_name="kpis"
    )
    name = models.CharField(_("indicator"), max_length=200, validators=[validate_single_line])
    unit = models.CharField(_("unit"), max_length=30, blank=True, validators=[validate_single_line])
    # Quantities (kg, shops, people, %): a reduction is a target below the baseline,
    # never a negative number, and the achievement rate assumes so.
    baseline = models.DecimalField(
        _("baseline"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    target = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    actual = models.DecimalField(
        _("actual"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    note = models.TextField(_("note"), blank=True, validators=[validate_multiline])

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target__gte=0)
                & (Q(baseline__isnull=True) | Q(baseline__gte=0))
                & (Q(actual__isnull=True) | Q(actual__gte=0)),
                name="quests_kpi_not_negative",
                violation_error_message=_("A KPI value cannot be negative."),
            )
        ]

    def __str__(self) -> str:
        return self.name


# The trial's items by the name their addresses use (/trial/<kind>/…).
TRIAL_ITEMS = {"milestone": Milestone, "meeting": TrialMeeting, "kpi": Kpi}


class ResultsReport(models.Model):
    """What a completed quest tells other municipalities."""

    quest = models.OneToOneField(
        Quest, verbose_name=_("quest"), on_delete=models.CASCADE, related_name="results"
    )
    what_was_done = models.TextField(_("what was done"), validators=[validate_multiline])
    outcomes = models.TextField(_("outcomes"), validators=[validate_multiline])
    lessons = models.TextField(_("lessons learned"), validators=[validate_multiline])
    reuse_requirements = models.TextField(
        _("what another municipality needs to reuse it"), validators=[validate_multiline]
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("results report")
        verbose_name_plural = _("results reports")

    def __str__(self) -> str:
        return str(self.quest)


# --- After the trial: what the municipality did next (issue 13) ------------------------


class TrialTransition(models.Model):
    """What the quest's municipality decided for one fiscal year (April–March, named by
    the year it starts: 2025 is 2025年度) once the trial ended: adopted as a service
    (本格導入, with its budget line, amount in yen and procurement method), the trial
    extended, or not continued (with the reason). One record per quest and fiscal year;
    every change is kept in `TrialTransitionRevision`.

    Public on the quest page and its results page; the amount only when `amount_public`."""

    class Outcome(models.TextChoices):
        ADOPTED = "adopted", _("Adopted as a service (本格導入)")
        EXTENDED = "extended", _("Trial extended")
        NOT_CONTINUED = "not_continued", _("Not continued")

    class Procurement(models.TextChoices):
        NEGOTIATED = "negotiated", _("Negotiated contract (随意契約)")
        OPEN_TENDER = "open_tender", _("Open competitive tender (一般競争入札)")
        DESIGNATED_TENDER = "designated_tender", _("Designated competitive tender (指名競争入札)")
        PROPOSAL = "proposal", _("Proposal-based selection (プロポーザル方式)")
        OTHER = "other", _("Other")

    # The fiscal years a record may name (the years the portal's dates are allowed in).
    FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR = 2000, 2100

    quest = models.ForeignKey(
        Quest,
        verbose_name=_("quest"),
        on_delete=models.CASCADE,
        related_name="trial_transitions",
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"),
        validators=[MinValueValidator(FIRST_FISCAL_YEAR), MaxValueValidator(LAST_FISCAL_YEAR)],
    )
    outcome = models.CharField(_("what happens next"), max_length=20, choices=Outcome.choices)
    budget_line = models.CharField(
        _("budget line"), max_length=200, blank=True, validators=[validate_single_line]
    )
    amount_yen = models.PositiveBigIntegerField(
        _("amount (yen)"), null=True, blank=True, validators=[MaxValueValidator(10**12)]
    )
    amount_public = models.BooleanField(_("publish the amount"), default=False)
    procurement = models.CharField(
        _("procurement method"), max_length=20, choices=Procurement.choices, blank=True
    )
    reason = models.TextField(_("reason"), blank=True, validators=[validate_multiline])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("transition after the trial")
        verbose_name_plural = _("transitions after the trial")
        ordering = ["fiscal_year", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["quest", "fiscal_year"],
                name="quests_transition_once_per_fiscal_year",
                violation_error_message=_(
                    "This quest already has a record for this fiscal year: edit that one."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(outcome="not_continued") | ~Q(reason=""),
                name="quests_transition_not_continued_has_reason",
                violation_error_message=_("Say why it is not continued."),
            ),
            models.CheckConstraint(
                condition=Q(outcome="adopted")
                | (Q(budget_line="") & Q(amount_yen__isnull=True) & Q(procurement="")),
                name="quests_transition_budget_only_when_adopted",
                violation_error_message=_("A budget is recorded only for an adoption."),
            ),
            models.CheckConstraint(
                condition=Q(fiscal_year__gte=2000, fiscal_year__lte=2100),
                name="quests_transition_fiscal_year_range",
            ),
        ]
        indexes = [
            # The dashboard's "first adoption" of each quest.
            models.Index(fields=["quest", "outcome", "fiscal_year"], name="transition_outcome_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.quest_id}: {self.fiscal_year} {self.outcome}"


# What a revision copies of its record: the history shows each version whole.
TRANSITION_FIELDS = (
    "fiscal_year",
    "outcome",
    "budget_line",
    "amount_yen",
    "amount_public",
    "procurement",
    "reason",
)


class TrialTransitionRevision(models.Model):
    """One version of a `TrialTransition` as saved (the first included): its history."""

    transition = models.ForeignKey(
        TrialTransition,
        on_delete=models.CASCADE,
        related_name="revisions",
        verbose_name=_("transition"),
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    outcome = models.CharField(
        _("what happens next"), max_length=20, choices=TrialTransition.Outcome.choices
    )
    budget_line = models.CharField(_("budget line"), max_length=200, blank=True)
    amount_yen = models.PositiveBigIntegerField(_("amount (yen)"), null=True, blank=True)
    amount_public = models.BooleanField(_("publish the amount"), default=False)
    procurement = models.CharField(
        _("procurement method"),
        max_length=20,
        choices=TrialTransition.Procurement.choices,
        blank=True,
    )
    reason = models.TextField(_("reason"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("version of a transition")
        verbose_name_plural = _("versions of transitions")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.transition_id} @ {self.changed_at:%Y-%m-%d %H:%M}"


class Follow(models.Model):
    """One thing a member of a company (or of another non-municipal organisation) follows:
    exactly one of a theme, an SDG target, a municipality or a network (Region). New
    quests about it are listed in the person's digest (services/follows.py)."""

    class Kind(models.TextChoices):
        THEME = "theme", _("Theme")
        SDG_TARGET = "sdg_target", _("SDG target")
        MUNICIPALITY = "municipality", _("Municipality")
        REGION = "region", _("Network")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="follows",
    )
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("theme"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    sdg_target = models.ForeignKey(
        SdgTarget,
        verbose_name=_("SDG target"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": Organisation.Kind.MUNICIPALITY},
    )
    region = models.ForeignKey(
        "organisations.Region",
        verbose_name=_("network"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("followed since"), auto_now_add=True)

    # The column of each kind, in the order the following page lists them.
    COLUMNS = {
        Kind.THEME: "theme",
        Kind.SDG_TARGET: "sdg_target",
        Kind.MUNICIPALITY: "municipality",
        Kind.REGION: "region",
    }

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    theme__isnull=False,
                    sdg_target__isnull=True,
                    municipality__isnull=True,
                    region__isnull=True,
                )
                | Q(
                    theme__isnull=True,
                    sdg_target__isnull=False,
                    municipality__isnull=True,
                    region__isnull=True,
                )
                | Q(
                    theme__isnull=True,
                    sdg_target__isnull=True,
                    municipality__isnull=False,
                    region__isnull=True,
                )
                | Q(
                    theme__isnull=True,
                    sdg_target__isnull=True,
                    municipality__isnull=True,
                    region__isnull=False,
                ),
                name="quests_follow_one_target",
            ),
            # Following twice is following once (NULLs are distinct, so each applies to
            # its own kind only).
            models.UniqueConstraint(fields=["user", "theme"], name="quests_follow_theme_once"),
            models.UniqueConstraint(
                fields=["user", "sdg_target"], name="quests_follow_target_once"
            ),
            models.UniqueConstraint(
                fields=["user", "municipality"], name="quests_follow_municipality_once"
            ),
            models.UniqueConstraint(fields=["user", "region"], name="quests_follow_region_once"),
        ]

    def __str__(self) -> str:
        return str(self.target)

    @property
    def kind(self) -> str:
        """The Kind whose column is set."""
        return next(kind for kind, column in self.COLUMNS.items() if getattr(self, f"{column}_id"))

    @property
    def target(self):
        """The followed theme, SDG target, municipality or region."""
        return getattr(self, self.COLUMNS[self.kind])


class DigestSubscription(models.Model):
    """How often a person receives the digest of what they follow: daily (each JST day),
    weekly (each ISO week, Monday to Sunday, JST) or never. Made with the first follow;
    "off" by the unsubscribe link of the mail."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        OFF = "off", _("Off (no mail)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="digest_subscription",
    )
    frequency = models.CharField(
        _("digest"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("digest subscription")
        verbose_name_plural = _("digest subscriptions")
        indexes = [
            # The digest run reads one frequency's subscribers in user order.
            models.Index(fields=["frequency", "user"], name="digest_frequency_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_frequency_display()})"


# --- Proposal desks (提案窓口) and their review boards (審査会) ---------------------------
# An open proposal is sent to a desk without a quest (よこらぼ); the desk's staff triage
# it and route it to the departments concerned, the board scores it on the desk's
# criteria and decides; an adopted one becomes a quest already in trial (the project).


class ProposalDesk(models.Model):
    """A desk that takes proposals on anything: opened by a municipality (`host`) or by a
    network (`region`), exactly one of the two. Its staff and board reviewers are named in
    DeskMember; its departments (担当部局) in DeskDepartment."""

    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    host = models.ForeignKey(
        Organisation,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="proposal_desks",
        null=True,
        blank=True,
        limit_choices_to={"kind": Organisation.Kind.MUNICIPALITY},
    )
    region = models.ForeignKey(
        "organisations.Region",
        verbose_name=_("network"),
        on_delete=models.PROTECT,
        related_name="proposal_desks",
        null=True,
        blank=True,
    )
    intake_text = models.TextField(
        _("what the desk asks proposers"), validators=[validate_multiline]
    )
    board_rules = models.TextField(_("rules of the review board"), validators=[validate_multiline])
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), related_name="proposal_desks", blank=True
    )
    is_open = models.BooleanField(_("takes proposals"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("proposal desk")
        verbose_name_plural = _("proposal desks")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(host__isnull=False, region__isnull=True)
                | Q(host__isnull=True, region__isnull=False),
                name="quests_desk_host_or_region",
                violation_error_message=_(
                    "A desk is opened by a municipality or by a network, not both."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("quests:desk_detail", args=[self.pk])


class DeskMember(models.Model):
    """A person working for a desk: its staff (triage, routing, sessions, decisions) or a
    reviewer of its board (scores)."""

    class Role(models.TextChoices):
        STAFF = "staff", _("Desk staff")
        REVIEWER = "reviewer", _("Board reviewer")

    desk = models.ForeignKey(
        ProposalDesk,
        verbose_name=_("proposal desk"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="desk_roles",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)

    class Meta:
        verbose_name = _("desk member")
        verbose_name_plural = _("desk members")
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["desk", "user", "role"], name="quests_desk_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class DeskDepartment(models.Model):
    """A department concerned (担当部局) that a desk routes proposals to, in a municipality;
    its members answer with their view and join the project's team on adoption."""

    desk = models.ForeignKey(
        ProposalDesk,
        verbose_name=_("proposal desk"),
        on_delete=models.CASCADE,
        related_name="departments",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": Organisation.Kind.MUNICIPALITY},
    )
    name = models.CharField(_("department"), max_length=200, validators=[validate_single_line])
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff"),
        related_name="desk_departments",
        blank=True,
    )

    class Meta:
        verbose_name = _("department concerned")
        verbose_name_plural = _("departments concerned")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["desk", "organisation", "name"], name="quests_desk_department_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.name}"


class DeskCriterion(models.Model):
    """One criterion of a desk's board, scored 1–5; `weight` multiplies its score in the
    weighted total (よこらぼ: the town's, the residents' and the proposer's benefit)."""

    desk = models.ForeignKey(
        ProposalDesk,
        verbose_name=_("proposal desk"),
        on_delete=models.CASCADE,
        related_name="criteria",
    )
    name = models.CharField(_("criterion"), max_length=200, validators=[validate_single_line])
    description = models.TextField(
        _("what reviewers look for"), blank=True, validators=[validate_multiline]
    )
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("desk criterion")
        verbose_name_plural = _("desk criteria")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["desk", "name"], name="quests_desk_criterion_once"),
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=10), name="quests_desk_weight_1_to_10"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OpenProposal(models.Model):
    """A proposal sent to a desk without a quest, by a member of any organisation."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        NEEDS_INFO = "needs_info", _("More information needed")
        TO_BOARD = "to_board", _("To the review board")
        CARRIED_OVER = "carried_over", _("Carried over")
        DECLINED = "declined", _("Declined")
        ADOPTED = "adopted", _("Adopted")
        NOT_ADOPTED = "not_adopted", _("Not adopted")

    # What the proposer writes, in the order the form asks it.
    WRITTEN_FIELDS = (
        "title",
        "summary",
        "approach",
        "benefit_town",
        "benefit_residents",
        "benefit_proposer",
        "needs_from_municipality",
        "schedule",
        "confidential",
    )
    # The states a proposer may still change the text in, and those a board may take up.
    EDITABLE_STATES = (State.SUBMITTED, State.NEEDS_INFO)
    BOARD_STATES = (State.TO_BOARD, State.CARRIED_OVER)

    desk = models.ForeignKey(
        ProposalDesk,
        verbose_name=_("proposal desk"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("proposing organisation"),
        on_delete=models.PROTECT,
        related_name="open_proposals",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="open_proposals",
    )
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    summary = models.TextField(_("summary"), validators=[validate_multiline])
    approach = models.TextField(_("approach"), validators=[validate_multiline])
    benefit_town = models.TextField(_("benefit for the town"), validators=[validate_multiline])
    benefit_residents = models.TextField(
        _("benefit for the residents"), validators=[validate_multiline]
    )
    benefit_proposer = models.TextField(
        _("benefit for the proposer"), validators=[validate_multiline]
    )
    needs_from_municipality = models.TextField(
        _("what the proposer needs from the municipality"),
        blank=True,
        validators=[validate_multiline],
    )
    schedule = models.TextField(_("schedule"), blank=True, validators=[validate_multiline])
    confidential = models.TextField(
        _("confidential part"),
        blank=True,
        help_text=_(
            "Read by the proposing organisation, the desk's staff and board reviewers and "
            "site admins; never published."
        ),
        validators=[validate_multiline],
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.SUBMITTED, db_index=True
    )
    decision_reason = models.TextField(
        _("reason for the decision"), blank=True, validators=[validate_multiline]
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # The co-creation project an adoption made: one at most (the constraint that keeps a
    # decision taken twice from making two quests).
    project = models.OneToOneField(
        Quest,
        verbose_name=_("co-creation project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="open_proposal",
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("open proposal")
        verbose_name_plural = _("open proposals")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["desk", "state"], name="open_proposal_desk_state_idx"),
            models.Index(fields=["organisation", "-submitted_at"], name="open_proposal_mine_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(project__isnull=True) | Q(state="adopted"),
                name="quests_open_project_only_adopted",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("quests:desk_proposal", args=[self.desk_id, self.pk])


class DeskEvent(models.Model):
    """An open proposal's history: submission, triage, routing, board decisions."""

    proposal = models.ForeignKey(
        OpenProposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="events"
    )
    from_state = models.CharField(
        _("from"), max_length=20, choices=OpenProposal.State.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=20, choices=OpenProposal.State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True, validators=[validate_multiline])
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.from_state} → {self.to_state}"


class DeskMessage(models.Model):
    """The private thread between the proposing organisation and the desk's staff."""

    proposal = models.ForeignKey(
        OpenProposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    body = models.TextField(_("message"), max_length=8000, validators=[validate_multiline])
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:50]


class DeskRouting(models.Model):
    """An open proposal sent to a department concerned, and the department's view."""

    proposal = models.ForeignKey(
        OpenProposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="routings"
    )
    department = models.ForeignKey(
        DeskDepartment,
        verbose_name=_("department concerned"),
        on_delete=models.PROTECT,
        related_name="routings",
    )
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("routed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    routed_at = models.DateTimeField(_("routed at"), auto_now_add=True)
    view = models.TextField(
        _("the department's view"), blank=True, max_length=8000, validators=[validate_multiline]
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("routing")
        verbose_name_plural = _("routings")
        ordering = ["routed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "department"], name="quests_desk_route_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} → {self.department}"


class BoardSession(models.Model):
    """A dated meeting of a desk's review board; its minutes are public once published
    (without any confidential part: see selectors.desks.session_minutes)."""

    desk = models.ForeignKey(
        ProposalDesk,
        verbose_name=_("proposal desk"),
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    held_on = models.DateField(_("date"), validators=[validate_date])
    place = models.CharField(
        _("place"), max_length=200, blank=True, validators=[validate_single_line]
    )
    minutes = models.TextField(
        _("public minutes"), blank=True, max_length=20000, validators=[validate_multiline]
    )
    published_at = models.DateTimeField(_("minutes published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("review board session")
        verbose_name_plural = _("review board sessions")
        ordering = ["-held_on", "-id"]
        constraints = [
            window_constraint("held_on"),
            models.UniqueConstraint(fields=["desk", "held_on"], name="quests_session_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.desk} {self.held_on}"

    def get_absolute_url(self) -> str:
        return reverse("quests:desk_session", args=[self.desk_id, self.pk])


class AgendaItem(models.Model):
    """An open proposal on a session's agenda, with the board's one decision on it."""

    class Decision(models.TextChoices):
        ADOPTED = "adopted", _("Adopted")
        NOT_ADOPTED = "not_adopted", _("Not adopted")
        CARRIED_OVER = "carried_over", _("Carried over to a later session")

    session = models.ForeignKey(
        BoardSession,
        verbose_name=_("board session"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    proposal = models.ForeignKey(
        OpenProposal,
        verbose_name=_("proposal"),
        on_delete=models.PROTECT,
        related_name="agenda_items",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    # Sent to the proposer in plain text; never in the public minutes.
    reason = models.TextField(
        _("reason"), blank=True, max_length=4000, validators=[validate_multiline]
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "proposal"], name="quests_agenda_once"),
            # A proposal is adopted by one agenda item at most.
            models.UniqueConstraint(
                fields=["proposal"],
                condition=Q(decision="adopted"),
                name="quests_adopted_once",
            ),
            # A decision is whole: its outcome, who and when together.
            models.CheckConstraint(
                condition=Q(decision="", decided_at__isnull=True)
                | (~Q(decision="") & Q(decided_at__isnull=False)),
                name="quests_agenda_decision_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} #{self.position} {self.proposal}"


class BoardScore(models.Model):
    """One reviewer's 1–5 score of one agenda item on one of the desk's criteria."""

    item = models.ForeignKey(
        AgendaItem, verbose_name=_("agenda item"), on_delete=models.CASCADE, related_name="scores"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.CASCADE,
        related_name="board_scores",
    )
    criterion = models.ForeignKey(
        DeskCriterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="+"
    )
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(
        _("comment"), blank=True, max_length=2000, validators=[validate_multiline]
    )

    class Meta:
        ordering = ["criterion__position", "criterion_id", "reviewer_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "reviewer", "criterion"], name="quests_board_score_once"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="quests_board_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


# --- Selection: the dated stages, their results, the interview slots ------------------


class SelectionStage(models.Model):
    """One dated step of a quest's selection, as Urban Innovation JAPAN runs it (Nagoya:
    document screening → interview with the department → final screening → agreement →
    trial → report meeting). One row per kind and quest; public on the quest's page and
    in its feed. `starts_on`/`ends_on` are dates in JST; `ends_on` empty means one day."""

    class Kind(models.TextChoices):
        DOCUMENT_SCREENING = "document_screening", _("Document screening")
        INTERVIEW = "interview", _("Interview with the department")
        FINAL_SCREENING = "final_screening", _("Final screening")
        AGREEMENT = "agreement", _("Agreement")
        TRIAL_START = "trial_start", _("Trial starts")
        REPORT_MEETING = "report_meeting", _("Report meeting")

    # The stages a proposal passes or does not pass, in order; the others are dates only.
    SCREENINGS = (Kind.DOCUMENT_SCREENING, Kind.INTERVIEW, Kind.FINAL_SCREENING)

    quest = models.ForeignKey(
        Quest, verbose_name=_("quest"), on_delete=models.CASCADE, related_name="stages"
    )
    kind = models.CharField(_("stage"), max_length=30, choices=Kind.choices)
    # The kind's place in Kind (the timeline's order), kept by the service.
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    starts_on = models.DateField(_("date"), validators=[validate_date])
    ends_on = models.DateField(_("until"), null=True, blank=True, validators=[validate_date])
    note = models.CharField(
        _("public note"), max_length=200, blank=True, validators=[validate_single_line]
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("selection stage")
        verbose_name_plural = _("selection stages")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["quest", "kind"], name="quests_stage_kind_once"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="quests_stage_dates_ordered",
                violation_error_message=_("A stage cannot end before it starts."),
            ),
            window_constraint("starts_on"),
            window_constraint("ends_on"),
        ]

    def __str__(self) -> str:
        return f"{self.quest_id}: {self.get_kind_display()}"

    @property
    def last_day(self):
        return self.ends_on or self.starts_on

    @property
    def is_screening(self) -> bool:
        return self.kind in self.SCREENINGS


class StageResult(models.Model):
    """Whether a proposal goes on after a screening stage; told to the proposing company.
    A proposal that does not pass is not adopted (its state says so), with the reason."""

    class Outcome(models.TextChoices):
        PASSED = "passed", _("Passes")
        NOT_PASSED = "not_passed", _("Does not pass")

    stage = models.ForeignKey(
        SelectionStage,
        verbose_name=_("selection stage"),
        on_delete=models.PROTECT,
        related_name="results",
    )
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="stage_results"
    )
    outcome = models.CharField(_("result"), max_length=20, choices=Outcome.choices)
    reason = models.TextField(_("reason"), blank=True, validators=[validate_multiline])
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stage result")
        verbose_name_plural = _("stage results")
        ordering = ["stage__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "proposal"], name="quests_stage_result_once"),
            models.CheckConstraint(
                condition=Q(outcome="passed") | ~Q(reason=""),
                name="quests_stage_not_passed_has_reason",
                violation_error_message=_("Give the reason the proposal does not pass."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} / {self.stage}: {self.outcome}"


class InterviewSlot(models.Model):
    """A time the team offers for the interview with the department (JST), online or on
    site; one proposal books it, and a proposal books one slot (both kept by the table:
    the slot holds its proposal, and a proposal is unique among the slots)."""

    quest = models.ForeignKey(
        Quest, verbose_name=_("quest"), on_delete=models.CASCADE, related_name="interview_slots"
    )
    held_on = models.DateField(_("date"), validators=[validate_date])
    starts_at = models.TimeField(_("start time"))
    ends_at = models.TimeField(_("end time"))
    online_url = models.URLField(_("online meeting address"), blank=True, max_length=500)
    place = models.CharField(
        _("place"), max_length=200, blank=True, validators=[validate_single_line]
    )
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("booked by the proposal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interview_slots",
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    booked_at = models.DateTimeField(_("booked at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("interview slot")
        verbose_name_plural = _("interview slots")
        ordering = ["held_on", "starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal"],
                condition=Q(proposal__isnull=False),
                name="quests_one_interview_per_proposal",
                violation_error_message=_("This proposal already has an interview slot."),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="quests_interview_times_ordered",
                violation_error_message=_("An interview ends after it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(online_url="") | ~Q(place=""),
                name="quests_interview_has_a_place",
                violation_error_message=_("Give an online meeting address or a place."),
            ),
            window_constraint("held_on"),
        ]

    def __str__(self) -> str:
        return f"{self.quest_id}: {self.held_on} {self.starts_at:%H:%M}"

    @property
    def starts(self) -> dt.datetime:
        """The moment the interview starts (the date and time are JST)."""
        return dt.datetime.combine(self.held_on, self.starts_at, tzinfo=JST)

    @property
    def online(self) -> bool:
        return bool(self.online_url)


# --- Reuse by other municipalities (横展開, issue 14) ----------------------------------


class ResultReuse(models.Model):
    """One municipality's record of reusing a completed quest's result (横展開): that it
    is considering it, adopted it as it is, adapted it, or decided not to, with its own
    notes and, later, its outcome. One record per quest and municipality (a database
    constraint), updated as the municipality moves on; each change of status is kept in
    `ResultReuseRevision`.

    Public on the quest page, its results page and the results list: the municipality's
    name and 地方公共団体コード, the status, `public_note` and `outcome`. `private_note` is
    read only by the recording municipality's staff and the quest's team
    (permissions.can_read_reuse_private_note)."""

    class Status(models.TextChoices):
        CONSIDERING = "considering", _("Considering (検討中)")
        ADOPTED = "adopted", _("Adopted as it is (導入)")
        ADAPTED = "adapted", _("Adopted with changes (改変して導入)")
        NOT_PURSUED = "not_pursued", _("Not pursued (見送り)")

    # The statuses that count as a reuse carried out (the dashboard's "reuse adopted").
    CARRIED_OUT = (Status.ADOPTED, Status.ADAPTED)

    quest = models.ForeignKey(
        Quest,
        verbose_name=_("quest"),
        on_delete=models.CASCADE,
        related_name="reuse_entries",
    )
    municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="result_reuses",
        limit_choices_to={"kind": Organisation.Kind.MUNICIPALITY},
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.CONSIDERING
    )
    public_note = models.TextField(
        _("notes (public)"), blank=True, max_length=2000, validators=[validate_multiline]
    )
    outcome = models.TextField(
        _("outcome (public)"), blank=True, max_length=2000, validators=[validate_multiline]
    )
    private_note = models.TextField(
        _("private note"), blank=True, max_length=2000, validators=[validate_multiline]
    )
    draft = models.ForeignKey(
        Quest,
        verbose_name=_("draft quest started from it"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("reuse by another municipality")
        verbose_name_plural = _("reuses by other municipalities")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["quest", "municipality"],
                name="quests_reuse_once_per_municipality",
                violation_error_message=_(
                    "Your municipality already has a record for this quest: update that one."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quest_id}: {self.municipality_id} {self.status}"


class ResultReuseRevision(models.Model):
    """One status of a `ResultReuse` as it was set (the first included): its history.
    Only public fields are copied, so the history may be shown to anyone."""

    entry = models.ForeignKey(
        ResultReuse,
        verbose_name=_("reuse record"),
        on_delete=models.CASCADE,
        related_name="revisions",
    )
    status = models.CharField(_("status"), max_length=20, choices=ResultReuse.Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change of a reuse record")
        verbose_name_plural = _("status changes of reuse records")
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.entry_id} @ {self.changed_at:%Y-%m-%d %H:%M}: {self.status}"
