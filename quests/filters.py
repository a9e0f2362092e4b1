import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cocreation.organisations.models import Organisation, Region

from .models import Quest, SdgGoal, SdgTarget, Theme
from .search import filter_by_keywords


class QuestFilter(django_filters.FilterSet):
    """The quest list's filters; the querystring is the shareable address of a search."""

    q = django_filters.CharFilter(label=_("Keyword"), method="filter_keyword")
    theme = django_filters.ModelMultipleChoiceFilter(
        label=_("Themes"),
        field_name="themes",
        queryset=Theme.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    sdg = django_filters.ModelChoiceFilter(
        label=_("SDG goal"), queryset=SdgGoal.objects.all(), method="filter_sdg_goal"
    )
    target = django_filters.ModelChoiceFilter(
        label=_("SDG target"),
        queryset=SdgTarget.objects.select_related("goal"),
        field_name="sdg_targets",
        to_field_name="code",
    )
    host = django_filters.ModelChoiceFilter(
        label=_("Municipality"),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY).order_by(
            "name_kana", "name"
        ),
        method="filter_host",
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), queryset=Region.objects.order_by("name"), method="filter_region"
    )
    state = django_filters.ChoiceFilter(label=_("State"), choices=Quest.State.choices)
    accepting = django_filters.BooleanFilter(
        label=_("Accepting proposals now"),
        method="filter_accepting",
        widget=forms.CheckboxInput,
    )
    mine = django_filters.BooleanFilter(
        label=_("Quests whose team I am on"), method="filter_mine", widget=forms.CheckboxInput
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        choices=[("-created", _("Newest first")), ("deadline", _("Deadline, soonest first"))],
        fields={"proposal_deadline": "deadline", "created_at": "created"},
        empty_label=None,
    )

    class Meta:
        model = Quest
        fields = ["q", "theme", "sdg", "target", "host", "region", "state", "accepting", "mine"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            del self.filters["mine"]

    def filter_keyword(self, queryset, name, value):
        return filter_by_keywords(queryset, value)

    def filter_sdg_goal(self, queryset, name, value):
        return queryset.filter(sdg_targets__goal=value)

    def filter_host(self, queryset, name, value):
        return queryset.filter(Q(host=value) | Q(co_hosts__organisation=value))

    def filter_region(self, queryset, name, value):
        return queryset.filter(host__regions=value)

    def filter_mine(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(team__user=self.request.user)

    def filter_accepting(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(state=Quest.State.OPEN).filter(
            Q(proposal_deadline__isnull=True) | Q(proposal_deadline__gte=timezone.localdate())
        )

    @property
    def qs(self):
        # Joins through themes, co-hosts or regions may repeat a quest; list it once.
        return super().qs.distinct()
