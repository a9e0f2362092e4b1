"""Numbers as Japanese readers expect them: 5,000 rather than 5000.00."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def number(value) -> str:
    if value is None or value == "":
        return ""
    value = Decimal(value)
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text


@register.simple_tag
def achievement(kpi) -> str:
    """Actual as a share of target, e.g. 64%; a dash while no actual is recorded."""
    if kpi.actual is None or not kpi.target:
        return "—"
    percent = Decimal(kpi.actual) / Decimal(kpi.target) * 100
    return _("%(percent)s%%") % {"percent": f"{percent:.0f}"}
