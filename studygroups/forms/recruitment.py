"""Forms of recruitment: applying to a cohort, and a coordinator's decision."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cocreation.core import inputs
from cocreation.core.forms import PortalForm
from cocreation.core.widgets import DateInput
from cocreation.organisations.models import Organisation

from ..models import Field


class ApplicationForm(PortalForm):
    """An application to a cohort: for which municipality, the person's post, date of
    birth (required when the cohort has an age limit), preferred fields, motivation."""

    organisation = forms.ModelChoiceField(
        label=_("Your municipality"), queryset=Organisation.objects.none(), empty_label=None
    )
    department = forms.CharField(label=_("Department (所属)"), max_length=200)
    position = forms.CharField(label=_("Position (職名)"), max_length=100)
    birth_date = forms.DateField(
        label=_("Date of birth"),
        widget=DateInput(),
        required=False,
        validators=[inputs.validate_birth_date],
        help_text=_("Used only to check the age limit on April 1."),
    )
    preferred_fields = forms.ModelMultipleChoiceField(
        label=_("Fields you would like to research"),
        queryset=Field.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    motivation = forms.CharField(
        label=_("Motivation"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000
    )

    def __init__(self, *args, cohort, municipalities, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[m.pk for m in municipalities]
        )
        self.fields["preferred_fields"].queryset = cohort.fields.all()
        self.fields["department"].initial = user.department
        self.fields["position"].initial = user.position
        if cohort.age_limit is not None:
            self.fields["birth_date"].required = True


class ApplicationDecisionForm(PortalForm):
    """A coordinator's decision on one application: the member's id (a hidden field of the
    row) and `accept` or `decline` (the button pressed). Anything else is refused, so that
    a request without a decision never declines an application."""

    member = forms.IntegerField(min_value=1, max_value=inputs.BIGINT_MAX, widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("decline", _("Decline"))], widget=forms.HiddenInput
    )
