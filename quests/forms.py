"""Forms of a quest's own pages: the quest, its state, its team and review criteria."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cocreation.core.forms import PortalForm, PortalModelForm
from cocreation.organisations.models import Organisation

from .models import Quest, ReviewCriterion, SdgTarget, TeamMember, Theme


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class GroupedTargetIterator(forms.models.ModelChoiceIterator):
    """Yields (goal, [(code, label), …]) groups, read from the database only when rendered."""

    def __iter__(self):
        groups: dict[str, list] = {}
        for target in self.queryset:
            groups.setdefault(str(target.goal), []).append(
                (target.code, f"{target.code} {target.display_text[:60]}")
            )
        yield from groups.items()


class GroupedTargetField(forms.ModelMultipleChoiceField):
    """SDG targets grouped under their goal, so 169 options stay readable."""

    iterator = GroupedTargetIterator


class QuestForm(PortalModelForm):
    """A quest's text. Everything in it, the contact person's name, department, email and
    phone included, is shown to anyone (signed in or not) once the quest leaves the
    draft state; the contact fields and the page say so."""

    host = forms.ModelChoiceField(
        label=_("Host municipality"), queryset=Organisation.objects.none()
    )
    co_hosts = forms.ModelMultipleChoiceField(
        label=_("Co-host municipalities"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Other municipalities that host the quest with you (optional)."),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sdg_targets = GroupedTargetField(
        label=_("SDG targets"),
        queryset=SdgTarget.objects.select_related("goal"),
        to_field_name="code",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("For example 8.3 and 17.17. Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    offers = forms.MultipleChoiceField(
        label=_("What the municipality offers"),
        choices=Quest.Offer.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Quest
        fields = [
            "title",
            "summary",
            "background",
            "affected",
            "tried",
            "outcome_sought",
            "offer_details",
            "proposal_deadline",
            "trial_starts_on",
            "trial_ends_on",
            "contact_name",
            "contact_department",
            "contact_email",
            "contact_phone",
        ]
        labels = {
            "title": _("Title"),
            "summary": _("Summary"),
            "background": _("The issue and its background"),
            "affected": _("Who is affected"),
            "tried": _("What has been tried"),
            "outcome_sought": _("Outcome sought"),
            "offer_details": _("Details of what is offered"),
            "proposal_deadline": _("Proposal deadline"),
            "trial_starts_on": _("Planned trial start"),
            "trial_ends_on": _("Planned trial end"),
            "contact_name": _("Contact person"),
            "contact_department": _("Contact department"),
            "contact_email": _("Contact email"),
            "contact_phone": _("Contact phone"),
        }
        help_texts = {
            name: _("Shown on the quest's page: once the quest is opened, anyone can read it.")
            for name in ["contact_name", "contact_department", "contact_email", "contact_phone"]
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "background": forms.Textarea(attrs={"rows": 6}),
            "affected": forms.Textarea(attrs={"rows": 3}),
            "tried": forms.Textarea(attrs={"rows": 3}),
            "outcome_sought": forms.Textarea(attrs={"rows": 3}),
            "offer_details": forms.Textarea(attrs={"rows": 3}),
            "proposal_deadline": DateInput(),
            "trial_starts_on": DateInput(),
            "trial_ends_on": DateInput(),
            "contact_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        }

    # Shown as three fieldsets on the page.
    SECTIONS = [
        (_("The issue"), ["title", "summary", "background", "affected", "tried", "outcome_sought",
                          "themes", "sdg_targets"]),
        (_("Hosts and what is offered"), ["host", "co_hosts", "offers", "offer_details",
                                          "proposal_deadline", "trial_starts_on",
                                          "trial_ends_on"]),
        (_("Contact"), ["contact_name", "contact_department", "contact_email", "contact_phone"]),
    ]  # fmt: skip

    def __init__(self, *args, hosts, **kwargs):
        super().__init__(*args, **kwargs)
        host_ids = [h.pk for h in hosts]
        if self.instance.pk and self.instance.host_id not in host_ids:
            host_ids.append(self.instance.host_id)
        self.fields["host"].queryset = Organisation.objects.filter(pk__in=host_ids).order_by(
            "name_kana", "name"
        )
        self.fields["co_hosts"].queryset = Organisation.objects.filter(
            kind=Organisation.Kind.MUNICIPALITY
        ).order_by("prefecture", "name_kana", "name")
        if self.instance.pk:
            self.fields["host"].initial = self.instance.host_id
            self.fields["co_hosts"].initial = [
                c.organisation_id for c in self.instance.co_hosts.all()
            ]
            self.fields["themes"].initial = list(self.instance.themes.all())
            self.fields["sdg_targets"].initial = [t.code for t in self.instance.sdg_targets.all()]
            self.fields["offers"].initial = list(self.instance.offers)
            if self.instance.state != Quest.State.DRAFT:
                # The host stays fixed once companies may have seen the quest.
                self.fields["host"].disabled = True
        elif len(host_ids) == 1:
            self.fields["host"].initial = host_ids[0]

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("trial_starts_on"), cleaned.get("trial_ends_on")
        if starts and ends and ends < starts:
            self.add_error("trial_ends_on", _("The trial cannot end before it starts."))
        return cleaned

    def quest_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["offers"] = self.cleaned_data["offers"]
        return data


class TransitionForm(PortalForm):
    """A move of the quest to `to_state`. The comment is published in the quest's history
    for anyone who may see the quest; the private note is kept for the team."""

    to_state = forms.ChoiceField(choices=Quest.State.choices, widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Public comment (optional)"),
        help_text=_("Anyone can read it on the quest's page"),
        required=False,
        max_length=2000,
        widget=forms.TextInput,
    )
    private_note = forms.CharField(
        label=_("Note for the team (optional, not public)"),
        help_text=_(
            "Only the quest team, staff of the host municipalities, the region's coordinators "
            "and site administrators read it."
        ),
        required=False,
        max_length=2000,
        widget=forms.TextInput,
    )

    def __init__(self, *args, **kwargs):
        # One form per possible move on the page: ids must not repeat.
        state = (kwargs.get("initial") or {}).get("to_state")
        if state in Quest.State.values:
            kwargs.setdefault("auto_id", f"id_{state}_%s")
        super().__init__(*args, **kwargs)


class TeamJoinForm(PortalForm):
    organisation = forms.ModelChoiceField(
        label=_("You join for"), queryset=Organisation.objects.none(), empty_label=None
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[m.pk for m in municipalities]
        )


class TeamMemberForm(PortalForm):
    """A change to one team member: a new role, or `action=remove`."""

    action = forms.ChoiceField(
        choices=[("", "role"), ("remove", "remove")], required=False, widget=forms.HiddenInput
    )
    role = forms.ChoiceField(label=_("Role"), choices=TeamMember.Role.choices, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "" and not cleaned.get("role") and "role" not in self.errors:
            self.add_error("role", _("Choose a valid role."))
        return cleaned


class CriterionForm(PortalModelForm):
    class Meta:
        model = ReviewCriterion
        fields = ["name", "description"]
        labels = {"name": _("Criterion"), "description": _("What reviewers look for")}
        widgets = {"description": forms.TextInput}

    def validate_unique(self):
        # Names are compared across the whole formset (BaseCriterionFormSet.clean), where a
        # swap of two names is allowed; the row-by-row check would refuse it.
        pass


class BaseCriterionFormSet(forms.BaseModelFormSet):
    """The quest's criteria in order. Two rows with the same name are refused next to the
    later one; a swap of two names is fine (the constraint is checked at the end)."""

    def clean(self):
        super().clean()
        if any("id" in form.errors for form in self.forms):
            # The hidden row ids did not match this quest's criteria: an altered page, or
            # one opened before someone else removed a criterion.
            raise forms.ValidationError(
                _("The list of criteria has changed since the page was opened. "
                  "Reload the page and make your changes again."),
                code="stale_rows",
            )  # fmt: skip
        seen: set[str] = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            name = (form.cleaned_data.get("name") or "").strip()
            if not name:
                continue
            if name in seen:
                form.add_error("name", _("A criterion with this name already exists."))
            seen.add(name)

    def validate_unique(self):
        pass


CriterionFormSet = forms.modelformset_factory(
    ReviewCriterion,
    form=CriterionForm,
    formset=BaseCriterionFormSet,
    extra=2,
    can_delete=True,
    max_num=30,
    absolute_max=40,
    validate_max=True,
)


class ReuseForm(PortalForm):
    host = forms.ModelChoiceField(
        label=_("Host municipality of the new quest"), queryset=Organisation.objects.none()
    )

    def __init__(self, *args, hosts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = Organisation.objects.filter(pk__in=[h.pk for h in hosts])
        if len(hosts) == 1:
            self.fields["host"].initial = hosts[0].pk
