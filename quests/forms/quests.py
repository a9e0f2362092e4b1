"""Forms of a quest's own pages: the quest, its state, its team, its review criteria and
its reuse."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cocreation.core.choices import keep_choices
from cocreation.core.forms import PortalForm, PortalModelForm
from cocreation.core.formsets import RowsInStep
from cocreation.core.widgets import DateInput
from cocreation.organisations.forms import MunicipalitiesField, organisation_choice
from cocreation.organisations.models import Organisation

from ..models import Quest, ReviewCriterion, SdgTarget, TeamMember, Theme


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
    draft state; the contact fields and the page say so.

    `hosts`: the municipalities the person may host for, a queryset
    (services.quests.hosts_user_may_choose), offered as a select, or typed when there are
    more than a select holds (a site admin's 1,741); an edited quest's own host stays
    offered.
    """

    host = forms.ModelChoiceField(
        label=_("Host municipality"), queryset=Organisation.objects.none()
    )
    # Typed, not chosen: a select of all 1,741 municipalities is a page of its own.
    co_hosts = MunicipalitiesField(
        label=_("Co-host municipalities"),
        required=False,
        # What co-hosts are, then how the field reads them (its own help, one translation).
        help_text=format_lazy(
            "{} {}",
            _("Other municipalities that host the quest with you (optional)."),
            MunicipalitiesField.default_help_text,
        ),
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
        (
            _("The issue"),
            [
                "title",
                "summary",
                "background",
                "affected",
                "tried",
                "outcome_sought",
                "themes",
                "sdg_targets",
            ],
        ),
        (
            _("Hosts and what is offered"),
            [
                "host",
                "co_hosts",
                "offers",
                "offer_details",
                "proposal_deadline",
                "trial_starts_on",
                "trial_ends_on",
            ],
        ),
        (_("Contact"), ["contact_name", "contact_department", "contact_email", "contact_phone"]),
    ]

    def __init__(self, *args, hosts, **kwargs):
        super().__init__(*args, **kwargs)
        keep_choices(self.fields["themes"], "quest_form.themes")
        if self.instance.pk:
            hosts = hosts | Organisation.objects.filter(pk=self.instance.host_id)
        self.fields["host"] = organisation_choice(hosts, label=self.fields["host"].label)
        if self.instance.pk:
            self.fields["host"].initial = self.instance.host
            self.fields["co_hosts"].initial = [
                c.organisation for c in self.instance.co_hosts.select_related("organisation")
            ]
            self.fields["themes"].initial = list(self.instance.themes.all())
            self.fields["sdg_targets"].initial = [t.code for t in self.instance.sdg_targets.all()]
            self.fields["offers"].initial = list(self.instance.offers)
            if self.instance.state != Quest.State.DRAFT:
                # The host stays fixed once companies may have seen the quest.
                self.fields["host"].disabled = True

    def sections(self):
        """[(fieldset title, [bound fields])] in the order the page shows them."""
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("trial_starts_on"), cleaned.get("trial_ends_on")
        if starts and ends and ends < starts:
            self.add_error("trial_ends_on", _("The trial cannot end before it starts."))
        host = cleaned.get("host")
        if host is not None and host in cleaned.get("co_hosts", []):
            self.add_error(
                "co_hosts",
                _("%(name)s hosts the quest already: leave it out of the co-hosts.")
                % {"name": host.name},
            )
        return cleaned

    def quest_data(self) -> dict:
        """The quest's own columns as the services take them ({field name: value}, with
        `offers` a list of Quest.Offer values)."""
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
    """The municipality a person joins a quest's team for, among `municipalities` (those
    they work for)."""

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

    REMOVE = "remove"

    action = forms.ChoiceField(
        choices=[("", "role"), (REMOVE, "remove")], required=False, widget=forms.HiddenInput
    )
    role = forms.ChoiceField(label=_("Role"), choices=TeamMember.Role.choices, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "" and not cleaned.get("role") and "role" not in self.errors:
            self.add_error("role", _("Choose a valid role."))
        return cleaned


class CriterionForm(PortalModelForm):
    """One review criterion: its name, what reviewers look for and its points (1–100)."""

    class Meta:
        model = ReviewCriterion
        fields = ["name", "description", "weight"]
        labels = {
            "name": _("Criterion"),
            "description": _("What reviewers look for"),
            "weight": _("Points"),
        }
        widgets = {"description": forms.TextInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left empty, a criterion keeps its points (a new one gets the default).
        self.fields["weight"].required = False

    def validate_unique(self):
        # Names are compared across the whole formset (BaseCriterionFormSet.clean), where a
        # swap of two names is allowed; the row-by-row check would refuse it.
        pass


class BaseCriterionFormSet(RowsInStep, forms.BaseModelFormSet):
    """The quest's criteria in order. A page out of step with the saved criteria is refused
    as a whole (RowsInStep); two rows with the same name are refused next to the later one;
    a swap of two names is fine (the constraint is checked at the end)."""

    def clean(self):
        super().clean()
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

    def rows(self) -> tuple[list[dict], list]:
        """The rows the page sent, as services.quests.criteria_update takes them, and the
        form of each row (same order), for refusals about one row. Empty new rows are left
        out."""
        rows, forms_of_rows = [], []
        for form in self.forms:
            if not form.has_changed() and form.instance.pk is None:
                continue
            data = form.cleaned_data
            rows.append(
                {
                    # The row's own criterion, looked up among this quest's criteria by
                    # the formset (never the posted id of an added row).
                    "id": form.instance.pk,
                    "name": data.get("name", ""),
                    "description": data.get("description", ""),
                    "weight": data.get("weight"),
                    "delete": data.get("DELETE", False),
                }
            )
            forms_of_rows.append(form)
        return rows, forms_of_rows


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
    """The host of a new quest started from a completed one, among `hosts`."""

    host = forms.ModelChoiceField(
        label=_("Host municipality of the new quest"), queryset=Organisation.objects.none()
    )

    def __init__(self, *args, hosts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"] = organisation_choice(hosts, label=self.fields["host"].label)
