"""Forms of following: what to follow, and how often the digest comes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cocreation.core.forms import PortalForm
from cocreation.organisations.forms import MunicipalityField

from ..models import DigestSubscription, Follow

TARGET_LABELS = {
    Follow.Kind.THEME: _("Theme"),
    Follow.Kind.SDG_TARGET: _("SDG target"),
    Follow.Kind.MUNICIPALITY: _("Municipality"),
    Follow.Kind.REGION: _("Network"),
}


class FollowForm(PortalForm):
    """One thing of `kind` (a Follow.Kind value) to follow: `target` is its id, chosen
    from `choices` (value, label) on the following page or sent by a follow button. The
    service checks that it exists; ids on the page are prefixed with the kind.

    A municipality is typed rather than chosen (`municipality`, a name, reading or
    地方公共団体コード: a select of all 1,741 would be a page of its own); a follow
    button still sends its id as `target`."""

    target = forms.IntegerField(min_value=1, widget=forms.Select)

    def __init__(self, *args, kind: str, choices=(), **kwargs):
        kwargs.setdefault("auto_id", f"id_{kind}_%s")
        super().__init__(*args, **kwargs)
        self.kind = kind
        field = self.fields["target"]
        if kind == Follow.Kind.MUNICIPALITY:
            field.required = False
            field.widget = forms.HiddenInput()
            self.fields["municipality"] = MunicipalityField(
                label=TARGET_LABELS[kind], required=False
            )
            return
        field.label = TARGET_LABELS.get(kind, _("Follow"))
        field.widget.choices = [("", "---------"), *choices]

    def add_error(self, field, error):
        # A municipality's id is hidden: what refuses it (one that does not exist, a
        # company's id) is said beside the box the person can read.
        if field == "target" and self.kind == Follow.Kind.MUNICIPALITY:
            field = "municipality"
        super().add_error(field, error)

    def clean(self):
        cleaned = super().clean()
        if self.kind != Follow.Kind.MUNICIPALITY or self.errors:
            return cleaned
        municipality = cleaned.get("municipality")
        if municipality is not None:
            cleaned["target"] = municipality.pk
        elif cleaned.get("target") is None:
            self.add_error("municipality", _("Type the municipality to follow."))
        return cleaned


class DigestFrequencyForm(PortalForm):
    """How often the digest of what one follows comes."""

    frequency = forms.ChoiceField(
        label=_("Digest by mail"),
        choices=DigestSubscription.Frequency.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Daily: new items of each day (JST), sent the next morning. Weekly: new items of "
            "each week, Monday to Sunday, sent on Monday morning."
        ),
    )
