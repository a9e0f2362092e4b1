"""The person's own details: the names added to allauth's sign-up, and the profile."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cocreation.core.forms import PortalModelForm

from . import services
from .models import User

# The name fields, the same at sign-up and in the profile.
NAME_LABELS = {
    "family_name": _("Family name (kanji)"),
    "given_name": _("Given name (kanji)"),
    "family_name_kana": _("Family name (kana)"),
    "given_name_kana": _("Given name (kana)"),
}
NAME_WIDGETS = {
    "family_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
    "given_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
}
# Shown as help below the field: hint text inside the box would vanish while typing.
NAME_HELP = {
    "family_name_kana": _("In katakana or hiragana, e.g. コオリヤマ"),
    "given_name_kana": _("In katakana or hiragana, e.g. タロウ"),
}


class SignupProfileForm(PortalModelForm):
    """The name fields allauth's sign-up form adds to email and password."""

    class Meta:
        model = User
        fields = ["family_name", "given_name", "family_name_kana", "given_name_kana"]
        labels = NAME_LABELS
        widgets = NAME_WIDGETS
        help_texts = NAME_HELP

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = True

    def signup(self, request, user) -> None:
        """allauth's hook after the account is made: keep the names, and the language the
        person signed up in as their preferred one."""
        language = (getattr(request, "LANGUAGE_CODE", "") or User.Language.JAPANESE)[:2]
        services.profile_update(
            user=user,
            preferred_language=language,
            **{name: self.cleaned_data[name] for name in self.Meta.fields},
        )


class ProfileForm(PortalModelForm):
    """The signed-in person's own name, department, position, phone and language."""

    class Meta:
        model = User
        fields = [
            "family_name",
            "given_name",
            "family_name_kana",
            "given_name_kana",
            "department",
            "position",
            "phone",
            "preferred_language",
        ]
        labels = {
            **NAME_LABELS,
            "department": _("Department (所属)"),
            "position": _("Position (職名)"),
            "phone": _("Phone (optional)"),
        }
        widgets = {
            **NAME_WIDGETS,
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }
        help_texts = NAME_HELP

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in NAME_LABELS:
            self.fields[name].required = True
