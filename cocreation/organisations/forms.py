"""What people send to the organisation pages: join requests, registrations, decisions,
roles."""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cocreation.core.choices import choices_from_rows, rows_if_few
from cocreation.core.forms import PortalForm
from cocreation.core.text import search_keywords
from cocreation.core.widgets import DateInput

from . import holdings, selectors
from .models import PREFECTURE_CHOICES, Membership, Organisation
from .services import ANNOUNCEMENT_BODY_MAX, ANNOUNCEMENT_TITLE_MAX
from .validators import validate_local_government_code

# A list of at most this many organisations is offered as a select (or checkboxes); a
# longer one is typed (OrganisationField), since 1,741 options are a page of their own.
SELECT_MAX = 50


def organisation_label(organisation: Organisation) -> str:
    """How a form writes a chosen organisation so that it reads back as the same one: a
    municipality with its prefecture and 地方公共団体コード (福島県伊達市 (072133)),
    names being unique only within a prefecture; any other by its name."""
    if organisation.kind == Organisation.Kind.MUNICIPALITY:
        code = organisation.local_government_code
        return f"{organisation.prefecture}{organisation.name} ({code})"
    return organisation.name


class OrganisationField(forms.CharField):
    """One organisation of `among` (a queryset), typed: a name, a reading, or a
    municipality's 地方公共団体コード, as `selectors.organisation_named` reads them;
    cleaned to the Organisation, or None when left empty and not required. A text box
    for lists too long for a select (`organisation_choice`). A reference that names
    several (伊達市 of 北海道 and of 福島県) is refused with each of them, next to the
    field, as is one that names none of `among`. Its initial value is an Organisation."""

    widget = forms.TextInput
    default_error_messages = {
        "not_found": _(
            "None of the organisations you may choose here is called “%(text)s”. Type its "
            "name, or a municipality's local-government code (e.g. 072036)."
        ),
        "ambiguous": _(
            "“%(text)s” could be several: %(candidates)s. Type the name in full, or a "
            "municipality's local-government code."
        ),
        "ambiguous_more": _(
            "“%(text)s” matches many, among them %(candidates)s. Type the name in full, or "
            "a municipality's local-government code."
        ),
        "conflict": _(
            "In “%(text)s” the name and the code disagree: the code is that of "
            "%(candidates)s. Correct one of them."
        ),
    }
    default_help_text = _("Its name, or a municipality's local-government code, e.g. 072036.")

    def __init__(self, *, among: QuerySet[Organisation] | None = None, **kwargs):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("help_text", self.default_help_text)
        # By id: an `among` with DISTINCT or its own order would not take the search's.
        self.among = (
            None if among is None else Organisation.objects.filter(pk__in=among.values("pk"))
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Organisation):
            return organisation_label(value)
        return value

    def clean(self, value):
        if isinstance(value, Organisation):
            # A disabled field cleans its initial value, the organisation itself.
            return value
        text = super().clean(value)
        if text and not search_keywords(text):
            # Only separators or punctuation (、、、): nothing was named.
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        return self.resolve(text) if text else None

    def resolve(self, text: str) -> Organisation:
        """The one organisation of `among` that `text` names; raises ValidationError
        when it names none or several (the message lists them, municipalities with their
        codes)."""
        match = selectors.organisation_named(text, self.among)
        if match.found is not None:
            return match.found
        if match.conflict:
            raise ValidationError(
                self.error_messages["conflict"],
                code="conflict",
                params={"text": text, "candidates": organisation_label(match.candidates[0])},
            )
        digits = unicodedata.normalize("NFKC", text).strip()
        if len(digits) == 6 and digits.isascii() and digits.isdigit():
            try:
                validate_local_government_code(digits)
            except ValidationError as wrong:
                raise ValidationError(wrong.messages[0], code="check_digit") from None
        if not match.candidates:
            code = "not_found"
            if "not_among" in self.error_messages and self.among is not None:
                anywhere = selectors.organisation_named(text)
                if anywhere.found is not None or anywhere.candidates:
                    code = "not_among"
            raise ValidationError(self.error_messages[code], code=code, params={"text": text})
        candidates = "、".join(organisation_label(m) for m in match.candidates)
        code = "ambiguous_more" if match.more else "ambiguous"
        raise ValidationError(
            self.error_messages[code], code=code, params={"text": text, "candidates": candidates}
        )


