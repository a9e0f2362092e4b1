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

    goal = models.ForeignKey(SdgGoal, on_delete=models.CASCADE, related_name="targets")
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

    quest = models.ForeignKey(Quest, on_delete=models.CASCADE, related_name="co_hosts")
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

    quest = models.ForeignKey(Quest, on_delete=models.CASCADE, related_name="transitions")
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

    quest = models.ForeignKey(Quest, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quest_teams"
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
    quest = models.ForeignKey(Quest, on_delete=models.CASCADE, related_name="criteria")
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

    quest = models.ForeignKey(Quest, on_delete=models.PROTECT, related_name="proposals")
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
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(
        _("file"), upload_to=proposal_attachment_path, storage=private_files, max_length=200
    )
    original_name = models.CharField(
        _("file name"), max_length=255, validators=[validate_single_line]
    )
    content_type = models.CharField(_("type"), max_length=100, validators=[validate_single_line])
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
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

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(_("from"), max_length=20, choices=Proposal.State.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=Proposal.State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True, validators=[validate_multiline])
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.from_state} → {self.to_state}"


class Review(models.Model):
    """One team reviewer's review of one proposal."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quest_reviews"
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
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(ReviewCriterion, on_delete=models.CASCADE, related_name="+")
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

    quest = models.ForeignKey(Quest, on_delete=models.CASCADE, related_name="questions")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(_("question"), max_length=4000, validators=[validate_multiline])
    asked_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    answer = models.TextField(
        _("answer"), blank=True, max_length=8000, validators=[validate_multiline]
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
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

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("message"), max_length=8000, validators=[validate_multiline])
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:50]


class Trial(models.Model):
    """The joint trial that follows an adopted proposal (one per quest)."""

    quest = models.OneToOneField(Quest, on_delete=models.CASCADE, related_name="trial")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="+")
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
    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="milestones")
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
    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("date"), validators=[validate_date])
    starts_at = models.TimeField(_("start time"), null=True, blank=True)
    ends_at = models.TimeField(_("end time"), null=True, blank=True)
    place = models.CharField(
        _("place"), max_length=200, blank=True, validators=[validate_single_line]
    )
    attendees = models.TextField(_("attendees"), validators=[validate_multiline])
    minutes = models.TextField(_("minutes"), validators=[validate_multiline])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
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
    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="kpis")
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

    quest = models.OneToOneField(Quest, on_delete=models.CASCADE, related_name="results")
    what_was_done = models.TextField(_("what was done"), validators=[validate_multiline])
    outcomes = models.TextField(_("outcomes"), validators=[validate_multiline])
    lessons = models.TextField(_("lessons learned"), validators=[validate_multiline])
    reuse_requirements = models.TextField(
        _("what another municipality needs to reuse it"), validators=[validate_multiline]
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("results report")
        verbose_name_plural = _("results reports")

    def __str__(self) -> str:
        return str(self.quest)


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

    quest = models.ForeignKey(Quest, on_delete=models.CASCADE, related_name="stages")
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

    stage = models.ForeignKey(SelectionStage, on_delete=models.PROTECT, related_name="results")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="stage_results")
    outcome = models.CharField(_("result"), max_length=20, choices=Outcome.choices)
    reason = models.TextField(_("reason"), blank=True, validators=[validate_multiline])
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
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

    quest = models.ForeignKey(Quest, on_delete=models.CASCADE, related_name="interview_slots")
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
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
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
