"""Forms of the proposal pages: the proposal, its review, the decision, the thread."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cocreation.core.forms import PortalForm, PortalModelForm
from cocreation.organisations.models import Organisation

from .models import Proposal
from .uploads import MAX_FILES, validate_attachments


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class ProposalForm(PortalModelForm):
    company = forms.ModelChoiceField(
        label=_("Proposing company"), queryset=Organisation.objects.none(), empty_label=None
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, PNG or JPEG; up to 10 MB each, %(max)d files in all.")
        % {"max": MAX_FILES},
    )

    class Meta:
        model = Proposal
        fields = [
            "title",
            "summary",
            "approach",
            "company_brings",
            "needs_from_municipality",
            "expected_results",
            "measurement",
            "schedule",
            "confidential",
        ]
        labels = {
            "title": _("Title"),
            "summary": _("Summary"),
            "approach": _("Approach"),
            "company_brings": _("What your company brings"),
            "needs_from_municipality": _("What you need from the municipality"),
            "expected_results": _("Expected results"),
            "measurement": _("How the results would be measured"),
            "schedule": _("Schedule"),
            "confidential": _("Confidential part (not published)"),
        }
        help_texts = {
            "confidential": _(
                "Prices, know-how or anything else not to be published. It is read by your "
                "company, the quest team (municipal staff of any municipality may join it), "
                "the coordinators of the host's region and the site administrators, and is "
                "never published."
            ),
            "measurement": _("For example: kg of food loss reduced per month."),
        }
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in [
                "summary",
                "approach",
                "company_brings",
                "needs_from_municipality",
                "expected_results",
                "measurement",
                "schedule",
                "confidential",
            ]
        }

    field_order = ["company"]

    def __init__(self, *args, companies, existing_attachments=0, **kwargs):
        super().__init__(*args, **kwargs)
        self.existing_attachments = existing_attachments
        self.fields["company"].queryset = Organisation.objects.filter(
            pk__in=[c.pk for c in companies]
        )
        if self.instance.pk:
            self.fields["company"].initial = self.instance.company_id
            self.fields["company"].disabled = True
        elif len(companies) == 1:
            self.fields["company"].initial = companies[0].pk
        self.fields["confidential"].required = False

    def clean_attachments(self):
        return validate_attachments(
            self.cleaned_data.get("attachments") or [], already=self.existing_attachments
        )

    def proposal_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


SCORE_CHOICES = [(n, str(n)) for n in range(1, 6)]


class ReviewForm(PortalForm):
    """One 1–5 score and comment per criterion, or a declared conflict of interest."""

    conflict = forms.BooleanField(
        label=_("I have a conflict of interest with this company and abstain"), required=False
    )
    conflict_note = forms.CharField(
        label=_("Nature of the conflict"), required=False, widget=forms.TextInput
    )
    comment = forms.CharField(
        label=_("Overall comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, criteria, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        existing = {s.criterion_id: s for s in review.scores.all()} if review else {}
        for criterion in self.criteria:
            score = existing.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name,
                choices=SCORE_CHOICES,
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
                help_text=criterion.description,
                initial=score.score if score else None,
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment on “%(criterion)s”") % {"criterion": criterion.name},
                required=False,
                widget=forms.TextInput,
                initial=score.comment if score else "",
            )
        if review:
            self.fields["conflict"].initial = review.conflict_of_interest
            self.fields["conflict_note"].initial = review.conflict_note
            self.fields["comment"].initial = review.comment

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("conflict"):
            for criterion in self.criteria:
                if cleaned.get(f"score_{criterion.pk}") in (None, ""):
                    self.add_error(f"score_{criterion.pk}", _("Give a score from 1 to 5."))
        elif not cleaned.get("conflict_note"):
            self.add_error("conflict_note", _("Say briefly what the conflict is."))
        return cleaned

    def criterion_rows(self):
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def scores(self) -> dict[int, tuple[int, str]]:
        if self.cleaned_data.get("conflict"):
            return {}
        return {
            c.pk: (self.cleaned_data[f"score_{c.pk}"], self.cleaned_data[f"comment_{c.pk}"])
            for c in self.criteria
        }


class DecisionForm(PortalForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Proposal.State.ADOPTED, Proposal.State.ADOPTED.label),
            (Proposal.State.NOT_ADOPTED, Proposal.State.NOT_ADOPTED.label),
            (Proposal.State.ON_HOLD, Proposal.State.ON_HOLD.label),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (required when not adopted; sent to the company)"),
        help_text=_(
            "The company's members read it on the proposal and in their notification; "
            "it is not published."
        ),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("decision") == Proposal.State.NOT_ADOPTED
            and not cleaned.get("reason", "").strip()
        ):
            self.add_error("reason", _("Give the reason the proposal is not adopted."))
        return cleaned


class MessageForm(PortalForm):
    body = forms.CharField(
        label=_("Message"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the proposing company and the quest team read the thread."),
    )


class WithdrawForm(PortalForm):
    reason = forms.CharField(
        label=_("Reason (optional; the quest team reads it)"),
        help_text=_("Shown in the proposal's history to the quest team and your company."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PublicSummaryForm(PortalForm):
    """The team drafts, the company agrees, the team publishes (see public_summary_update)."""

    ACTIONS = ["draft", "agree", "publish", "unpublish"]

    action = forms.ChoiceField(
        choices=[(a, a) for a in ACTIONS], widget=forms.HiddenInput, required=False
    )
    public_summary = forms.CharField(
        label=_("Public summary (published once the company agrees)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        required=False,
        help_text=_(
            "Published on the quest page for other municipalities once the company agrees."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        if "action" not in self.errors and not cleaned.get("action"):
            self.add_error("action", _("Choose what to do with the public summary."))
        if cleaned.get("action") == "draft" and not (cleaned.get("public_summary") or "").strip():
            if "public_summary" not in self.errors:
                self.add_error("public_summary", _("Write the public summary."))
        return cleaned