class MunicipalityField(OrganisationField):
    """One municipality, typed (`OrganisationField`), of `among` or of every municipality
    when None: Japan has 1,741, and a select of them all is a page of its own. A
    municipality outside `among` is refused as not one of those that may be chosen."""

    default_error_messages = {
        "not_found": _(
            "No municipality is called “%(text)s”. Type its name, its reading or its "
            "local-government code (e.g. 072036)."
        ),
        "not_among": _("“%(text)s” is not one of the municipalities you may choose here."),
        "ambiguous": _(
            "“%(text)s” could be several municipalities: %(candidates)s. Type the "
            "local-government code of the one you mean."
        ),
        "ambiguous_more": _(
            "“%(text)s” matches many municipalities, among them %(candidates)s. Type the "
            "name in full or the local-government code."
        ),
    }
    default_help_text = _(
        "A name, its reading or its local-government code, e.g. 郡山市 or 072036."
    )

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 60)
        super().__init__(**kwargs)


class MunicipalitiesField(MunicipalityField):
    """Several municipalities of `among` (every municipality when None), typed in one box
    and separated by 、, ・, slashes or commas (or spaces, where the whole is no one
    municipality: 福島県 伊達市 is one, 須賀川市 伊達市 two), each read as
    `MunicipalityField` reads one; cleaned to a list of Organisations in the order
    typed, each once. Each reference that names none or several gets its own message.
    At most `max_count` (20 unless told). Its initial value is a list of Organisations."""

    # No municipality's name has ・ or a slash (NFKC has made ･ and ／ these already).
    SEPARATORS = re.compile(r"[、，,；;・/\n]+")
    default_error_messages = {
        "too_many": _("Name at most %(max)d municipalities."),
        "too_long": _("“%(text)s…” is longer than any municipality's name."),
    }
    REFERENCE_MAX = 60
    # Errors about a whole reference after which its words are tried one by one.
    SPLIT_WHEN = frozenset({"not_found", "not_among"})
    WORDS = re.compile(r"[^\s(]+(?:\s*\([^)]*\))?|\([^)]*\)")
    default_help_text = _(
        "Names, readings or local-government codes, separated by 、, ・, slashes, commas "
        "or spaces, e.g. 須賀川市、072079."
    )

    def __init__(self, *, max_count: int = 20, **kwargs):
        kwargs.setdefault("max_length", 2000)
        self.max_count = max_count
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "、".join(
                organisation_label(v) if isinstance(v, Organisation) else str(v) for v in value
            )
        return super().prepare_value(value)

    def clean(self, value):
        if isinstance(value, list | tuple):
            return list(value)
        text = unicodedata.normalize("NFKC", forms.CharField.clean(self, value) or "")
        references = [part.strip() for part in self.SEPARATORS.split(text)]
        # Each once, as typed: the same name twice counts once.
        references = list(dict.fromkeys(part for part in references if part))
        if not references and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(references) > self.max_count:
            raise ValidationError(
                self.error_messages["too_many"], code="too_many", params={"max": self.max_count}
            )
        found: dict[int, Organisation] = {}
        errors = []
        for reference in references:
            if len(reference) > self.REFERENCE_MAX:
                errors.append(
                    ValidationError(
                        self.error_messages["too_long"],
                        code="too_long",
                        params={"text": reference[:20]},
                    )
                )
                continue
            try:
                named = [self.resolve(reference)]
            except ValidationError as error:
                # Only a reference that names nothing as a whole is read word by word: a
                # name and a code that disagree (田村市 (072036)) stay one refusal.
                spaced = self._spaced(reference) if error.code in self.SPLIT_WHEN else None
                named, word_errors = spaced or ([], error.error_list)
                errors.extend(word_errors)
            for municipality in named:
                found.setdefault(municipality.pk, municipality)
        if errors:
            raise ValidationError(errors)
        if len(found) > self.max_count:
            raise ValidationError(
                self.error_messages["too_many"], code="too_many", params={"max": self.max_count}
            )
        return list(found.values())

    def _spaced(self, reference: str) -> tuple[list[Organisation], list] | None:
        """For a reference that names no one municipality as a whole: when it has spaces
        and each word names at least one (須賀川市 伊達市), the municipalities the words
        name and the errors of those that name several; else None (the error about the
        whole stands: 郡山 市役所 is not two municipalities)."""
        # A word keeps the code in brackets that follows it: 伊達市 (012335) 須賀川市.
        words = list(dict.fromkeys(self.WORDS.findall(reference)))
        if len(words) < 2:
            return None
        named, errors = [], []
        for word in words:
            try:
                named.append(self.resolve(word))
            except ValidationError as error:
                if error.code in self.SPLIT_WHEN:
                    return None
                errors.extend(error.error_list)
        return named, errors


