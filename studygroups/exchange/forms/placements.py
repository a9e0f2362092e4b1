"""The form of a placement offer."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from cocreation.core.forms import PortalForm
from cocreation.core.widgets import DateInput
from cocreation.organisations.models import Membership, Organisation
from spaces.models import Space

from ..models import Placement


class _MentorChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name}（{obj.department}）" if obj.department else obj.display_name


class PlacementForm(PortalForm):
    """A placement: the host (one of the municipalities the person manages), its
    department, title and work, the period, days a week, the way of working, the room for
    on-site days (a space the host runs) and the mentor (an active member of the host).
    Whether room and mentor belong to the host is the service's rule."""

    host = forms.ModelChoiceField(
        label=_("Host municipality"), queryset=Organisation.objects.none(), empty_label=None
    )
    department = forms.CharField(label=_("Host department"), max_length=200)
    title = forms.CharField(label=_("Title"), max_length=200)
    work = forms.CharField(
        label=_("What the guest will work on"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
    )
    starts_on = forms.DateField(label=_("First day"), widget=DateInput())
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput())
    days_per_week = forms.IntegerField(label=_("Days per week"), min_value=1, max_value=5)
    mode = forms.ChoiceField(
        label=_("Way of working"), choices=Placement.Mode.choices, widget=forms.RadioSelect
    )
    room = forms.ModelChoiceField(
        label=_("Room for on-site days"),
        queryset=Space.objects.none(),
        required=False,
        help_text=_("Needed unless the placement is wholly online."),
    )
    mentor = _MentorChoice(label=_("Mentor"), queryset=get_user_model().objects.none())

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = municipalities
        managed = municipalities.values("pk")
        self.fields["room"].queryset = Space.objects.filter(
            host__in=managed, is_active=True
        ).order_by("name", "id")
        self.fields["mentor"].queryset = (
            get_user_model()
            .objects.filter(
                is_active=True,
                pk__in=Membership.objects.filter(
                    organisation__in=managed, status=Membership.Status.ACTIVE
                ).values("user_id"),
            )
            .order_by("family_name_kana", "id")
        )
