from django import forms
from django.utils.translation import gettext_lazy as _

from cocreation.organisations.models import Organisation
from quests.forms import DateInput

from .models import Deliverable, Field, Member, Outcome, Session, Team


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ApplicationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Your municipality"), queryset=Organisation.objects.none(), empty_label=None
    )
    department = forms.CharField(label=_("Department (所属)"), max_length=200)
    position = forms.CharField(label=_("Position (職名)"), max_length=100)
    birth_date = forms.DateField(
        label=_("Date of birth"), widget=DateInput(), required=False,
        help_text=_("Used only to check the age limit on April 1."),
    )  # fmt: skip
    preferred_fields = forms.ModelMultipleChoiceField(
        label=_("Fields you would like to research"), queryset=Field.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
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


class MemberTeamForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    team_role = forms.ChoiceField(
        label=_("Role in the team"), choices=Member.TeamRole.choices, required=False
    )
    cohort_role = forms.ChoiceField(
        label=_("Role in the cohort"), choices=Member.CohortRole.choices, required=False
    )

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = cohort.teams.select_related("field")


class SessionForm(forms.ModelForm):
    online_url = forms.URLField(
        label=_("Online meeting or streaming link"), required=False, assume_scheme="https"
    )

    class Meta:
        model = Session
        fields = ["kind", "title", "team", "phase", "starts_at", "ends_at", "place", "online_url",
                  "lecturer", "content"]  # fmt: skip
        widgets = {"starts_at": DateTimeInput(), "ends_at": DateTimeInput(),
                   "content": forms.Textarea(attrs={"rows": 3})}  # fmt: skip

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = cohort.teams.select_related("field")
        self.fields["phase"].queryset = cohort.phases.all()


class SeriesForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False,
                                  empty_label=_("The whole cohort"))  # fmt: skip
    title = forms.CharField(label=_("Title"), max_length=200, initial="班会議（ウェブ）")
    first_start = forms.DateTimeField(label=_("First session starts"), widget=DateTimeInput())
    hours = forms.DecimalField(label=_("Length (hours)"), min_value=0.5, max_value=8, initial=2)
    weeks = forms.IntegerField(label=_("Number of weeks"), min_value=1, max_value=52, initial=10)
    online_url = forms.URLField(
        label=_("Online meeting link"), required=False, assume_scheme="https"
    )

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = cohort.teams.select_related("field")


class MoveForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("New start"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("New end"), widget=DateTimeInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)


class SurveyForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How useful was this session? (5 = very)"), coerce=int,
        choices=[(n, str(n)) for n in range(1, 6)], widget=forms.RadioSelect,
    )  # fmt: skip
    comment = forms.CharField(
        label=_("What did you learn, what would you change?"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
    )  # fmt: skip


class UploadForm(forms.Form):
    file = forms.FileField(label=_("PDF file"), help_text=_("PDF only, up to 20 MB."))
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    summary = forms.CharField(label=_("Summary"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError(_("%(name)s is not a PDF file.") % {"name": upload.name})
        return upload


class DeliverableForm(forms.ModelForm):
    class Meta:
        model = Deliverable
        fields = ["kind", "title", "phase", "due_at"]
        widgets = {"due_at": DateTimeInput()}

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = cohort.phases.all()


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment (講評)"), widget=forms.Textarea(attrs={"rows": 3}))


class OutcomeForm(forms.ModelForm):
    class Meta:
        model = Outcome
        fields = ["proposal_title", "summary", "implemented"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4}),
                   "implemented": forms.Textarea(attrs={"rows": 3})}  # fmt: skip


class ScheduleFilterForm(forms.Form):
    """Which sessions the schedule lists: a team's (with the whole cohort's), and when."""

    team = forms.ChoiceField(label=_("Team"), required=False)
    period = forms.ChoiceField(
        label=_("Period"), required=False,
        choices=[("upcoming", _("Upcoming")), ("past", _("Past")), ("all", _("All"))],
    )  # fmt: skip

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [
            ("", _("All teams")),
            ("cohort", _("Whole-cohort sessions only")),
            *[(str(team.pk), str(team)) for team in cohort.teams.select_related("field")],
        ]
