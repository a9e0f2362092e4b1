"""Staff policy-research programmes: yearly cohorts, recruitment, teams, sessions,
attendance, deliverables, outcomes and feedback.

Team rules live in the database: one leader and one sub-leader per team, one cohort
representative and one deputy, and neither of those may lead a team. Team size is
counted by services under a lock on the team row.
"""

import datetime as dt

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Deferrable, F, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cocreation.core.inputs import (
    BIRTH_DATE_MIN,
    datetime_window_constraint,
    validate_birth_date,
    validate_date,
    validate_multiline,
    validate_single_line,
    window_constraint,
)
from cocreation.core.search import BigramVectorField, SearchDocument, keep_search_columns
from cocreation.core.storage import private_files
from cocreation.organisations.models import Organisation, Region


class Programme(models.Model):
    """A recurring programme, e.g. チャレンジ「新発想」研究塾."""

    name = models.CharField(
        _("name"), max_length=200, unique=True, validators=[validate_single_line]
    )
    organiser = models.ForeignKey(
        Organisation, verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("description"), blank=True, validators=[validate_multiline])

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Cohort(models.Model):
    """One fiscal year of a programme (April to March)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="cohorts"
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    theme = models.TextField(_("theme"), validators=[validate_multiline])
    size = models.PositiveSmallIntegerField(_("number of members sought"), default=24)
    age_limit = models.PositiveSmallIntegerField(
        _("age limit on April 1"),
        null=True,
        blank=True,
        help_text=_("Applicants must be this age or younger on April 1 of the fiscal year."),
    )
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("participating organisations"), related_name="cohorts"
    )
    recruitment_opens = models.DateField(
        _("applications from"), null=True, blank=True, validators=[validate_date]
    )
    recruitment_closes = models.DateField(
        _("applications until"), null=True, blank=True, validators=[validate_date]
    )
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinators"),
        related_name="coordinated_cohorts",
        blank=True,
    )
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("senior staff and lecturers who review (講評)"),
        related_name="reviewed_cohorts",
        blank=True,
    )
    lecturers = models.TextField(
        _("lecturers"),
        blank=True,
        help_text=_("One per line: name and affiliation."),
        validators=[validate_multiline],
    )
    is_published = models.BooleanField(_("outcomes published"), default=False)

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-fiscal_year", "programme__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "fiscal_year"], name="studygroups_one_cohort_per_year"
            ),
            models.CheckConstraint(
                condition=Q(recruitment_opens__isnull=True)
                | Q(recruitment_closes__isnull=True)
                | Q(recruitment_closes__gte=F("recruitment_opens")),
                name="studygroups_recruitment_ordered",
                violation_error_message=_("Applications cannot close before they open."),
            ),
            window_constraint("recruitment_opens"),
            window_constraint("recruitment_closes"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("studygroups:cohort", args=[self.pk])

    @property
    def april_first(self) -> dt.date:
        return dt.date(self.fiscal_year, 4, 1)

    def is_recruiting(self, today: dt.date) -> bool:
        """Within the application window (a window without dates is open)."""
        return (self.recruitment_opens is None or self.recruitment_opens <= today) and (
            self.recruitment_closes is None or today <= self.recruitment_closes
        )


class Field(models.Model):
    """A research field of the cohort: まち, ひと, しごと, DX…"""

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="fields"
    )
    name = models.CharField(_("field"), max_length=100, validators=[validate_single_line])
    description = models.CharField(
        _("description"), max_length=300, blank=True, validators=[validate_single_line]
    )
    position = models.PositiveSmallIntegerField(_("order shown"), default=0)

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["position", "id"]
        constraints = [
            # Deferred to the end of the transaction, so that two fields may swap names in
            # one save of the settings (save_cohort_settings checks it before it returns).
            models.UniqueConstraint(
                fields=["cohort", "name"],
                name="studygroups_field_once",
                deferrable=Deferrable.DEFERRED,
                violation_error_message=_("A field with this name already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Phase(models.Model):
    """A phase of the cohort's year, e.g. リサーチ編 (April to October)."""

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="phases"
    )
    name = models.CharField(_("phase"), max_length=100, validators=[validate_single_line])
    starts_on = models.DateField(_("first day"), validators=[validate_date])
    ends_on = models.DateField(_("last day"), validators=[validate_date])

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="studygroups_phase_ordered",
                violation_error_message=_("A phase cannot end before it starts."),
            ),
            window_constraint("starts_on"),
            window_constraint("ends_on"),
        ]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A team (班) working in one field."""

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="teams"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    # Kawasaki's staff projects are named (e.g. 防災空地で地域交流); Koriyama's 班 are numbered.
    name = models.CharField(
        _("team or project name"), max_length=200, blank=True, validators=[validate_single_line]
    )
    field = models.ForeignKey(
        Field, verbose_name=_("field"), on_delete=models.PROTECT, related_name="teams"
    )
    max_size = models.PositiveSmallIntegerField(
        _("maximum size"), default=6, validators=[MinValueValidator(2), MaxValueValidator(20)]
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["number"]
        constraints = [
            # Deferred like studygroups_field_once: two teams may swap numbers in one save.
            models.UniqueConstraint(
                fields=["cohort", "number"],
                name="studygroups_team_number",
                deferrable=Deferrable.DEFERRED,
                violation_error_message=_("A team with this number already exists."),
            ),
        ]

    def __str__(self) -> str:
        if self.name:
            return _("Team %(number)d: %(name)s") % {"number": self.number, "name": self.name}
        return _("Team %(number)d (%(field)s)") % {"number": self.number, "field": self.field}


def team_role_rank():
    """班長, then 副班長, then the members: the order people read a team in."""
    return Case(
        When(team_role=Member.TeamRole.LEADER, then=Value(0)),
        When(team_role=Member.TeamRole.SUB_LEADER, then=Value(1)),
        default=Value(2),
    )


class Member(models.Model):
    """An applicant or member of a cohort, with their team and roles."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class TeamRole(models.TextChoices):
        LEADER = "leader", _("Leader (班長)")
        SUB_LEADER = "sub_leader", _("Sub-leader (副班長)")
        MEMBER = "member", _("Member")

    class CohortRole(models.TextChoices):
        NONE = "", _("—")
        REPRESENTATIVE = "representative", _("Representative (代表)")
        DEPUTY = "deputy", _("Deputy (副代表)")
        # Kawasaki's projects had support members beside the core members (13 + 8 in 2020).
        SUPPORT = "support", _("Support member (サポートメンバー)")

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="study_memberships",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.CharField(
        _("department"), max_length=200, blank=True, validators=[validate_single_line]
    )
    position = models.CharField(
        _("position"), max_length=100, blank=True, validators=[validate_single_line]
    )
    birth_date = models.DateField(
        _("date of birth"), null=True, blank=True, validators=[validate_birth_date]
    )
    preferred_fields = models.ManyToManyField(
        Field, verbose_name=_("preferred fields"), related_name="+", blank=True
    )
    motivation = models.TextField(_("motivation"), blank=True, validators=[validate_multiline])
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.APPLIED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    team_role = models.CharField(
        _("role in the team"), max_length=12, choices=TeamRole.choices, blank=True
    )
    cohort_role = models.CharField(
        _("role in the cohort"), max_length=16, choices=CohortRole.choices, blank=True, default=""
    )
    applied_at = models.DateTimeField(_("applied at"), auto_now_add=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["team__number", "team_role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="studygroups_member_once"),
            models.UniqueConstraint(
                fields=["team", "team_role"],
                condition=Q(team_role__in=["leader", "sub_leader"]),
                name="studygroups_one_leader_one_sub_leader",
                violation_error_message=_("A team has one leader and one sub-leader."),
            ),
            models.UniqueConstraint(
                fields=["cohort", "cohort_role"],
                condition=Q(cohort_role__in=["representative", "deputy"]),
                name="studygroups_one_representative_one_deputy",
                violation_error_message=_("A cohort has one representative and one deputy."),
            ),
            models.CheckConstraint(
                condition=~Q(cohort_role__in=["representative", "deputy"])
                | ~Q(team_role__in=["leader", "sub_leader"]),
                name="studygroups_representative_not_a_leader",
                violation_error_message=_(
                    "The representative and the deputy are chosen from outside the team "
                    "leaders and sub-leaders."
                ),
            ),
            models.CheckConstraint(
                condition=Q(team__isnull=True) | Q(status="accepted"),
                name="studygroups_only_accepted_in_teams",
                violation_error_message=_("Only accepted members join a team."),
            ),
            models.CheckConstraint(
                condition=Q(team__isnull=False) | Q(team_role=""),
                name="studygroups_team_role_needs_team",
            ),
            window_constraint("birth_date", earliest=BIRTH_DATE_MIN),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation})"


