"""Choice lists of reference data (themes, SDG goals and targets, regions) read from the
pages' cache instead of the database on every form.

A model choice field reads its whole queryset and builds a model instance per option each
time its form is shown: the quest list's filter form built about 270 (169 SDG targets, 17
goals, the themes, the regions) on every request. The (value, label) pairs are the same
for everyone who reads the same language, so they are kept with
`cocreation.core.page_cache.kept_value` under the areas whose writes change them
(`areas_of` the queryset's model, as the apps' `invalidates` name them): a new
theme or a renamed region is seen on the next form, and without Redis the field reads
the database as Django's own does. Validation is untouched: the field still checks a
submitted value against its queryset.
"""

from __future__ import annotations

from collections.abc import Iterator

from django import forms
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.utils.translation import get_language

from .page_cache import areas_of, kept_value


class KeptModelChoiceIterator(ModelChoiceIterator):
    """The options of a `ModelChoiceField` / `ModelMultipleChoiceField` as kept pairs of
    strings (value, label); the empty and django-filter's null choice first, as theirs.

    `name` identifies the queryset (two fields of one model with different querysets need
    different names); `areas` are page-cache areas whose change forgets the list."""

    def __init__(self, field, *, name: str, areas: tuple[str, ...]):
        super().__init__(field)
        self.name = name
        self.areas = areas

    def _kept(self) -> list[tuple[str, str]]:
        field = self.field

        def read() -> list[tuple[str, str]]:
            return [
                (str(field.prepare_value(obj)), str(field.label_from_instance(obj)))
                for obj in self.queryset
            ]

        return kept_value(f"choices:{self.name}:{get_language()}", self.areas, read)

    def _leading(self) -> list[tuple[str, str]]:
        leading = []
        if self.field.empty_label is not None:
            leading.append(("", self.field.empty_label))
        if getattr(self.field, "null_label", None) is not None:
            leading.append((self.field.null_value, self.field.null_label))
        return leading

    def __iter__(self) -> Iterator[tuple[str, str]]:
        yield from self._leading()
        yield from self._kept()

    def __len__(self) -> int:
        return len(self._leading()) + len(self._kept())

    def __bool__(self) -> bool:
        return bool(self._leading()) or bool(self._kept())


def rows_if_few(queryset, limit: int) -> list | None:
    """The rows of `queryset`, in its order, when it holds at most `limit`; None when it
    holds more. One query of at most `limit` + 1 rows, whose result a select then shows
    (`choices_from_rows`) without reading its queryset again: the same query whether
    the list turns out short or long."""
    rows = list(queryset[: limit + 1])
    return rows if len(rows) <= limit else None


def choices_from_rows(field: forms.ModelChoiceField, rows) -> None:
    """Make `field` (a model choice field, single or multiple) list `rows` (model
    instances already read, in the order to show) as its options, as
    ModelChoiceIterator would, without reading its queryset again to render. The
    queryset still validates what is sent."""
    empty = getattr(field, "empty_label", None)
    choices = [("", empty)] if empty is not None else []
    choices += [
        (ModelChoiceIteratorValue(field.prepare_value(row), row), field.label_from_instance(row))
        for row in rows
    ]
    field.choices = choices


def keep_choices(field: forms.ModelChoiceField, name: str) -> None:
    """Make `field` (a form instance's own copy of a model choice field) show the options
    kept under `name`, forgotten with any write to its queryset's model (see
    `KeptModelChoiceIterator`). Call it after the field's queryset is final. Raises
    ImproperlyConfigured for a model no page-cache area names."""
    areas = areas_of(field.queryset.model)

    def iterator(bound_field):
        return KeptModelChoiceIterator(bound_field, name=name, areas=areas)

    field.iterator = iterator
    field.widget.choices = field.choices
