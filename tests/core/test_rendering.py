"""The site's form renderer (cocreation.core.rendering): Django's Jinja2 widget templates,
the same markup as its Django-template ones, and the Django template language for the
templates only it has (the admin's widget wrappers)."""

import re

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.forms.renderers import DjangoTemplates, Jinja2
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


class Choices(forms.Form):
    """Every shape of choice widget the site's forms use, with markup to escape."""

    kind = forms.ChoiceField(
        choices=[("", "---------"), ("a", "市<町>村"), ("b", '企業 "株"'), (3, "&")],
        required=False,
    )
    grouped = forms.ChoiceField(
        choices=[("東北", [("07", "福島県"), ("04", "宮城県")]), ("x", "その他")],
        widget=forms.Select(attrs={"class": "wide", "aria-describedby": "g_help"}),
    )
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y<")], required=False)
    switch = forms.NullBooleanField(required=False)
    boxes = forms.MultipleChoiceField(
        choices=[("x", "X"), ("y", "Y&Z"), ("g", [("g1", "G1"), ("g2", "G2")])],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checks"}),
        required=False,
    )
    radios = forms.ChoiceField(
        choices=[("1", "一"), ("2", "二")], widget=forms.RadioSelect, required=False
    )
    bare = forms.ChoiceField(
        choices=[("1", "一")],
        widget=forms.RadioSelect(attrs={"id": None, "disabled": True, "data-x": False}),
        required=False,
    )
    odd = forms.ChoiceField(
        choices=[("1", "一")],
        widget=forms.Select(attrs={'data-x"><b': "1", "size": 0}),
        required=False,
    )


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"kind": "a", "grouped": "04", "many": ["x", "y<"], "switch": "true", "boxes": ["g2"]},
        {"kind": "zz", "grouped": "", "boxes": ["x", "y"], "radios": "2", "bare": "1"},
    ],
)
def test_choice_widgets_written_in_python_match_djangos_jinja2_templates_byte_for_byte(data):
    # The choice widgets skip Django's templates (rendering.py says why); the markup must
    # stay exactly what those templates write, escaping and white space included.
    form = Choices(data, auto_id="id_%s")
    for name, field in form.fields.items():
        bound = form[name]
        context = field.widget.get_context(
            bound.html_name, bound.value(), bound.build_widget_attrs({"id": bound.auto_id})
        )
        template = field.widget.template_name
        assert FormRenderer().render(template, context) == Jinja2().render(template, context), name


def test_the_quest_filter_form_renders_the_same_with_the_choice_widgets_in_python(rf, db):
    from quests.filters import QuestFilter
    from quests.models import Quest

    request = rf.get("/quests/", {"prefecture": "07", "sdg": "11"})
    request.user = AnonymousUser()
    form = QuestFilter.understood(request.GET, queryset=Quest.objects.none(), request=request).form
    for name in form.fields:
        fast, plain = form[name], form[name]
        form.renderer = FormRenderer()
        fast_html = str(fast)
        form.renderer = Jinja2()
        assert fast_html == str(plain), name


def test_an_option_whose_value_equals_none_and_one_without_wrap_label_render_as_the_template():
    from django.forms.models import ModelChoiceIteratorValue

    widget = forms.RadioSelect(choices=[(ModelChoiceIteratorValue(None, None), "なし")])
    context = widget.get_context("pick", None, {"id": "id_pick"})
    template = widget.template_name
    assert 'value="None"' not in FormRenderer().render(template, context)
    assert FormRenderer().render(template, context) == Jinja2().render(template, context)
    for _group, options, _index in context["widget"]["optgroups"]:
        for option in options:
            del option["wrap_label"]
    assert FormRenderer().render(template, context) == Jinja2().render(template, context)
