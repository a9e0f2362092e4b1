"""What people send to the organisation pages: join requests, registrations, decisions,
roles."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from cocreation.core.forms import PortalForm
from cocreation.core.widgets import DateInput

from . import holdings
from .models import PREFECTURE_CHOICES, Membership, Organisation
from .services import ANNOUNCEMENT_BODY_MAX, ANNOUNCEMENT_TITLE_MAX


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
