import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cocreation.core.forms import PortalForm

from .models import PREFECTURE_CHOICES, Organisation, Region

# A keyword search takes this many words at most: each word is one more condition.
MAX_KEYWORD_TERMS = 5


class OrganisationFilter(django_filters.FilterSet):
    """The directory's search; its form applies the portal's input rules, and a value it
    refuses is left out (the view says so)."""

    q = django_filters.CharFilter(label=_("Keyword"), method="filter_keyword", max_length=100)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Organisation.Kind.choices)
    prefecture = django_filters.ChoiceFilter(label=_("Prefecture"), choices=PREFECTURE_CHOICES)
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), field_name="regions", queryset=Region.objects.order_by("name")
    )

    class Meta:
        model = Organisation
        fields = ["q", "kind", "prefecture", "region"]
        form = PortalForm

    def filter_keyword(self, queryset, name, value):
        terms = value.split()[:MAX_KEYWORD_TERMS]
        for term in terms:
            queryset = queryset.filter(
                Q(name__icontains=term)
                | Q(name_kana__icontains=term)
                | Q(local_government_code__startswith=term)
            )
        return queryset