def organisation_choice(
    queryset: QuerySet[Organisation],
    *,
    typed: type[OrganisationField] = MunicipalityField,
    multiple: bool = False,
    select: dict | None = None,
    **kwargs,
) -> forms.Field:
    """A form field choosing one organisation of `queryset` (several with `multiple`): a
    select (a ModelChoiceField or ModelMultipleChoiceField, with the extra arguments
    `select`, e.g. a widget or empty_label) when it holds at most SELECT_MAX, else the
    `typed` field limited to it (a site administrator may choose any of 1,741
    municipalities). `kwargs` (label, required, help_text…) go to either; a single
    choice is chosen already. One query either way (the first SELECT_MAX + 1 rows, by
    reading)."""
    rows = rows_if_few(queryset.order_by("name_kana", "name", "pk"), SELECT_MAX)
    if rows is not None:
        if len(rows) == 1 and not multiple:
            kwargs.setdefault("initial", rows[0].pk)
        few = Organisation.objects.filter(pk__in=[row.pk for row in rows])
        field = forms.ModelMultipleChoiceField if multiple else forms.ModelChoiceField
        field = field(queryset=few, **(select or {}), **kwargs)
        choices_from_rows(field, rows)
        return field
    if multiple and not issubclass(typed, MunicipalitiesField):
        typed = MunicipalitiesField
    return typed(among=queryset, **kwargs)


