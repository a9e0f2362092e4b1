"""Forms of the public Q&A: a company's question and the team's answer."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cocreation.core.forms import PortalForm


class QuestionForm(PortalForm):
    """A question to the quest team; it and its answer are public."""

    body = forms.CharField(
        label=_("Your question"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Questions and answers are public: every company sees them. "
            "Your company's name is shown only to the quest team."
        ),
    )


class AnswerForm(PortalForm):
    """The team's public answer to one question (prefixed `q<question id>` on the page)."""

    answer = forms.CharField(
        label=_("Public answer"),
        help_text=_("Published on the Q&A page: everyone who may see the quest reads it."),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
