"""Forms of the pages that gather from several apps."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cocreation.core.forms import PortalForm
from cocreation.organisations.models import PREFECTURE_CHOICES


class MunicipalityFinderForm(PortalForm):
    """The dashboards' search for a municipality's dashboard (GET): `q`, a name, its
    reading or the beginning of its 地方公共団体コード (the directory's keyword search,
    `cocreation.core.search`), and `prefecture`, one of the 47. Both optional; an
    unbound or empty form finds every municipality hosting a public quest."""

    q = forms.CharField(
        label=_("Municipality"),
        help_text=_("A name, its reading or its local-government code, e.g. 郡山市 or 072036."),
        max_length=100,
        required=False,
    )
    prefecture = forms.ChoiceField(
        label=_("Prefecture"),
        choices=[("", _("All prefectures")), *PREFECTURE_CHOICES],
        required=False,
    )
