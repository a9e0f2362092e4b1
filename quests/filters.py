"""The quest list's filters (also used by the open-data exports)."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cocreation.core.choices import keep_choices
from cocreation.core.forms import PortalForm
from cocreation.core.search import keyword_search
from cocreation.organisations.models import PREFECTURE_CHOICES, Organisation, Region

from .models import Quest, QuestCoHost, SdgGoal, SdgTarget, TeamMember, Theme
from .selectors.quests import filter_by_keywords

# The sort that keeps the keyword filter's order: best matches first (cocreation.core.search),
# then newest first; without a keyword, the list's own order (newest first).
RELEVANCE = "relevance"
# The reference data among the filters, read from the pages' cache (cocreation.core.choices).
KEPT_CHOICES = ("theme", "sdg", "target", "region")


class QuestOrdering(django_filters.OrderingFilter):
    """The list's sort; `RELEVANCE` leaves the order the keyword filter gave."""

    def filter(self, qs, value):
        if value and RELEVANCE in value:
            return qs
        return super().filter(qs, value)


class QuestFilter(django_filters.FilterSet):
    """The quest list's filters; the querystring is the shareable address of a search."""

    q = django_filters.CharFilter(label=_("Keyword"), method="filter_keyword", max_length=200)
    theme = django_filters.ModelMultipleChoiceFilter(
        label=_("Themes"),
        queryset=Theme.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        method="filter_themes",
    )
    sdg = django_filters.ModelChoiceFilter(
        label=_("SDG goal"), queryset=SdgGoal.objects.all(), method="filter_sdg_goal"
    )
    target = django_filters.ModelChoiceFilter(
        label=_("SDG target"),
        queryset=SdgTarget.objects.select_related("goal"),
        to_field_name="code",
        method="filter_sdg_target",
    )
    # A text box, not a list of every municipality: 1,741 options would cost every page of
    # the list a query and a long select; the box takes a name, a reading or a code.
    host = django_filters.CharFilter(
        label=_("Municipality"),
        help_text=_("A name, its reading or its local-government code, e.g. 郡山市 or 072036."),
        method="filter_host",
        max_length=100,
    )
    prefecture = django_filters.ChoiceFilter(
        label=_("Prefecture"), choices=PREFECTURE_CHOICES, method="filter_prefecture"
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
    sort = QuestOrdering(
        label=_("Sort by"),
        choices=[
            (RELEVANCE, _("Best match first")),
            ("-created", _("Newest first")),
            ("deadline", _("Deadline, soonest first")),
        ],
        fields={"proposal_deadline": "deadline", "created_at": "created"},
        empty_label=None,
    )

    class Meta:
        model = Quest
        form = PortalForm
        fields = [
            "q",
            "theme",
            "sdg",
            "target",
            "host",
            "prefecture",
            "region",
            "state",
            "accepting",
            "mine",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            del self.filters["mine"]
        for name in KEPT_CHOICES:
            keep_choices(self.form.fields[name], f"quest_filter.{name}")
        self.ignored: list[str] = []

    @classmethod
    def understood(cls, data, **kwargs) -> "QuestFilter":
        """The filterset over `data` (a QueryDict) without the conditions its form refuses
        (an unknown theme, a keyword with control characters, a sort that does not
        exist…), so a shared or mistyped address still lists quests.

        `ignored` holds the labels of the conditions left out, for the page to say so.
        """
        filterset = cls(data, **kwargs)
        if filterset.is_valid():
            return filterset
        refused = [name for name in filterset.form.errors if name in data]
        kept = data.copy()
        for name in refused:
            kept.pop(name, None)
        if "sort" in refused:
            kept["sort"] = "-created"
        cleaned = cls(kept, **kwargs)
        cleaned.ignored = [str(filterset.form.fields[name].label) for name in refused]
        return cleaned

    def filter_keyword(self, queryset, name, value):
        return filter_by_keywords(queryset, value)

    # Conditions on related rows are EXISTS subqueries: a quest with two matching themes or
    # co-hosts is still one row, so the list needs no DISTINCT over its wide rows.

    def filter_themes(self, queryset, name, value):
        if not value:
            return queryset
        # Any of the ticked themes, as the checkboxes read.
        return queryset.filter(
            Exists(
                Quest.themes.through.objects.filter(
                    quest_id=OuterRef("pk"), theme_id__in=[t.pk for t in value]
                )
            )
        )

    def filter_sdg_target(self, queryset, name, value):
        return queryset.filter(
            Exists(
                Quest.sdg_targets.through.objects.filter(
                    quest_id=OuterRef("pk"), sdgtarget_id=value.pk
                )
            )
        )

    def filter_sdg_goal(self, queryset, name, value):
        return queryset.filter(
            Exists(
                Quest.sdg_targets.through.objects.filter(
                    quest_id=OuterRef("pk"), sdgtarget__goal=value
                )
            )
        )

    def filter_host(self, queryset, name, value):
        """Quests hosted or co-hosted by a municipality the text names (the directory's
        search: name, reading, or the beginning of the 地方公共団体コード)."""
        if not value.strip():
            return queryset
        named = keyword_search(
            Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY), value, rank=False
        ).values("pk")
        return queryset.filter(
            Q(host__in=named)
            | Q(Exists(QuestCoHost.objects.filter(quest=OuterRef("pk"), organisation__in=named)))
        )

    def filter_prefecture(self, queryset, name, value):
        return queryset.filter(
            Q(host__prefecture=value)
            | Q(
                Exists(
                    QuestCoHost.objects.filter(quest=OuterRef("pk"), organisation__prefecture=value)
                )
            )
        )

    def filter_region(self, queryset, name, value):
        return queryset.filter(
            Exists(
                Organisation.regions.through.objects.filter(
                    organisation_id=OuterRef("host_id"), region=value
                )
            )
        )

    def filter_mine(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Exists(TeamMember.objects.filter(quest=OuterRef("pk"), user=self.request.user))
        )

    def filter_accepting(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(state=Quest.State.OPEN).filter(
            Q(proposal_deadline__isnull=True) | Q(proposal_deadline__gte=timezone.localdate())
        )