class Session(models.Model):
    """A meeting of the whole cohort or of one team: a kickoff, team meeting, lecture,
    fieldwork, report meeting…."""

    class Kind(models.TextChoices):
        KICKOFF = "kickoff", _("Kickoff")
        TEAM_MEETING = "team_meeting", _("Team meeting")
        PLENARY = "plenary", _("Plenary (全体会)")
        FIELDWORK = "fieldwork", _("Fieldwork")
        SITE_VISIT = "site_visit", _("Site visit")
        LECTURE = "lecture", _("Lecture")
        MIDTERM_REPORT = "midterm_report", _("Mid-term report meeting")
        FINAL_REPORT = "final_report", _("Final report meeting")

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="sessions"
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team (empty: the whole cohort)"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sessions",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    starts_at = models.DateTimeField(_("start"), validators=[validate_date])
    ends_at = models.DateTimeField(_("end"), validators=[validate_date])
    place = models.CharField(
        _("place"), max_length=200, blank=True, validators=[validate_single_line]
    )
    online_url = models.URLField(_("online meeting or streaming link"), blank=True)
    lecturer = models.CharField(
        _("lecturer"), max_length=200, blank=True, validators=[validate_single_line]
    )
    content = models.TextField(_("content"), blank=True, validators=[validate_multiline])
    phase = models.ForeignKey(
        Phase,
        verbose_name=_("phase"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
    )
    booking = models.ForeignKey(
        "spaces.Booking",
        verbose_name=_("room booking"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="study_sessions",
    )
    series_key = models.CharField(max_length=40, blank=True, editable=False)
    # Bumped when the session moves, so that each move notifies once.
    revision = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="studygroups_session_ends_after_start",
                violation_error_message=_("A session ends after it starts."),
            ),
            datetime_window_constraint("starts_at"),
            datetime_window_constraint("ends_at"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("studygroups:session", args=[self.pk])


class PresentationSlot(models.Model):
    """The order of presentations at a report meeting."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="presentations"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(
        _("presentation title"), max_length=200, blank=True, validators=[validate_single_line]
    )

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["session", "team"], name="studygroups_present_once"),
            models.UniqueConstraint(fields=["session", "order"], name="studygroups_order_once"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.team}"


class Attendance(models.Model):
    """Whether a member attended a session (excused does not count against the rate)."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused")

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="attendance"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="attendance"
    )
    status = models.CharField(_("attendance"), max_length=10, choices=Status.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="studygroups_attend_once")
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.status}"


