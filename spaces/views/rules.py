"""The coordinators' rules page: booking rules, opening hours and closures, and what happens
to the live bookings a change leaves outside them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cocreation.core.errors import add_to_form

from .. import permissions, rules
from ..errors import BookingError
from ..forms.rules import (
    AffectedBookingsForm,
    ClosureFormSet,
    OpeningHoursFormSet,
    SpaceRulesForm,
    rule_rows,
    rule_values,
)
from ..selectors.availability import space_with_rules
from ..selectors.rules import affected_bookings
from ..services.rules import RulesChange, space_rules_change
from .common import space_context, space_or_404


@login_required
def space_rules(request, pk: int):
    """The space's coordinators: opening hours, closed days and booking rules.

    A change that leaves live bookings outside the rules (a closure over them, shorter
    hours, a closed weekday, a shorter period) is not saved at once: the page comes back
    with the bookings listed and asks whether to cancel them (each booker told why) or
    keep them (shown as exceptions in the week view). The answer is posted with the rules
    themselves, with the digest of the list shown; a list changed meanwhile is shown and
    asked again (`services.rules.space_rules_change`)."""
    space = space_or_404(request, pk)
    if not permissions.can_coordinate(request.user, space):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = SpaceRulesForm(data, request.FILES or None, instance=space)
    hours = OpeningHoursFormSet(data, instance=space, prefix="hours")
    closures = ClosureFormSet(data, instance=space, prefix="closures")
    decision = AffectedBookingsForm(data, prefix="affected")
    context = space_context(request, space, "rules")
    # Every part validated, so that each shows its own errors.
    posted = data is not None
    valid = [part.is_valid() for part in (form, hours, closures, decision)] if posted else []
    if posted and all(valid[:3]):
        proposed = {
            "values": rule_values(form),
            "hours": rule_rows(hours),
            "closures": rule_rows(closures),
        }
        change = None
        if valid[3]:
            try:
                change = space_rules_change(
                    space=space,
                    user=request.user,
                    **proposed,
                    confirmed=decision.cleaned_data["signature"],
                    keep=decision.keep(),
                    note=decision.cleaned_data["note"],
                )
            except BookingError as error:
                add_to_form(decision, error)
        if change is not None and change.saved:
            messages.success(request, _saved_message(change))
            return redirect("spaces:detail", space.pk)
        if change is None:
            # Refused before it was weighed (a tampered or missing answer): the list again.
            # The form has put the new values on `space`: the saved rules are read again.
            current = space_with_rules(space.pk)
            affected = affected_bookings(
                space=current, proposed=rules.RuleSet.from_rows(current, **proposed)
            )
            change = RulesChange(affected, rules.affected_signature(affected))
        context.update(
            affected=change.affected,
            affected_signature=change.signature,
            affected_changed=change.changed,
            affected_title=ngettext(
                "This change puts %(count)d live booking outside the opening rules "
                "(closed days or hours).",
                "This change puts %(count)d live bookings outside the opening rules "
                "(closed days or hours).",
                len(change.affected),
            )
            % {"count": len(change.affected)},
            photo_dropped=bool(form.files.get(form.add_prefix("photo"))),
        )
    context.update(form=form, hours=hours, closures=closures, decision=decision)
    return render(request, "spaces/space_rules.html", context)


def _saved_message(change: RulesChange) -> str:
    if change.cancelled:
        return ngettext(
            "The rules were saved. %(count)d booking was cancelled and its booker told why.",
            "The rules were saved. %(count)d bookings were cancelled and their bookers told why.",
            change.cancelled,
        ) % {"count": change.cancelled}
    if change.kept:
        return ngettext(
            "The rules were saved. %(count)d booking outside them is kept and shown in the "
            "week view as an exception.",
            "The rules were saved. %(count)d bookings outside them are kept and shown in the "
            "week view as exceptions.",
            change.kept,
        ) % {"count": change.kept}
    return _("The rules were saved. No live booking falls outside them because of this change.")
