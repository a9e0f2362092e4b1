"""Formsets of saved rows that refuse a page out of step with the database.

A page of rows (a space's opening hours, a cohort's teams, a quest's criteria) posts the
ids of the rows it showed and how many there were. If the page was altered, or someone
else added or removed a row since it was opened, Django would silently skip rows, look
past the end, or create a saved row a second time. `RowsInStep` refuses such a post as a
whole with one message, so the person reloads and nothing is lost unseen.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

ROWS_CHANGED = _(
    "These rows changed since the page was loaded. Reload the page and enter your changes again."
)


class RowsInStep:
    """Mixin for `BaseModelFormSet` / `BaseInlineFormSet` (put it first): `clean()` raises
    `ValidationError(ROWS_CHANGED, code="rows_changed")` when

    - the management form announces more saved rows than the page sent, or a different
      number than the database holds now;
    - a row the page presents as saved has no saved row (an unknown or foreign id);
    - a row the page presents as new carries an id.
    """

    def clean(self):
        super().clean()
        if not self.is_bound:
            return
        pk_name = self.model._meta.pk.name
        announced = self.management_form.cleaned_data.get("INITIAL_FORMS", 0)
        out_of_step = (
            announced > self.total_form_count()
            or self.initial_form_count() != self.get_queryset().count()
            or any(form.instance.pk is None for form in self.initial_forms)
            or any(pk_name in form.errors for form in self.initial_forms)
            or any(
                (self.data.get(form.add_prefix(pk_name)) or "").strip() for form in self.extra_forms
            )
        )
        if out_of_step:
            raise forms.ValidationError(ROWS_CHANGED, code="rows_changed")
