"""Forms of the reuse ledger (横展開): a municipality's record of reusing a quest's result,
and the search of the public "results to reuse" list."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cocreation.core.choices import keep_choices
from cocreation.core.forms import PortalForm
from cocreation.organisations.models import POPULATION_BANDS, Organisation

from ..models import ResultReuse, Theme

NOTE_MAX = 2000


class ReuseRecordForm(PortalForm):
    """Where the municipality stands with a quest's result: for which of the person's
    municipalities (`municipalities`, the choice hidden when there is one), the status,
    the public note and outcome, and the private note (for the municipality and the quest
    team only)."""

    municipality = forms.ModelChoiceField(
        label=_("Your municipality"), queryset=Organisation.objects.none()
    )
    status = forms.ChoiceField(
        label=_("Where your municipality stands"),
        choices=ResultReuse.Status.choices,
        widget=forms.RadioSelect,
        help_text=_("Public: shown with your municipality's name and local-government code."),
    )
    public_note = forms.CharField(
        label=_("Notes (public)"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you are reusing and how; anyone can read it."),
    )
    outcome = forms.CharField(
        label=_("Outcome (public)"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Later: what came of it in your municipality. Anyone can read it."),
    )
    private_note = forms.CharField(
        label=_("Private note"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only your municipality's staff and the quest's team can read it."),
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Organisation.objects.filter(
            pk__in=[m.pk for m in municipalities]
        )
        if len(municipalities) == 1:
            self.fields["municipality"].initial = municipalities[0].pk


class ResultsSearchForm(PortalForm):
    """The search of the "results to reuse" list (GET): keywords and a theme. A value not
    understood is left out (the page says so)."""

    q = forms.CharField(label=_("Keywords"), required=False, max_length=200)
    theme = forms.ModelChoiceField(
        label=_("Theme"),
        required=False,
        queryset=Theme.objects.all(),
        empty_label=_("Any theme"),
    )
    size = forms.ChoiceField(
        label=_("Size of the municipalities that used it"),
        required=False,
        choices=[("", _("Any size")), *[(value, label) for value, label, *_r in POPULATION_BANDS]],
        help_text=_("The host or a municipality that reused it, by population."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keep_choices(self.fields["theme"], "results_search.theme")
