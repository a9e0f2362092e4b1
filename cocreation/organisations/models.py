from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cocreation.core.inputs import validate_multiline, validate_single_line
from cocreation.core.search import BigramVectorField, SearchDocument, keep_search_columns

from .validators import normalise_domain, validate_email_domain, validate_local_government_code

PREFECTURES = [
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
]
PREFECTURE_CHOICES = [(name, name) for name in PREFECTURES]


class Region(models.Model):
    """A named group of municipalities, e.g. こおりやま広域圏 or a co-creation network."""

    name = models.CharField(
        _("name"), max_length=100, unique=True, validators=[validate_single_line]
    )
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True, validators=[validate_multiline])

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# The directory's keyword search: a keyword is found in the official name or the reading
# (anywhere), or at the beginning of the local-government code (`prefix_fields` of the
# search registration, the tag below).
ORGANISATION_SEARCH_FIELDS = ("name", "name_kana")
ORGANISATION_CODE_TAG = "code"


def organisation_search_document(name, name_kana, code) -> SearchDocument:
    """The search document (`cocreation.core.search`) of an organisation with the official
    `name`, the reading `name_kana` and the local-government `code` (None for none)."""
    return SearchDocument.from_parts([name, name_kana], prefixes=[(ORGANISATION_CODE_TAG, code)])


