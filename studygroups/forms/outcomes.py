"""Forms of outcomes: a team's outcome (public in the archive) and the archive's keyword."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cocreation.core.forms import PortalForm, PortalModelForm

from ..models import Outcome

PUBLIC_IN_ARCHIVE = _(
    "Made public: once the cohort's outcomes are published, anyone can read this in the "
    "outcome archive, without signing in."
)


class OutcomeForm(PortalModelForm):
    """A team's outcome; every field is shown to anyone in the public archive."""

    class Meta:
        model = Outcome
        fields = ["proposal_title", "summary", "implemented"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "implemented": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {name: PUBLIC_IN_ARCHIVE for name in fields}


class ArchiveSearchForm(PortalForm):
    """The archive's keyword (`q` of the address). A keyword over 200 characters or with
    control characters is refused, not cut: the page then searches nothing and says so."""

    q = forms.CharField(label=_("Keyword"), max_length=200, required=False)
