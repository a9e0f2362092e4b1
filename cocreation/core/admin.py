"""The base of every admin of the portal: Django's admin refuses what the site refuses.

- `PortalModelAdmin`, `PortalTabularInline`, `PortalStackedInline` build their forms from
  `PortalModelForm`, so each field gets the rules of `cocreation.core.inputs` (control and
  bidirectional override characters, the date window, integer ranges);
- `PortalAdminMixin.changelist_view` checks a date drill-down in the address
  (`<date_hierarchy>__year`, `__month`, `__day`): one that is not a date inside the
  portal's window (a bookmarked `?starts_at__year=9999`, `year=abc`) is dropped with a
  message, where Django's ChangeList would answer 500 (year 10000, OverflowError).

`tests/core/test_input_rules.py` checks that every admin form and inline of the project
derives from `PortalFormMixin`; `tests/core/test_admin_inputs.py` tries the drill-downs.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import admin, messages
from django.db import models
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _

from . import inputs
from .forms import PortalModelForm

DRILL_DOWN_PARTS = ("year", "month", "day")


def drill_down_is_valid(params, field: str) -> bool:
    """Whether the date drill-down of `field` in `params` (a QueryDict) names a year,
    month or day inside `inputs.DATE_MIN`..`inputs.DATE_MAX`.

    No drill-down at all is valid. A month needs its year and a day its month, as
    Django's date hierarchy builds them; only ASCII digits count (`query_int`).
    """
    values = {part: params.get(f"{field}__{part}") for part in DRILL_DOWN_PARTS}
    if all(value is None for value in values.values()):
        return True
    year, month, day = (
        inputs.query_int(values[part]) if values[part] is not None else None
        for part in DRILL_DOWN_PARTS
    )
    if any(
        values[part] is not None and number is None
        for part, number in zip(DRILL_DOWN_PARTS, (year, month, day), strict=True)
    ):
        return False
    if year is None or (day is not None and month is None):
        return False
    try:
        first = dt.date(year, month or 1, day or 1)
    except ValueError:  # year 0, month 13, 30 February
        return False
    # The window runs from a 1 January to a 31 December: its first day decides.
    return inputs.in_window(first)


class PortalAdminMixin:
    """Mixed into every ModelAdmin of the portal (also the user admin, which keeps its
    own forms): a date drill-down outside the window falls back to the whole list."""

    def changelist_view(self, request, extra_context=None):
        field = getattr(self, "date_hierarchy", None)
        if field and not drill_down_is_valid(request.GET, field):
            kept = request.GET.copy()
            for part in DRILL_DOWN_PARTS:
                kept.pop(f"{field}__{part}", None)
            self.message_user(
                request,
                _(
                    "The date in the address was not understood or lies outside "
                    "%(first)s to %(last)s: all dates are shown."
                )
                % inputs.window_params(),
                messages.WARNING,
            )
            query = kept.urlencode()
            return HttpResponseRedirect(request.path + (f"?{query}" if query else ""))
        return super().changelist_view(request, extra_context)


class PortalModelAdmin(PortalAdminMixin, admin.ModelAdmin):
    """A ModelAdmin whose forms carry the portal's input rules. A subclass that sets its
    own `form` must derive it from `PortalModelForm`."""

    form = PortalModelForm
    # Addresses typed without a scheme are taken as https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class PortalTabularInline(admin.TabularInline):
    """A tabular inline whose rows carry the portal's input rules."""

    form = PortalModelForm
    formfield_overrides = PortalModelAdmin.formfield_overrides


class PortalStackedInline(admin.StackedInline):
    """A stacked inline whose rows carry the portal's input rules."""

    form = PortalModelForm
    formfield_overrides = PortalModelAdmin.formfield_overrides