class Deliverable(models.Model):
    """A report or proposal every team hands in by a deadline."""

    class Kind(models.TextChoices):
        RESEARCH_REPORT = "research_report", _("Research report")
        MIDTERM_REPORT = "midterm_report", _("Mid-term report")
        POLICY_PROPOSAL = "policy_proposal", _("Final policy proposal")
        TRIAL_REPORT = "trial_report", _("Trial report")

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="deliverables"
    )
    phase = models.ForeignKey(
        Phase, verbose_name=_("phase"), on_delete=models.SET_NULL, null=True, blank=True
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    due_at = models.DateTimeField(_("deadline"), validators=[validate_date])

    class Meta:
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")
        ordering = ["due_at", "id"]
        constraints = [datetime_window_constraint("due_at")]

    def __str__(self) -> str:
        return self.title


def submission_path(instance, filename: str) -> str:
    """Where a version's PDF is stored: by deliverable and team, under a random name."""
    import uuid

    return f"studygroups/{instance.deliverable_id}/{instance.team_id}/{uuid.uuid4().hex}.pdf"


class Submission(models.Model):
    """One uploaded version of a team's deliverable; the latest is current."""

    deliverable = models.ForeignKey(
        Deliverable,
        verbose_name=_("deliverable"),
        on_delete=models.CASCADE,
        related_name="submissions",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="submissions"
    )
    version = models.PositiveSmallIntegerField(_("version"))
    file = models.FileField(
        _("file"), upload_to=submission_path, storage=private_files, max_length=200
    )
    original_name = models.CharField(
        _("file name"), max_length=255, validators=[validate_single_line]
    )
    size = models.PositiveIntegerField(_("size in bytes"))
    title = models.CharField(
        _("proposal title"), max_length=200, blank=True, validators=[validate_single_line]
    )
    summary = models.TextField(_("summary"), blank=True, validators=[validate_multiline])
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    is_late = models.BooleanField(_("late"), default=False)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["deliverable", "team", "version"], name="studygroups_version_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.deliverable} v{self.version}"


class ReviewComment(models.Model):
    """講評: senior staff or a lecturer on one version."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("submission"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    body = models.TextField(_("comment"), validators=[validate_multiline])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:40]


# What the outcome archive's keyword search reads for each outcome, as paths from the
# outcome: its own text, and the names the archive shows beside it.
OUTCOME_SEARCH_PATHS = (
    "proposal_title",
    "summary",
    "implemented",
    "team__field__name",
    "team__name",
    "team__cohort__title",
    "team__cohort__programme__organiser__name",
)


def outcome_search_text(values) -> str:
    """The stored search form of an outcome: `values` (the texts of
    `OUTCOME_SEARCH_PATHS`, in order, None for a missing one) joined and passed through
    the one search normaliser (cocreation.core.text)."""
    return outcome_search_document(values).text


def outcome_search_document(values) -> SearchDocument:
    """The search document (`cocreation.core.search`) of an outcome whose
    `OUTCOME_SEARCH_PATHS` read `values` (in order, None for a missing one): the
    proposal's title ranks first."""
    return SearchDocument.from_parts(list(values))


def outcome_search_documents(outcomes):
    """(pk, document) of each outcome of `outcomes` (a queryset, live or historical), in
    one query with the names of its team, cohort and organiser; registered with
    `cocreation.core.search` for `reindex_search`."""
    for pk, *values in outcomes.values_list("pk", *OUTCOME_SEARCH_PATHS):
        yield pk, outcome_search_document(values)


class Outcome(models.Model):
    """What a team's research led to, published in the archive."""

    team = models.OneToOneField(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="outcome"
    )
    proposal_title = models.CharField(
        _("proposal title"), max_length=200, validators=[validate_single_line]
    )
    summary = models.TextField(_("summary"), validators=[validate_multiline])
    implemented = models.TextField(
        _("what was implemented"), blank=True, validators=[validate_multiline]
    )
    quest = models.ForeignKey(
        "quests.Quest",
        verbose_name=_("quest started from it"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="study_outcomes",
    )
    # The texts of OUTCOME_SEARCH_PATHS in the one search form, their bigrams and the
    # title's (cocreation.core.search), which the archive searches; kept by save() and,
    # when a cohort's names change, by services.outcomes.outcome_search_refresh.
    search_text = models.TextField(editable=False, blank=True, default="")
    search_bigrams = BigramVectorField(editable=False, blank=True, default="")
    search_title_bigrams = BigramVectorField(editable=False, blank=True, default="")

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        indexes = [GinIndex(fields=["search_bigrams"], name="outcome_search_bigrams_idx")]

    def __str__(self) -> str:
        return self.proposal_title

    def save(self, *args, **kwargs):
        # The keyword index is derived data: keep it in step with every save.
        own = [self.proposal_title, self.summary, self.implemented]
        names = (
            Team.objects.filter(pk=self.team_id).values_list(
                *(path.removeprefix("team__") for path in OUTCOME_SEARCH_PATHS[3:])
            )
        ).first() or ()
        keep_search_columns(self, outcome_search_document([*own, *names]), kwargs)
        super().save(*args, **kwargs)


class SurveyResponse(models.Model):
    """A participant's answer to the survey after a session (1 to 5, and a comment)."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="responses"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(
        _("comment"), blank=True, max_length=2000, validators=[validate_multiline]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="studygroups_answer_once"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="studygroups_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} {self.rating}"


# --- Exchange meetings (情報交換会) of a network's officers of one field (issue 14) ---------


class ExchangeMeeting(models.Model):
    """An exchange meeting (情報交換会) a network (a Region) holds for the officers of one
    field of its member municipalities, e.g. the co-creation desks' officers (seed 001:
    "企業との共創事業の担当者同士の情報交換会", "同じ分野の職員同士のオンライン交流").
    Held online (`online_url`), at a `place`, or both. After it, the organisers publish
    `minutes` for the staff of the member municipalities."""

    region = models.ForeignKey(
        Region,
        verbose_name=_("network"),
        on_delete=models.CASCADE,
        related_name="exchange_meetings",
    )
    field = models.CharField(
        _("field"),
        max_length=100,
        validators=[validate_single_line],
        help_text=_("e.g. 官民共創の窓口担当, DX, 防災"),
    )
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    starts_at = models.DateTimeField(_("start"), validators=[validate_date])
    ends_at = models.DateTimeField(_("end"), validators=[validate_date])
    online_url = models.URLField(_("online meeting link"), blank=True)
    place = models.CharField(
        _("place"), max_length=200, blank=True, validators=[validate_single_line]
    )
    agenda = models.TextField(_("agenda"), blank=True, validators=[validate_multiline])
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for no limit."),
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organiser"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    minutes = models.TextField(
        _("minutes"), blank=True, max_length=20000, validators=[validate_multiline]
    )
    minutes_published_at = models.DateTimeField(
        _("minutes published on"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("exchange meeting")
        verbose_name_plural = _("exchange meetings")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["region", "starts_at"], name="studygroups_meeting_when")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="studygroups_meeting_ends_after_start",
                violation_error_message=_("A meeting ends after it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(online_url="") | ~Q(place=""),
                name="studygroups_meeting_online_or_place",
                violation_error_message=_("Give an online meeting link, a place, or both."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="studygroups_meeting_capacity_positive",
            ),
            datetime_window_constraint("starts_at"),
            datetime_window_constraint("ends_at"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("studygroups:meeting", args=[self.pk])


class MeetingRegistration(models.Model):
    """A staff member's registration for an exchange meeting, with the municipality and
    department they come from (copied when they register, as the organisers' list shows
    them). One per person and meeting (the constraint); cancelling deletes it."""

    meeting = models.ForeignKey(
        ExchangeMeeting,
        verbose_name=_("exchange meeting"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="meeting_registrations",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.CharField(
        _("department"), max_length=100, blank=True, validators=[validate_single_line]
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting registration")
        verbose_name_plural = _("meeting registrations")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                name="studygroups_meeting_register_once",
                violation_error_message=_("You are already registered for this meeting."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} {self.user}"


class MeetingSurveyResponse(models.Model):
    """A participant's answer to the survey after an exchange meeting (1 to 5, and a
    comment), as a session's SurveyResponse; one per person and meeting (the constraint)."""

    meeting = models.ForeignKey(
        ExchangeMeeting,
        verbose_name=_("exchange meeting"),
        on_delete=models.CASCADE,
        related_name="responses",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(
        _("comment"), blank=True, max_length=2000, validators=[validate_multiline]
    )

    class Meta:
        verbose_name = _("meeting survey answer")
        verbose_name_plural = _("meeting survey answers")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"], name="studygroups_meeting_answer_once"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5),
                name="studygroups_meeting_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} {self.rating}"
