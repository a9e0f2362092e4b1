"""Forms of the proposal desk pages: the open proposal, triage, routing, the department's
view, the private thread, the board's sessions, agenda, scores, decisions and minutes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cocreation.core.choices import keep_choices
from cocreation.core.forms import PortalForm, PortalModelForm
from cocreation.core.widgets import DateInput
from cocreation.organisations.models import Organisation

from ..models import AgendaItem, BoardSession, DeskDepartment, OpenProposal, ProposalDesk, Theme
from .proposals import SCORE_CHOICES


class DeskForm(PortalModelForm):
    """A desk's texts and themes; on a new desk also who opens it (`openers`, from
    permissions.desk_openers), on an existing one whether it takes proposals."""

    opener = forms.ChoiceField(label=_("Opened by"))

    class Meta:
        model = ProposalDesk
        fields = ["name", "intake_text", "board_rules", "themes", "is_open"]
        labels = {
            "name": _("Name of the desk"),
            "intake_text": _("What the desk asks proposers"),
            "board_rules": _("Rules of the review board"),
            "themes": _("Themes"),
            "is_open": _("Takes proposals now"),
        }
        help_texts = {
            "intake_text": _("Shown on the desk's page and above the proposal form."),
            "board_rules": _(
                "When the board meets, how it judges and what is published. The criteria "
                "start as the three-party benefit (town, residents, proposer)."
            ),
        }
        widgets = {
            "intake_text": forms.Textarea(attrs={"rows": 6}),
            "board_rules": forms.Textarea(attrs={"rows": 6}),
            "themes": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, openers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Theme.objects.all()
        keep_choices(self.fields["themes"], "desk_form.themes")
        if self.instance.pk:
            del self.fields["opener"]
        else:
            del self.fields["is_open"]
            self.fields["opener"].choices = [
                (f"{kind}:{o.pk}", o.name) for kind, o in openers or []
            ]

    def chosen_opener(self) -> tuple[str, int]:
        """("municipality" or "region", id) of the chosen opener."""
        kind, pk = self.cleaned_data["opener"].split(":")
        return kind, int(pk)

    def desk_data(self) -> dict:
        """The desk's columns, as desk_open and desk_update take them."""
        names = ["name", "intake_text", "board_rules"]
        if "is_open" in self.fields:
            names.append("is_open")
        return {name: self.cleaned_data[name] for name in names}


class OpenProposalForm(PortalModelForm):
    """An open proposal (OpenProposal.WRITTEN_FIELDS) for one of `organisations` (the
    organisations the person may propose for; fixed once the proposal exists)."""

    organisation = forms.ModelChoiceField(
        label=_("Proposing organisation"), queryset=Organisation.objects.none(), empty_label=None
    )

    class Meta:
        model = OpenProposal
        fields = list(OpenProposal.WRITTEN_FIELDS)
        labels = {
            "title": _("Title"),
            "summary": _("Summary"),
            "approach": _("Approach"),
            "benefit_town": _("Benefit for the town"),
            "benefit_residents": _("Benefit for the residents"),
            "benefit_proposer": _("Benefit for your organisation"),
            "needs_from_municipality": _("What you need from the municipality"),
            "schedule": _("Schedule"),
            "confidential": _("Confidential part (not published)"),
        }
        help_texts = {
            "confidential": _(
                "Prices, know-how or anything else not to be published. It is read by your "
                "organisation, the desk's staff and board reviewers and the site "
                "administrators; never by the departments consulted, never published."
            ),
            "benefit_town": _("The board judges the benefit to the town, the residents and you."),
        }
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in OpenProposal.WRITTEN_FIELDS
            if name != "title"
        }

    field_order = ["organisation"]

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in organisations]
        )
        if self.instance.pk:
            self.fields["organisation"].initial = self.instance.organisation_id
            self.fields["organisation"].disabled = True
        elif len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0].pk

    def proposal_data(self) -> dict:
        """{field: text} for each of OpenProposal.WRITTEN_FIELDS, as open_proposal_save
        takes it."""
        return {name: self.cleaned_data[name] for name in OpenProposal.WRITTEN_FIELDS}


