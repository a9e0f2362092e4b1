"""The base of every form of the portal: the rules of `cocreation.core.inputs` applied to
each field by its type, so that no form can forget one.

- text fields refuse control and bidirectional override characters (tab and line breaks
  allowed in a Textarea);
- date and datetime fields refuse dates outside `DATE_MIN`..`DATE_MAX`;
- integer fields without bounds of their own are bounded to PostgreSQL's `integer`;
- typed choice fields that coerce with `int` accept ASCII digits only.

`tests/core/test_input_rules.py` checks that every form class in the project derives from
`PortalFormMixin`.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
)
from django.utils.translation import gettext as _

from . import inputs

# Fields whose typed value is digits and punctuation: the full-width forms of ASCII (what a
# Japanese IME types: ２４：００, ２０２０－１２－１８, ２０) are read as ASCII. Only those: other
# look-alikes (², ①, Arabic-Indic digits) are still refused, as the input rules say.
_FULL_WIDTH = {0xFF01 + offset: 0x21 + offset for offset in range(94)} | {0x3000: 0x20}
_TYPED_NUMBERS = (
    forms.DateField,
    forms.TimeField,
    forms.DateTimeField,
    forms.IntegerField,
    forms.DecimalField,
    forms.FloatField,
)


def _read_full_width(field: forms.Field) -> None:
    if getattr(field, "_reads_full_width", False):
        return
    parse = field.to_python

    def to_python(value):
        if isinstance(value, str):
            value = value.translate(_FULL_WIDTH)
        return parse(value)

    field.to_python = to_python
    field._reads_full_width = True


def apply_input_rules(field: forms.Field) -> None:
    """Add the portal's input rules to one bound copy of a form field (in place): text
    rules on text fields except passwords, the date window on dates, bounds on integers,
    and full-width digits read as digits in every date, time and number field."""
    if isinstance(field, _TYPED_NUMBERS):
        _read_full_width(field)
    validators = field.validators
    if isinstance(field.widget, forms.PasswordInput):
        # A password is never shown, so nothing in it can mislead a reader; it is taken
        # as typed, as login and password change take it (NIST SP 800-63B 5.1.1.2: accept
        # every Unicode character). Django's own field still refuses U+0000.
        return
    if isinstance(field, forms.CharField):
        # The portal's rule names U+0000 among the other control characters; Django's
        # own would add a second message for the same character.
        validators[:] = [
            v for v in validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]
        multiline = isinstance(field.widget, forms.Textarea)
        rule = inputs.validate_multiline if multiline else inputs.validate_single_line
        if rule not in validators and inputs.validate_single_line not in validators:
            validators.append(rule)
    elif isinstance(field, forms.DateField | forms.DateTimeField):
        if not any(v in validators for v in (inputs.validate_date, inputs.validate_birth_date)):
            validators.append(inputs.validate_date)
    elif isinstance(field, forms.IntegerField) and not isinstance(field, forms.DecimalField):
        if field.max_value is None:
            field.max_value = inputs.INTEGER_MAX
            validators.append(MaxValueValidator(inputs.INTEGER_MAX))
        if field.min_value is None:
            field.min_value = -inputs.INTEGER_MAX
            validators.append(MinValueValidator(-inputs.INTEGER_MAX))
    elif isinstance(field, forms.SplitDateTimeField) and inputs.validate_date not in validators:
        validators.append(inputs.validate_date)


class PortalFormMixin:
    """Mixed into `PortalForm` and `PortalModelForm`; formsets' forms get it through them.

    An error on a hidden field (a row id, a formset key) has nowhere to show next to its
    field, so it is repeated among the form's non-field errors, which every template
    shows: a refused form never comes back without saying why.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            apply_input_rules(field)

    def full_clean(self):
        # Again here: a form may add fields after __init__ (one per review criterion).
        for field in self.fields.values():
            apply_input_rules(field)
        super().full_clean()
        if not self._errors:
            return
        for name, field in self.fields.items():
            if name in self._errors and field.widget.is_hidden:
                for error in self._errors[name]:
                    self._errors.setdefault(
                        NON_FIELD_ERRORS, self.error_class(error_class="nonfield")
                    ).append(
                        _(
                            "The form was out of date or altered (%(field)s: %(error)s). "
                            "Reload the page and try again."
                        )
                        % {"field": field.label or name, "error": error}
                    )


class PortalForm(PortalFormMixin, forms.Form):
    """A plain form with the portal's input rules."""


class PortalModelForm(PortalFormMixin, forms.ModelForm):
    """A model form with the portal's input rules (the model's own validators run too)."""
