"""The form of a placement offer."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from cocreation.core.choices import choices_from_rows, rows_if_few
from cocreation.core.forms import PortalForm
from cocreation.core.widgets import DateInput
from cocreation.organisations.forms import SELECT_MAX, organisation_choice
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
        field = self.fields["host"]
        self.fields["host"] = organisation_choice(
            municipalities, label=field.label, select={"empty_label": None}
        )
        managed = municipalities.values("pk")
        rooms = Space.objects.filter(host__in=managed, is_active=True).order_by("name", "id")
        mentors = (
            get_user_model()
            .objects.filter(
                is_active=True,
                pk__in=Membership.objects.filter(
                    organisation__in=managed, status=Membership.Status.ACTIVE
                ).values("user_id"),
            )
            .order_by("family_name_kana", "id")
        )
        # Selects while they stay short; a site admin, who manages every municipality,
        # types the room's name and the mentor's address instead of choosing among 1,000
        # rooms and every member of staff in the country (the host's own are checked in
        # clean()).
        self.typed = set()
        self._offer(
            "room",
            rooms,
            forms.CharField(
                label=self.fields["room"].label,
                required=False,
                max_length=200,
                help_text=_(
                    "The name of a room the host municipality runs, as on its page. Needed "
                    "unless the placement is wholly online."
                ),
            ),
        )
        self._offer(
            "mentor",
            mentors,
            forms.EmailField(
                label=self.fields["mentor"].label,
                help_text=_("The mentor's e-mail address: an active member of the host."),
            ),
        )

    def _offer(self, name: str, queryset, typed: forms.Field) -> None:
        # A select of the rows read, or the typed field when they are too many.
        rows = rows_if_few(queryset, SELECT_MAX)
        if rows is None:
            self.fields[name] = typed
            self.typed.add(name)
            return
        self.fields[name].queryset = queryset
        choices_from_rows(self.fields[name], rows)

    def _resolve(self, cleaned: dict, name: str, found, message: str, params: dict) -> None:
        # A typed room or mentor, read as the host's own (`found(text)`, or None).
        if name not in self.typed:
            return
        text = cleaned.get(name)
        cleaned[name] = found(text) if text else None
        if text and cleaned[name] is None:
            self.add_error(name, message % params)

    def clean(self):
        cleaned = super().clean()
        host = cleaned.get("host")
        if host is None:
            # The host's own error says what to fix; its rooms and staff are unknown.
            return cleaned
        self._resolve(
            cleaned,
            "room",
            lambda name: Space.objects.filter(host=host, is_active=True, name=name).first(),
            _("%(host)s runs no room called “%(name)s”."),
            {"host": host, "name": cleaned.get("room")},
        )
        self._resolve(
            cleaned,
            "mentor",
            lambda email: (
                get_user_model()
                .objects.filter(
                    is_active=True,
                    email__iexact=email,
                    memberships__organisation=host,
                    memberships__status=Membership.Status.ACTIVE,
                )
                .first()
            ),
            _("No active member of %(host)s has the address %(email)s."),
            {"host": host, "email": cleaned.get("mentor")},
        )
        return cleaned
