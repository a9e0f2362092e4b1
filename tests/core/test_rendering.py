"""The site's form renderer (cocreation.core.rendering): Django's Jinja2 widget templates,
the same markup as its Django-template ones, and the Django template language for the
templates only it has (the admin's widget wrappers)."""

import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.template import TemplateDoesNotExist

from cocreation.core.forms import PortalForm
from cocreation.core.rendering import FormRenderer


class Sample(PortalForm):
    name = forms.CharField(label="名前", max_length=10, help_text="全角で")
    kind = forms.ChoiceField(label="種別", choices=[("a", "市<町>村"), ("b", "企業")])
    tags = forms.MultipleChoiceField(
        label="タグ", choices=[("x", "X"), ("y", "Y")], widget=forms.CheckboxSelectMultiple
    )
    agree = forms.BooleanField(label="同意", required=False)
    when = forms.DateField(label="日付", required=False)
    note = forms.CharField(label="メモ", widget=forms.Textarea, required=False)


def _collapsed(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", str(html))).strip()


@pytest.mark.parametrize(
    "data", [None, {"name": "郡山\x00", "kind": "z", "tags": ["x", "q"], "when": "2020-13-01"}]
)
def test_widgets_and_errors_render_the_same_markup_as_the_django_templates(data):
    fast = Sample(data, renderer=FormRenderer())
    plain = Sample(data, renderer=DjangoTemplates())
    for name in fast.fields:
        assert _collapsed(fast[name]) == _collapsed(plain[name]), name
        assert _collapsed(fast[name].errors) == _collapsed(plain[name].errors), name
    if data:
        assert 'aria-invalid="true"' in str(fast["name"])


def test_the_site_uses_it_and_the_admin_widgets_fall_back(settings):
    assert settings.FORM_RENDERER == "cocreation.core.rendering.FormRenderer"
    renderer = FormRenderer()
    jinja = renderer.get_template("django/forms/widgets/select.html")
    assert type(jinja).__module__.startswith("django.template.backends.jinja2")
    admin = renderer.get_template("admin/widgets/related_widget_wrapper.html")
    assert type(admin).__module__.startswith("django.template.backends.django")
    with pytest.raises(TemplateDoesNotExist):
        renderer.get_template("nowhere/at/all.html")
