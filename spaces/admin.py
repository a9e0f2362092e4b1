"""The spaces in Django's admin. Every admin form gets the portal's input rules
(PortalModelForm), so the admin refuses what the site refuses."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cocreation.core.admin import PortalModelAdmin, PortalTabularInline, chosen_only_filter
from cocreation.core.dates import span

from . import rules
from .forms.rules import OpeningHoursForm, SpaceAdminForm
from .models import Booking, BookingSeries, Closure, OpeningHours, Space
from .services.rules import space_rules_weigh


class RulesCheckFormSet(BaseInlineFormSet):
    """An inline of the space's rules. The last one of the page runs `rules_check` (set
    by SpaceAdmin) once every rule row is read, to weigh the change as a whole."""

    rules_check = None

    def clean(self):
        super().clean()
        if self.rules_check is not None:
            self.rules_check(self)


class OpeningHoursInline(PortalTabularInline):
    model = OpeningHours
    form = OpeningHoursForm
    formset = RulesCheckFormSet
    extra = 0


class ClosureInline(PortalTabularInline):
    model = Closure
    formset = RulesCheckFormSet
    extra = 0


class _NoSilentHiding:
    """The admin's guard against a rules change that hides live bookings (issue 10 B3).

    Called from the last rules inline's clean(), with the space as the valid main form
    left it (unsaved) and every inline: if the new period, holidays, hours and closures
    leave live bookings outside the rules, the change is refused with the bookings
    listed and a link to the rules page, which offers to cancel them (each booker told)
    or keep them as exceptions. The space row is locked first (the admin's change view
    is one transaction), so no booking slips in between this check and the save."""

    def __init__(self, space: Space, formsets):
        self.space, self.formsets = space, formsets

    def _rows(self, model) -> list | None:
        for formset in self.formsets:
            if formset.model is model:
                if any(form.errors for form in formset.forms):
                    return None
                deleted = {id(f) for f in formset.forms if f.cleaned_data.get("DELETE")}
                return [
                    f.instance
                    for f in formset.forms
                    if id(f) not in deleted and (f.instance.pk is not None or f.has_changed())
                ]
        return []

    def __call__(self, formset) -> None:
        hours, closures = self._rows(OpeningHours), self._rows(Closure)
        if hours is None or closures is None:
            return  # a row is refused already; the page shows why
        proposed = rules.RuleSet.of(self.space, hours=hours, closures=closures)
        affected = space_rules_weigh(space_id=self.space.pk, proposed=proposed)
        if not affected:
            return
        count = len(affected)
        lines = [
            ngettext(
                "This change puts %(count)d live booking outside the opening rules "
                "(closed days or hours).",
                "This change puts %(count)d live bookings outside the opening rules "
                "(closed days or hours).",
                count,
            )
            % {"count": count},
            *(
                f"{span(a.booking.starts_at, a.booking.ends_at)} {a.booking.get_kind_display()} "
                f"{a.booking.user.display_name}: {a.booking.purpose} "
                f"({a.booking.get_status_display()})"
                for a in affected
            ),
            _(
                "Make this change on the space's rules page (%(url)s), which lets you "
                "cancel these bookings (each booker is told why) or keep them as exceptions."
            )
            % {"url": reverse("spaces:rules", args=[self.space.pk])},
        ]
        raise ValidationError(lines, code="bookings_outside_rules")


@admin.register(Space)
class SpaceAdmin(PortalModelAdmin):
    form = SpaceAdminForm
    list_display = [
        "name",
        "building",
        "host",
        "capacity",
        "opens_on",
        "closes_on",
        "is_active",
        "bookings",
    ]
    list_select_related = ["host"]
    # A host is searched by name, not listed: 1,000 spaces have hundreds of hosts.
    list_filter = ["is_active"]
    search_fields = ["name", "building", "address", "host__name"]
    autocomplete_fields = ["host", "coordinators", "allowed_organisations", "allowed_quests"]
    filter_horizontal = ["allowed_regions"]
    inlines = [OpeningHoursInline, ClosureInline]

    @admin.display(description=_("bookings"))
    def bookings(self, obj: Space) -> str:
        # The booking list filtered by this space (chosen_only_filter), not a sidebar of
        # every space.
        url = f"{reverse('admin:spaces_booking_changelist')}?space={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("bookings"))

    def _create_formsets(self, request, obj, change):
        # Django's hook that builds the inlines of the change page; the guard needs all of
        # them together with the space (see _NoSilentHiding).
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        rule_formsets = [f for f in formsets if f.model in (OpeningHours, Closure)]
        if change and request.method == "POST" and rule_formsets:
            rule_formsets[-1].rules_check = _NoSilentHiding(obj, rule_formsets)
        return formsets, inline_instances


@admin.register(Booking)
class BookingAdmin(PortalModelAdmin):
    """Bookings are made, moved, approved and cancelled on the portal's pages, where the
    space's rules, capacity under the space lock and approval apply (spaces/services/);
    site admins coordinate every space there. The admin shows the room, booker, time,
    kind and status read-only (a direct edit would skip approval, issue 10 B1) and
    adds no bookings."""

    list_display = ["space", "starts_at", "ends_at", "kind", "status", "user", "purpose"]
    # A million rows nationally (issue 12): no filter, search or order here reads them all.
    # The date is a range filter (the index booking_starts_idx), not a date hierarchy,
    # whose year and month links are a DISTINCT over every row; the search is the
    # booker's address exactly (one person's bookings by booking_user_starts_idx): a
    # search across several columns is an OR over joined tables, a scan of every booking.
    list_filter = [
        ("starts_at", admin.DateFieldListFilter),
        chosen_only_filter("space", _("space")),
        "kind",
        "status",
    ]
    search_fields = ["=user__email"]
    search_help_text = _("The booker's email address, exactly.")
    ordering = ["starts_at", "id"]
    list_select_related = ["space", "user"]
    show_full_result_count = False
    autocomplete_fields = ["quest"]
    readonly_fields = [
        "portal_page",
        "space",
        "user",
        "kind",
        "starts_at",
        "ends_at",
        "status",
        "status_reason",
        "status_changed_by",
        "status_changed_at",
        "series",
        "created_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("change, approve or cancel"))
    def portal_page(self, obj: Booking) -> str:
        if obj.pk is None:
            return ""
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("spaces:booking_detail", args=[obj.pk]),
            _("the booking on the portal"),
            reverse("spaces:booking_change", args=[obj.pk]),
            _("change it on the portal"),
        )


@admin.register(BookingSeries)
class BookingSeriesAdmin(PortalModelAdmin):
    list_display = ["space", "user", "kind", "purpose", "created_at"]
    list_select_related = ["space", "user"]
    show_full_result_count = False
    search_fields = ["purpose", "user__email"]
    autocomplete_fields = ["space", "user"]
