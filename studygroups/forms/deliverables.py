"""Forms of the reports page: a deliverable, a version's upload, a comment (講評)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cocreation.core import uploads
from cocreation.core.forms import PortalForm, PortalModelForm
from cocreation.core.widgets import DateTimeInput

from ..models import Deliverable


class UploadForm(PortalForm):
    """A new version of a team's deliverable: one PDF with an optional title and summary."""

    MAX_BYTES = 20 * 1024 * 1024

    file = forms.FileField(label=_("PDF file"), help_text=_("PDF only, up to 20 MB."))
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_file(self):
        """PDF by extension and by content, at most `MAX_BYTES` (uploads.check_upload)."""
        upload = self.cleaned_data["file"]
        uploads.check_upload(upload, allowed=uploads.PDF, max_bytes=self.MAX_BYTES)
        return upload


class DeliverableForm(PortalModelForm):
    """A deliverable of the cohort, with its deadline and phase."""

    class Meta:
        model = Deliverable
        fields = ["kind", "title", "phase", "due_at"]
        labels = {"phase": _("phase")}
        widgets = {"due_at": DateTimeInput()}

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = cohort.phases.all()


class CommentForm(PortalForm):
    """A reviewer's comment (講評) on a version."""

    body = forms.CharField(label=_("Comment (講評)"), widget=forms.Textarea(attrs={"rows": 3}))
