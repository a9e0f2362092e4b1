import django_filters
from django.utils.translation import gettext_lazy as _

from cocreation.core.choices import keep_choices
from cocreation.core.forms import PortalForm
from cocreation.core.search import keyword_search

from .models import PREFECTURE_CHOICES, Organisation, Region


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A hundred regions at national size: read from the pages' cache.
        keep_choices(self.form.fields["region"], "directory_filter.region")

    def filter_keyword(self, queryset, name, value):
        """Organisations each of whose keywords is in the official name or the reading, or
        begins the local-government code, compared in the one search form
        (`cocreation.core.text`), through the stored `search_text` and its bigram index
        (`cocreation.core.search.keyword_search`); best matches first."""
        return keyword_search(queryset, value)
