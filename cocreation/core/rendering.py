"""The form renderer of the whole site (settings.FORM_RENDERER).

Django ships every built-in widget, field and error-list template twice, for the Django
template language and for Jinja2, with the same markup. Rendering a widget through the
Django template language costs a template context and an include per option: the quest
list's filter form (169 SDG targets, 47 prefectures, the themes) took about 25 ms of a
request that way, under 8 ms with Jinja2 (bench/README.md, issue 12). Templates that
exist only for the Django template language (the admin's widget wrappers,
django-filter's) are still found there.
"""

from __future__ import annotations

from functools import cached_property

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FormRenderer(Jinja2):
    """Jinja2 for the templates Django ships in both languages; the Django template
    language for the others.

    Raises `TemplateDoesNotExist` when neither engine has `template_name`.
    """

    @cached_property
    def _django_templates(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name: str):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self._django_templates.get_template(template_name)