class MembershipRequestForm(PortalForm):
    """A request to join an organisation, with the person's place in it."""

    department = forms.CharField(label=_("Department (所属)"), max_length=100, required=False)
    position = forms.CharField(label=_("Position (職名)"), max_length=100, required=False)
    message = forms.CharField(
        label=_("Message to the approvers"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OrganisationRegistrationForm(PortalForm):
    """A company, university or NPO registering itself (never a municipality)."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[c for c in Organisation.Kind.choices if c[0] != Organisation.Kind.MUNICIPALITY],
    )
    name = forms.CharField(label=_("Official name"), max_length=200)
    name_kana = forms.CharField(label=_("Name (kana)"), max_length=200, required=False)
    prefecture = forms.ChoiceField(
        label=_("Prefecture"), choices=[("", "---------"), *PREFECTURE_CHOICES], required=False
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    department = forms.CharField(label=_("Your department"), max_length=100, required=False)
    position = forms.CharField(label=_("Your position"), max_length=100, required=False)
    message = forms.CharField(
        label=_("Message to the coordinators"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())


class Decision(models.TextChoices):
    """The two answers to a membership request."""

    APPROVE = "approve", _("Approve")
    DECLINE = "decline", _("Decline")


class DecisionForm(PortalForm):
    """An answer to one membership request; declining needs a reason (`note`)."""

    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Reason (required when declining)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == Decision.DECLINE and not cleaned.get("note", "").strip():
            self.add_error("note", _("Please give a reason when you decline a request."))
        return cleaned

    @property
    def approves(self) -> bool:
        """Whether the (valid) form approves the request."""
        return self.cleaned_data["decision"] == Decision.APPROVE


class RoleForm(PortalForm):
    """A member's new role."""

    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class AnnouncementForm(PortalForm):
    """An announcement to every member of a region's organisations: a title and plain
    text (sent as written, by mail too)."""

    title = forms.CharField(label=_("Title"), max_length=ANNOUNCEMENT_TITLE_MAX)
    body = forms.CharField(
        label=_("Announcement text"),
        max_length=ANNOUNCEMENT_BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
    )


class MoveForm(PortalForm):
    """A member's move (人事異動) as their organisation's admin records it."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Moves to another department")
        LEFT = "left", _("Leaves the organisation")

    kind = forms.ChoiceField(
        label=_("The move"), choices=Kind.choices, widget=forms.RadioSelect, initial=Kind.DEPARTMENT
    )
    to_department = forms.CharField(
        label=_("New department (所属)"),
        max_length=100,
        required=False,
        help_text=_("Only for a move to another department."),
    )
    moved_on = forms.DateField(
        label=_("Date of the move"),
        widget=DateInput(),
        help_text=_("Most staff move on 1 April."),
    )


KEEP = "keep"


class HandoverForm(PortalForm):
    """One successor for each item of a pending handover: a select per item
    (`item_<id>`), among the organisation's active members, or "the person keeps it"
    after a department change."""

    def __init__(self, *args, handover, people: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.handover = handover
        choices = [("", _("Choose a successor"))]
        if handover.reason == handover.Reason.DEPARTMENT:
            choices.append((KEEP, _("%(name)s keeps it") % {"name": handover.person.display_name}))
        choices += [(str(pk), label) for pk, label in people]
        for item in handover.items.all():
            self.fields[f"item_{item.pk}"] = forms.ChoiceField(
                label=f"{holdings.title_of(item.kind)}: {item.label}", choices=choices
            )

    def choices(self) -> dict[int, int | None]:
        """{item id: successor's user id, or None to keep} of a valid form."""
        return {
            int(name.removeprefix("item_")): None if value == KEEP else int(value)
            for name, value in self.cleaned_data.items()
        }


class NetworkJoinForm(PortalForm):
    """A municipality's request to join a network, by one of its admins or coordinators
    (`municipalities`: those they may ask for)."""

    organisation = forms.ChoiceField(label=_("Municipality"))
    message = forms.CharField(
        label=_("Message to the network"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What your municipality brings, and what it hopes to share."),
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipalities = {str(m.pk): m for m in municipalities}
        self.fields["organisation"].choices = [
            (pk, f"{m.name}（{m.local_government_code}）") for pk, m in self.municipalities.items()
        ]

    def chosen(self) -> Organisation:
        return self.municipalities[self.cleaned_data["organisation"]]


class NetworkDecisionForm(DecisionForm):
    """An answer to a municipality's request to join a network; declining needs a reason."""

    note = forms.CharField(
        label=_("Reason (required when declining; the municipality is told)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NetworkAgreementForm(PortalForm):
    """An agreement of a network: title, date, and its text or the official document."""

    title = forms.CharField(label=_("Title"), max_length=200)
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    text = forms.CharField(
        label=_("Text of the agreement"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    document_url = forms.URLField(
        label=_("Address of the official document"),
        required=False,
        assume_scheme="https",
        help_text=_("For example the PDF on a member's website."),
    )


class NetworkFieldForm(PortalForm):
    """A field a member leads in the network (`members`: the network's organisations)."""

    organisation = forms.ChoiceField(label=_("Member"))
    field = forms.CharField(
        label=_("Field it leads"), max_length=100, help_text=_("For example 官民共創 or DX.")
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {str(m.pk): m for m in members}
        self.fields["organisation"].choices = [(pk, m.name) for pk, m in self.members.items()]

    def chosen(self) -> Organisation:
        return self.members[self.cleaned_data["organisation"]]
