"""The forms of applying to a placement and of the employer's and host's decisions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cocreation.core.forms import PortalForm
from cocreation.organisations.models import Organisation


class ApplicationForm(PortalForm):
    """An application: for which municipality (one the person works for that shares a
    network with the host) and why."""

    organisation = forms.ModelChoiceField(
        label=_("Your municipality"), queryset=Organisation.objects.none(), empty_label=None
    )
    motivation = forms.CharField(
        label=_("Motivation"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000
    )

    def __init__(self, *args, employers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in employers]
        )


class DecisionForm(PortalForm):
    """A decision on one application: `approve` or `refuse` (the button pressed), with a
    reason (required to refuse, which the service checks). Anything else is refused, so
    that a request without a decision decides nothing."""

    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))], widget=forms.HiddenInput
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
