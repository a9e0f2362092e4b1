"""The form renderer of the whole site (settings.FORM_RENDERER).

Django ships every built-in widget, field and error-list template twice, for the Django
template language and for Jinja2, with the same markup. Rendering a widget through the
Django template language costs a template context and an include per option: the quest
list's filter form (169 SDG targets, 47 prefectures, the themes) took about 25 ms of a
request that way, under 8 ms with Jinja2 (bench/README.md, issue 12). Templates that
exist only for the Django template language (the admin's widget wrappers,
django-filter's) are still found there.

The choice widgets (select, checkboxes, radio buttons) are written out in Python rather
than through a template per option: the same markup as Django's Jinja2 templates, byte
for byte (tests/core/test_rendering.py compares them), at a fraction of the cost. The
quest list's filter form rendered in about 25 ms of a 43 ms template on the national
data (bench/README.md, fourth round of issue 12); a template context per option was most
of it.
"""

from __future__ import annotations

import operator
from functools import cached_property

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist
from markupsafe import escape

_WIDGETS = "django/forms/widgets/"
_SELECT = _WIDGETS + "select.html"
_SELECT_OPTION = _WIDGETS + "select_option.html"
_MULTIPLE_INPUTS = {_WIDGETS + "checkbox_select.html", _WIDGETS + "radio.html"}
_INPUT_OPTIONS = {_WIDGETS + "checkbox_option.html", _WIDGETS + "radio_option.html"}


def _attrs(attrs: dict) -> str:
    """` name="value"` pairs as django/forms/widgets/attrs.html writes them: an attribute
    set to False is left out, one set to True is written bare."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _select(widget: dict) -> str:
    """django/forms/widgets/select.html with select_option.html for each option."""
    parts = [f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{escape(group_name)}">')
        for option in options:
            parts.append(
                f'\n  <option value="{escape(option["value"])}"{_attrs(option["attrs"])}>'
                f"{escape(option['label'])}</option>"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _input_option(option: dict) -> str:
    """django/forms/widgets/input_option.html (a checkbox or radio button in its label)."""
    value = option["value"]
    option_id = option["attrs"].get("id")
    box = (
        f'<input type="{escape(option["type"])}" name="{escape(option["name"])}"'
        # `!= None` as the template has it: a ModelChoiceIteratorValue of None is None.
        + (f' value="{escape(value)}"' if operator.ne(value, None) else "")
        + f"{_attrs(option['attrs'])}>"
    )
    if not option.get("wrap_label"):
        return box
    label_for = f' for="{escape(option_id)}"' if option_id else ""
    return f"<label{label_for}>{box} {escape(option['label'])}</label>"


def _multiple_input(widget: dict) -> str:
    """django/forms/widgets/multiple_input.html (checkboxes or radio buttons)."""
    widget_id = widget["attrs"].get("id")
    css_class = widget["attrs"].get("class")
    parts = [
        "<div"
        + (f' id="{escape(widget_id)}"' if widget_id else "")
        + (f' class="{escape(css_class)}"' if css_class else "")
        + ">"
    ]
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f"\n  <div><label>{escape(group_name)}</label>")
        for option in options:
            parts.append(f"<div>\n    {_input_option(option)}</div>")
        if group_name:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return "".join(parts)


def _written_in_python(template_name: str, widget: dict):
    """The writer for a choice widget whose templates are all Django's own, else None
    (a widget with a template of its own goes through that template)."""
    option_templates = {
        option["template_name"]
        for _name, options, _index in widget["optgroups"]
        for option in options
    }
    if template_name == _SELECT and option_templates <= {_SELECT_OPTION}:
        return _select
    if template_name in _MULTIPLE_INPUTS and option_templates <= _INPUT_OPTIONS:
        return _multiple_input
    return None


class FormRenderer(Jinja2):
    """Jinja2 for the templates Django ships in both languages; the Django template
    language for the others.

    Raises `TemplateDoesNotExist` when neither engine has `template_name`.
    """

    @cached_property
    def _django_templates(self) -> DjangoTemplates:
        return DjangoTemplates()

    def render(self, template_name: str, context: dict, request=None) -> str:
        """`template_name` with `context`, as Django's renderer does; the choice widgets
        written in Python (module docstring)."""
        if template_name == _SELECT or template_name in _MULTIPLE_INPUTS:
            writer = _written_in_python(template_name, context["widget"])
            if writer is not None:
                return writer(context["widget"])
        return super().render(template_name, context, request)

    def get_template(self, template_name: str):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self._django_templates.get_template(template_name)
