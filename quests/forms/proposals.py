"""Forms of the proposal pages: the proposal and its attachments, its review, the decision,
the private thread, the withdrawal and the public summary."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cocreation.core.forms import PortalForm, PortalModelForm
from cocreation.core.uploads import PDF_OR_IMAGE, check_upload
from cocreation.core.widgets import MultipleFileInput
from cocreation.organisations.models import Organisation

from ..models import Proposal

# A proposal's attachments: the portal's upload rule (cocreation.core.uploads.check_upload:
# the name's extension and the bytes must agree) for PDF, PNG or JPEG, plus the proposal's
# own limits.
ATTACHMENT_TYPES = PDF_OR_IMAGE
MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5


def validate_attachments(uploads, *, already: int = 0) -> list:
    """Check new attachments (a list of UploadedFile) of a proposal that has `already`
    files: at most MAX_FILES in all, each at most MAX_BYTES and of ATTACHMENT_TYPES.

    Each refusal names the file (size, type, content not matching the name). Accepted
    files get the content type read from their bytes and a safe name (`upload.name`).
    Raises ValidationError with every refusal at once; returns the list otherwise.
    """
    errors = []
    if already + len(uploads) > MAX_FILES:
        errors.append(
            gettext("A proposal can have at most %(max)d attachments (it has %(count)d already).")
            % {"max": MAX_FILES, "count": already}
        )
    for upload in uploads:
        try:
            check_upload(upload, allowed=ATTACHMENT_TYPES, max_bytes=MAX_BYTES)
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return list(uploads)


class MultipleFileField(forms.FileField):
    """Several files in one field; cleans to a list (empty when none was chosen)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class ProposalForm(PortalModelForm):
    """A company's proposal (Proposal.WRITTEN_FIELDS) and new attachments.

    `companies`: the companies the person may propose for; `existing_attachments`: how many
    files the proposal has already (the limit counts them)."""

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
        fields = list(Proposal.WRITTEN_FIELDS)
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
        # Every written part but the title is a paragraph or more.
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in Proposal.WRITTEN_FIELDS
            if name != "title"
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
        """{field name: text} for each of Proposal.WRITTEN_FIELDS, as proposal_save takes it."""
        return {name: self.cleaned_data[name] for name in Proposal.WRITTEN_FIELDS}


SCORE_CHOICES = [(n, str(n)) for n in range(1, 6)]


class ReviewForm(PortalForm):
    """One 1–5 score and comment per criterion, or a declared conflict of interest.

    `criteria`: the quest's ReviewCriterion rows; `review`: the reviewer's saved Review, if
    any, whose answers the form starts with."""

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
        """[(criterion, score field, comment field)] for the page's table."""
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def scores(self) -> dict[int, tuple[int, str]]:
        """{criterion id: (score 1–5, comment)}; empty when a conflict is declared."""
        if self.cleaned_data.get("conflict"):
            return {}
        return {
            c.pk: (self.cleaned_data[f"score_{c.pk}"], self.cleaned_data[f"comment_{c.pk}"])
            for c in self.criteria
        }


class DecisionForm(PortalForm):
    """Adopted, not adopted (with the reason the company reads) or on hold."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(state, state.label) for state in Proposal.DECISIONS],
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
    """A message in the private thread between the company and the quest team."""

    body = forms.CharField(
        label=_("Message"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the proposing company and the quest team read the thread."),
    )


class WithdrawForm(PortalForm):
    """The company's withdrawal, with an optional reason the quest team reads."""

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


class ProposalSearchForm(PortalForm):
    """The keyword of a quest's proposal list (`q` of the address). A keyword over 200
    characters or with control characters is refused, not cut: the page then lists every
    proposal and says so."""

    q = forms.CharField(label=_("Keyword"), max_length=200, required=False)