def organisation_search_documents(organisations):
    """(pk, document) of each organisation of `organisations` (a queryset, live or
    historical), in one query; registered with `cocreation.core.search`."""
    rows = organisations.values_list("pk", *ORGANISATION_SEARCH_FIELDS, "local_government_code")
    for pk, name, name_kana, code in rows:
        yield pk, organisation_search_document(name, name_kana, code)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        COMPANY = "company", _("Company")
        UNIVERSITY = "university", _("University")
        INTERMEDIARY = "intermediary", _("NPO / intermediary")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("official name"), max_length=200, validators=[validate_single_line])
    name_kana = models.CharField(
        _("name (kana)"), max_length=200, blank=True, validators=[validate_single_line]
    )
    prefecture = models.CharField(
        _("prefecture"), max_length=4, choices=PREFECTURE_CHOICES, blank=True
    )
    website = models.URLField(_("website"), blank=True)
    # A municipality's population (住民基本台帳人口), so that a result can be found by the
    # size of the towns that used it (issue 14): a town of 8,000 looks for what worked
    # in towns like it.
    population = models.PositiveIntegerField(_("population (住民基本台帳)"), null=True, blank=True)
    local_government_code = models.CharField(
        _("local-government code"),
        max_length=6,
        blank=True,
        null=True,
        unique=True,
        validators=[validate_local_government_code],
        help_text=_("全国地方公共団体コード: 6 digits including the check digit."),
    )
    regions = models.ManyToManyField(
        Region, verbose_name=_("regions"), related_name="organisations", blank=True
    )
    is_verified = models.BooleanField(
        _("verified"),
        default=True,
        help_text=_("Organisations registered by users stay unverified until approved."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The name and reading in the one search form, their bigrams with the code's
    # beginnings, and the name's bigrams (cocreation.core.search): the directory's
    # keyword search; kept by save().
    search_text = models.TextField(editable=False, blank=True, default="")
    search_bigrams = BigramVectorField(editable=False, blank=True, default="")
    search_title_bigrams = BigramVectorField(editable=False, blank=True, default="")

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "name_kana", "name"]
        indexes = [
            GinIndex(fields=["search_bigrams"], name="organisation_search_idx"),
            # The directory's order over verified organisations, read a page at a time.
            models.Index(
                fields=["kind", "name_kana", "name"],
                name="organisation_directory_idx",
                condition=models.Q(is_verified=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="municipality", local_government_code__isnull=False)
                | (~Q(kind="municipality") & Q(local_government_code__isnull=True)),
                name="organisations_code_iff_municipality",
                violation_error_message=_(
                    "A municipality needs its local-government code; other kinds have none."
                ),
            ),
            models.CheckConstraint(
                condition=Q(local_government_code__regex=r"^[0-9]{6}$")
                | Q(local_government_code__isnull=True),
                name="organisations_code_six_digits",
            ),
            # Municipalities share names across prefectures (伊達市 of 北海道 and of 福島県,
            # 府中市 of 東京都 and of 広島県): they are one by code, and one by name only
            # within their prefecture. Other kinds register under a name of their own.
            models.UniqueConstraint(
                fields=["kind", "name"],
                condition=~Q(kind="municipality"),
                name="organisations_kind_name_unique",
                violation_error_message=_("An organisation of this kind has this name already."),
            ),
            models.UniqueConstraint(
                fields=["prefecture", "name"],
                condition=Q(kind="municipality"),
                name="organisations_municipality_name_unique",
                violation_error_message=_(
                    "The prefecture has a municipality of this name already."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # The keyword index is derived data: keep it in step with every save.
        document = organisation_search_document(
            self.name, self.name_kana, self.local_government_code
        )
        keep_search_columns(self, document, kwargs)
        super().save(*args, **kwargs)

    @property
    def is_municipality(self) -> bool:
        return self.kind == self.Kind.MUNICIPALITY


class OrganisationDomain(models.Model):
    """A mail domain the organisation owns; a verified address on it proves staff status."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="domains",
        verbose_name=_("organisation"),
    )
    domain = models.CharField(
        _("mail domain"), max_length=253, unique=True, validators=[validate_email_domain]
    )

    class Meta:
        verbose_name = _("registered email domain")
        verbose_name_plural = _("registered email domains")
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = normalise_domain(self.domain)
        super().save(*args, **kwargs)


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        COORDINATOR = "coordinator", _("Coordinator")
        ADMIN = "admin", _("Organisation admin")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        ACTIVE = "active", _("Active")
        DECLINED = "declined", _("Declined")
        LEFT = "left", _("Left")

    # A person has at most one of these per organisation (the constraint below).
    OPEN_STATUSES = (Status.PENDING, Status.ACTIVE)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    department = models.CharField(
        _("department"), max_length=100, blank=True, validators=[validate_single_line]
    )
    position = models.CharField(
        _("position"), max_length=100, blank=True, validators=[validate_single_line]
    )
    message = models.TextField(
        _("message to the approvers"), blank=True, validators=[validate_multiline]
    )
    joined_by_domain = models.BooleanField(_("joined by verified email domain"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("reason"), blank=True, validators=[validate_multiline])
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-created_at"]
        constraints = [
            # One open (pending or active) membership per person and organisation;
            # a declined person may ask again later.
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=Q(status__in=["pending", "active"]),
                name="organisations_one_open_membership",
                violation_error_message=_(
                    "You already belong to or asked to join this organisation."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "active", "declined", "left"]),
                name="organisations_membership_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            # The header's count of requests waiting (selectors.pending_requests_for): the
            # requests alone, and the organisations that have an active admin, without
            # reading the 100,000 other memberships of a national deployment.
            models.Index(
                fields=["organisation", "user"],
                name="membership_pending_idx",
                condition=Q(status="pending"),
            ),
            models.Index(
                fields=["organisation"],
                name="membership_active_admin_idx",
                condition=Q(role="admin", status="active"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_declined(self) -> bool:
        return self.status == self.Status.DECLINED


class Handover(models.Model):
    """What a person held when they moved (人事異動): left the organisation or changed
    department. Staff rotate every few years, most on 1 April, and an initiative dies
    with the move unless someone takes it on (seed 001: small towns sharing people); the
    organisation's admin hands each item to a successor (`HandoverItem`), and the rows
    stay as the history of who held what."""

    class Reason(models.TextChoices):
        DEPARTMENT = "department", _("Changed department")
        LEFT = "left", _("Left the organisation")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for successors")
        DONE = "done", _("Handed over")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="handovers",
        verbose_name=_("organisation"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="handovers",
        verbose_name=_("person who moved"),
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    from_department = models.CharField(
        _("department before"), max_length=100, blank=True, validators=[validate_single_line]
    )
    to_department = models.CharField(
        _("department after"), max_length=100, blank=True, validators=[validate_single_line]
    )
    moved_on = models.DateField(_("moved on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handed over by"),
    )

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open handover per person and organisation: a second move before the
            # first was handed over adds to it.
            models.UniqueConstraint(
                fields=["organisation", "person"],
                condition=Q(status="pending"),
                name="organisations_one_pending_handover",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "done"]),
                name="organisations_handover_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="pending", completed_at__isnull=True)
                | Q(status="done", completed_at__isnull=False),
                name="organisations_handover_done_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "created_at"],
                name="handover_pending_idx",
                condition=Q(status="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.organisation} ({self.get_reason_display()})"


class HandoverItem(models.Model):
    """One thing a person held (a quest's leadership, a space's coordination…), named by
    its kind in the holdings registry (`cocreation.organisations.holdings`) and its
    object's id; `label` keeps what it was called at the move. `successor` and
    `handed_at` are set when it is handed over; `kept` when the person keeps it (a
    department change does not end every role)."""

    handover = models.ForeignKey(
        Handover, on_delete=models.CASCADE, related_name="items", verbose_name=_("handover")
    )
    kind = models.CharField(_("kind"), max_length=60)
    object_id = models.PositiveBigIntegerField(_("object id"))
    label = models.CharField(_("what"), max_length=300)
    url = models.CharField(_("address"), max_length=300, blank=True)
    successor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("successor"),
    )
    kept = models.BooleanField(_("kept by the person"), default=False)
    handed_at = models.DateTimeField(_("handed over at"), null=True, blank=True)

    class Meta:
        verbose_name = _("handover item")
        verbose_name_plural = _("handover items")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["handover", "kind", "object_id"], name="organisations_one_item_per_holding"
            ),
            models.CheckConstraint(
                condition=~Q(kept=True, successor__isnull=False),
                name="organisations_handover_item_kept_or_successor",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def kind_title(self):
        """What kind of role this is, in the reader's language ("Quest team leader")."""
        from .holdings import title_of

        return title_of(self.kind)


class NetworkAgreement(models.Model):
    """An agreement a network (a `Region`) stands on, e.g. the Yokoze–Bandai agreement on
    a wide-area co-creation network (seed 001): its title, date, text, and the address of
    the official document (the PDF on a member's website), at least one of the two."""

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="agreements", verbose_name=_("network")
    )
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    signed_on = models.DateField(_("signed on"))
    text = models.TextField(_("text"), blank=True, validators=[validate_multiline])
    document_url = models.URLField(_("official document (address)"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("network agreement")
        verbose_name_plural = _("network agreements")
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text="", document_url=""),
                name="organisations_agreement_has_text_or_document",
            )
        ]

    def __str__(self) -> str:
        return self.title


class NetworkField(models.Model):
    """A field a member leads in a network (Yokoze: 官民共創; Bandai: DX, seed 001), so the
    others know whom to ask."""

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="fields", verbose_name=_("network")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="network_fields",
        verbose_name=_("member"),
    )
    field = models.CharField(_("field"), max_length=100, validators=[validate_single_line])
    note = models.TextField(_("note"), blank=True, validators=[validate_multiline])

    class Meta:
        verbose_name = _("field a member leads")
        verbose_name_plural = _("fields members lead")
        ordering = ["organisation__local_government_code", "field", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "organisation", "field"], name="organisations_field_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.field}"


class NetworkJoinRequest(models.Model):
    """A municipality asking to join a network (seed 001: other municipalities may join
    later); the network's coordinators accept or decline, and each side is told."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting a decision")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="join_requests", verbose_name=_("network")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="network_requests",
        verbose_name=_("municipality"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("asked by"),
    )
    message = models.TextField(
        _("message to the network"), blank=True, validators=[validate_multiline]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True, validators=[validate_multiline])
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        verbose_name = _("request to join a network")
        verbose_name_plural = _("requests to join a network")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "organisation"],
                condition=Q(status="pending"),
                name="organisations_one_pending_network_request",
                violation_error_message=_("This municipality already asked to join."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "accepted", "declined"]),
                name="organisations_network_request_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined", reason=""),
                name="organisations_network_decline_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.region}"


# The population bands of the results list (人口規模), in people: (value, label, lowest,
# below). The Local Autonomy Act's thresholds (50,000 for a city, 200,000 for a core city,
# 地方自治法 第8条・第252条の22) and 10,000 for the smallest towns.
POPULATION_BANDS = [
    ("under-10k", _("Under 10,000"), 0, 10_000),
    ("10k-50k", _("10,000 to 49,999"), 10_000, 50_000),
    ("50k-200k", _("50,000 to 199,999"), 50_000, 200_000),
    ("200k-plus", _("200,000 and more"), 200_000, None),
]


def population_band_q(band: str, field: str = "population") -> Q:
    """The condition on `field` (a path to a population) of the band `band` (a value of
    POPULATION_BANDS). Raises KeyError for an unknown band."""
    _value, _label, lowest, below = next(b for b in POPULATION_BANDS if b[0] == band)
    condition = Q(**{f"{field}__gte": lowest})
    if below is not None:
        condition &= Q(**{f"{field}__lt": below})
    return condition
