import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import PREFECTURE_CHOICES, Organisation, Region


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Keyword"), method="filter_keyword")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Organisation.Kind.choices)
    prefecture = django_filters.ChoiceFilter(label=_("Prefecture"), choices=PREFECTURE_CHOICES)
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), field_name="regions", queryset=Region.objects.order_by("name")
    )

    class Meta:
        model = Organisation
        fields = ["q", "kind", "prefecture", "region"]

    def filter_keyword(self, queryset, name, value):
        terms = value.split()
        for term in terms:
            queryset = queryset.filter(
                Q(name__icontains=term)
                | Q(name_kana__icontains=term)
                | Q(local_government_code__startswith=term)
            )
        return queryset