class TriageForm(PortalForm):
    """The desk's triage: more information needed, to the board, or declined."""

    action = forms.ChoiceField(
        label=_("Triage"),
        choices=[
            ("needs_info", _("Ask for more information")),
            ("to_board", _("Send to the review board")),
            ("decline", _("Decline")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Question or reason (sent to the proposer)"),
        help_text=_("Required to ask for information or to decline; the proposer reads it."),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RouteForm(PortalForm):
    """The departments concerned (担当部局) a proposal is sent to for their view."""

    departments = forms.ModelMultipleChoiceField(
        label=_("Departments concerned"),
        queryset=DeskDepartment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, desk, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = DeskDepartment.objects.filter(
            desk=desk
        ).select_related("organisation")


class DepartmentViewForm(PortalForm):
    """The routed department's view of a proposal."""

    view = forms.CharField(
        label=_("The department's view"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Read by the desk's staff and the board; not by the proposer."),
    )


class DeskMessageForm(PortalForm):
    """A message in the private thread between the proposer and the desk's staff."""

    body = forms.CharField(
        label=_("Message"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the proposing organisation and the desk's staff read the thread."),
    )


class SessionForm(PortalModelForm):
    """A dated session of the review board."""

    class Meta:
        model = BoardSession
        fields = ["held_on", "place"]
        labels = {"held_on": _("Date"), "place": _("Place")}
        widgets = {"held_on": DateInput()}


class AgendaForm(PortalForm):
    """A proposal sent to the board, put on a session's agenda."""

    proposal = forms.ModelChoiceField(
        label=_("Proposal"), queryset=OpenProposal.objects.none(), empty_label=None
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = candidates


class BoardScoreForm(PortalForm):
    """One 1–5 score and comment per criterion of the desk (`criteria`); `mine` {criterion
    id: BoardScore} the reviewer's saved scores the form starts with."""

    def __init__(self, *args, criteria, mine=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        mine = mine or {}
        for criterion in self.criteria:
            saved = mine.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name,
                choices=SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                help_text=criterion.description,
                initial=saved.score if saved else None,
                error_messages={"required": _("Give a score from 1 to 5.")},
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment on “%(criterion)s”") % {"criterion": criterion.name},
                required=False,
                max_length=2000,
                widget=forms.TextInput,
                initial=saved.comment if saved else "",
            )

    def criterion_rows(self):
        """[(criterion, score field, comment field)] for the page's table."""
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def scores(self) -> dict[int, tuple[int, str]]:
        """{criterion id: (score 1–5, comment)}, as scores_save takes it."""
        return {
            c.pk: (self.cleaned_data[f"score_{c.pk}"], self.cleaned_data[f"comment_{c.pk}"])
            for c in self.criteria
        }


class BoardDecisionForm(PortalForm):
    """The board's decision on an agenda item, with the reason the proposer reads."""

    decision = forms.ChoiceField(
        label=_("Decision"), choices=AgendaItem.Decision.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason (sent to the proposer; not in the public minutes)"),
        help_text=_("Required unless the proposal is adopted."),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision and decision != AgendaItem.Decision.ADOPTED:
            if not (cleaned.get("reason") or "").strip() and "reason" not in self.errors:
                self.add_error("reason", _("Give the reason the proposer will read."))
        return cleaned


class MinutesForm(PortalForm):
    """The session's public minutes (no confidential part: they are public as written)."""

    minutes = forms.CharField(
        label=_("Public minutes"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Published as written for anyone to read, with the number of decisions and the "
            "adopted proposals. Do not write confidential parts, scores or the reasons "
            "sent to proposers."
        ),
    )
    publish = forms.BooleanField(label=_("Publish the minutes"), required=False, initial=True)
