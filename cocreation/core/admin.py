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

The inlines also cost the same number of queries however many rows they show (issue 12;
`tests/core/test_admin_queries.py`): a plain select of a foreign key reads its options once
for every row of the inline; an autocomplete field names the rows loaded with the inline's
rows (`select_related`/`prefetch_related` of `get_queryset`) without asking again; a
read-only foreign key is loaded with its row.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import admin, messages
from django.contrib.admin.widgets import (
    AutocompleteMixin,
    AutocompleteSelect,
    AutocompleteSelectMultiple,
    ForeignKeyRawIdWidget,
    ManyToManyRawIdWidget,
)
from django.db import models
from django.forms import ModelChoiceField
from django.forms.models import _get_foreign_key
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _

from . import inputs
from .choices import choices_from_rows, rows_if_few
from .forms import PortalModelForm
from .pages import CappedPaginator

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


# A select of a foreign key or many-to-many field in the admin lists at most this many
# rows; a longer list (every cohort, phase or review criterion of a national deployment)
# is a raw id box with Django's lookup window instead.
ADMIN_SELECT_MAX = 200


class LongListsAsRawIds:
    """Mixed into the portal's ModelAdmins and inlines: a foreign key or many-to-many
    field given neither an autocomplete, a raw id box nor a filter widget of its own is a
    select only while its choices are few (`ADMIN_SELECT_MAX`); past that, a raw id box
    (Django's `ForeignKeyRawIdWidget` / `ManyToManyRawIdWidget`). The choices are read
    once, when the form class is built, and kept as the select's list: no query more
    than a select costs anyway. At national size a review's scores listed all 50,000
    review criteria (2.4 MB, 7 s) and a member's preferred fields all 600."""

    def _choices_of(self, db_field, request, kwargs):
        queryset = kwargs.get("queryset")
        if queryset is None:
            queryset = self.get_field_queryset(kwargs.get("using"), db_field, request)
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.complex_filter(
                db_field.get_limit_choices_to()
            )
        return queryset

    def _bounded(self, build, raw_id_widget, db_field, request, kwargs):
        """`build(db_field, request, **kwargs)` (Django's formfield_for_foreignkey or
        _manytomany) as a select of the rows read once, or with `raw_id_widget` when they
        are more than ADMIN_SELECT_MAX; a field with a widget of its own as it is."""
        if (
            "widget" in kwargs
            or db_field.name in self.raw_id_fields
            or db_field.name in self.get_autocomplete_fields(request)
            or db_field.name in self.radio_fields
            or db_field.name in (*self.filter_horizontal, *self.filter_vertical)
            or db_field == self._parent_link()
        ):
            return build(db_field, request, **kwargs)
        # Django builds an admin's form classes several times a request: read once.
        read = request.__dict__.setdefault("_portal_admin_choices", {})
        key = (db_field.model._meta.label, db_field.name, kwargs.get("queryset") is not None)
        if key not in read:
            read[key] = rows_if_few(self._choices_of(db_field, request, kwargs), ADMIN_SELECT_MAX)
        rows = read[key]
        if rows is None:
            kwargs["widget"] = raw_id_widget(
                db_field.remote_field, self.admin_site, using=kwargs.get("using")
            )
        formfield = build(db_field, request, **kwargs)
        if rows is not None and isinstance(formfield, ModelChoiceField):
            choices_from_rows(formfield, rows)
        return formfield

    def _parent_link(self):
        """An inline's key to its parent row (the formset replaces it; never listed);
        None for a ModelAdmin."""
        parent = getattr(self, "parent_model", None)
        if parent is None:
            return None
        return _get_foreign_key(parent, self.model, fk_name=self.fk_name)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        build = super().formfield_for_foreignkey
        return self._bounded(build, ForeignKeyRawIdWidget, db_field, request, kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        build = super().formfield_for_manytomany
        return self._bounded(build, ManyToManyRawIdWidget, db_field, request, kwargs)


def chosen_only_filter(field_name: str, title) -> type[admin.SimpleListFilter]:
    """A changelist filter by the foreign key `field_name` of a table too big to list
    in the sidebar (1,741 hosting municipalities, 1,000 spaces): the sidebar names only
    the row chosen, by a link that carries `?<field_name>=<id>` (from that row's own
    list, say), with "All" to drop it. An id that is not ASCII digits or names no row
    filters nothing and says nothing."""

    class ChosenOnlyFilter(admin.SimpleListFilter):
        parameter_name = field_name

        def _chosen(self, model_admin):
            number = inputs.query_int(self.value())
            if number is None:
                return None
            related = model_admin.model._meta.get_field(field_name).related_model
            return related._default_manager.filter(pk=number).first()

        def lookups(self, request, model_admin):
            chosen = self._chosen(model_admin)
            return [(str(chosen.pk), str(chosen))] if chosen is not None else []

        def queryset(self, request, queryset):
            number = inputs.query_int(self.value())
            if number is None:
                return queryset
            return queryset.filter(**{f"{field_name}_id": number})

    ChosenOnlyFilter.title = title
    ChosenOnlyFilter.__name__ = f"ChosenOnly_{field_name}"
    return ChosenOnlyFilter


# How far a changelist of a big table (`show_full_result_count = False`) counts and
# pages: counting a million bookings took 42 ms of every page's 120.
ADMIN_COUNT_CAP = 10_000


class PortalAdminMixin(LongListsAsRawIds):
    """Mixed into every ModelAdmin of the portal (also the user admin, which keeps its
    own forms): a date drill-down outside the window falls back to the whole list; long
    lists of choices are raw id boxes (`LongListsAsRawIds`); the changelists of big
    tables count no further than `ADMIN_COUNT_CAP` rows (`CappedPaginator`: the page says
    "more than 10000", and filters or the search find the others)."""

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        if self.show_full_result_count:
            return super().get_paginator(
                request, queryset, per_page, orphans, allow_empty_first_page
            )
        return CappedPaginator(
            queryset,
            per_page,
            cap=ADMIN_COUNT_CAP,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
        )

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


class _KnownLabels:
    """An autocomplete widget that names its selected rows from `known` (the value as a
    string -> the label), filled from the rows loaded with the form's instance, and asks
    the database (as Django's widget does) only for a value it does not know."""

    known: dict[str, str] = {}

    def optgroups(self, name, value, attr=None):
        selected = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if not selected or not set(selected) <= self.known.keys():
            return super().optgroups(name, value, attr)
        default = (None, [], 0)
        if not self.is_required and not self.allow_multiple_selected:
            default[1].append(self.create_option(name, "", "", False, 0))
        for key in dict.fromkeys(selected):
            index = len(default[1])
            default[1].append(self.create_option(name, key, self.known[key], set(selected), index))
        return [default]


class KnownAutocompleteSelect(_KnownLabels, AutocompleteSelect):
    """Django's autocomplete select of a foreign key, naming a row already loaded."""


class KnownAutocompleteSelectMultiple(_KnownLabels, AutocompleteSelectMultiple):
    """Django's autocomplete select of a many-to-many field, naming rows already loaded."""


def _know_loaded_rows(form) -> None:
    """Give each autocomplete widget of `form` the labels of the rows its instance holds
    already (a foreign key loaded by `select_related`, a many-to-many field by
    `prefetch_related`)."""
    instance = form.instance
    if instance.pk is None:
        return
    prefetched = getattr(instance, "_prefetched_objects_cache", {})
    for name, field in form.fields.items():
        widget = getattr(field.widget, "widget", field.widget)
        if not isinstance(widget, _KnownLabels):
            continue
        model_field = instance._meta.get_field(name)
        if model_field.many_to_many:
            if name not in prefetched:
                continue
            rows = list(prefetched[name])
            attname = model_field.target_field.attname
        elif model_field.is_cached(instance):
            related = getattr(instance, name)
            rows = [related] if related is not None else []
            attname = model_field.target_field.attname
        else:
            continue
        widget.known = {str(getattr(row, attname)): field.label_from_instance(row) for row in rows}


class PortalInlineMixin(LongListsAsRawIds):
    """Mixed into the portal's inlines: the same number of queries for 1 row as for 50
    (see the module's docstring); long lists of choices are raw id boxes."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KnownAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KnownAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        widget = getattr(widget, "widget", widget)
        if (
            isinstance(formfield, ModelChoiceField)
            and not isinstance(widget, AutocompleteMixin | ForeignKeyRawIdWidget)
            and not db_field.remote_field.limit_choices_to
            and db_field != self._parent_link()  # replaced by the formset, never listed
        ):
            # Read once here; every row's form copies the list instead of a new query.
            formfield.choices = list(formfield.choices)
        return formfield

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        shown = set(self.get_autocomplete_fields(request)) | set(self.get_readonly_fields(request))
        fields = self.model._meta.get_fields()
        # Every row a foreign key names (the parent too): a row's label may name them.
        return queryset.select_related(
            *(f.name for f in fields if f.concrete and f.many_to_one)
        ).prefetch_related(
            *(f.name for f in fields if f.concrete and f.many_to_many and f.name in shown)
        )

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        def _construct_form(self, i, **form_kwargs):
            form = formset._construct_form(self, i, **form_kwargs)
            # The parent row as the page holds it: one object for every row, so a
            # label naming it (or what it points to) reads it once.
            setattr(form.instance, self.fk.name, self.instance)
            _know_loaded_rows(form)
            return form

        return type(formset.__name__, (formset,), {"_construct_form": _construct_form})


class PortalTabularInline(PortalInlineMixin, admin.TabularInline):
    """A tabular inline whose rows carry the portal's input rules."""

    form = PortalModelForm
    formfield_overrides = PortalModelAdmin.formfield_overrides


class PortalStackedInline(PortalInlineMixin, admin.StackedInline):
    """A stacked inline whose rows carry the portal's input rules."""

    form = PortalModelForm
    formfield_overrides = PortalModelAdmin.formfield_overrides
