"""Template helpers shared by every app: the portal's date formatter as filters."""

from django import template

from cocreation.core.dates import isodatetime, jdate, jdatetime

register = template.Library()


@register.filter(name="jdate")
def jdate_filter(value) -> str:
    """`{{ value|jdate }}`: 2020年12月18日(金) (cocreation.core.dates.jdate)."""
    return jdate(value)


@register.filter(name="jdatetime")
def jdatetime_filter(value) -> str:
    """`{{ value|jdatetime }}`: 2020年12月18日(金) 13:30 (cocreation.core.dates.jdatetime)."""
    return jdatetime(value)


@register.filter(name="isodatetime")
def isodatetime_filter(value) -> str:
    """`{{ value|isodatetime }}`: for <time datetime="…"> (cocreation.core.dates)."""
    return isodatetime(value)
