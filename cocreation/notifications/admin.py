from django.contrib import admin, messages
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cocreation.core.admin import PortalModelAdmin

from . import services
from .models import Notification


class ReadFilter(admin.SimpleListFilter):
    title = _("read")
    parameter_name = "read"

    def lookups(self, request, model_admin):
        return [("yes", _("Read")), ("no", _("Unread"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(read_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(read_at__isnull=True)
        return queryset


class KindFilter(admin.SimpleListFilter):
    """The kinds of the newest notifications (and the one chosen), read from the last
    `RECENT` rows by primary key: listing every kind ever sent would read the whole table."""

    title = _("kind")
    parameter_name = "kind"
    RECENT = 2000

    def lookups(self, request, model_admin):
        recent = Notification.objects.order_by("-pk").values_list("kind", flat=True)
        kinds = set(recent[: self.RECENT])
        if self.value():
            kinds.add(self.value())
        return [(kind, kind) for kind in sorted(kinds)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(kind=self.value())
        return queryset


@admin.register(Notification)
class NotificationAdmin(PortalModelAdmin):
    """Site admins: every notification, with the state of its mail and the last error.

    Failed mails are also reported to them each morning in the portal
    (`services.email_report_failures`).
    """

    list_display = [
        "title",
        "recipient",
        "kind",
        "created_at",
        "read_at",
        "email_status",
        "email_attempts",
        "short_error",
    ]
    # A million rows nationally (issue 12): no filter, search or order here reads them all.
    # The date is a range filter (the created_at index), not a date hierarchy, whose year
    # and month links are a DISTINCT over every row; the search is the recipient's address
    # exactly (notif_list_idx): a search of titles, or across several columns (an OR over
    # joined tables), reads every notification.
    list_filter = [
        ("created_at", admin.DateFieldListFilter),
        "email_status",
        KindFilter,
        ReadFilter,
    ]
    search_fields = ["=recipient__email"]
    search_help_text = _("The recipient's email address, exactly.")
    ordering = ["-created_at", "-id"]
    list_select_related = ["recipient"]
    show_full_result_count = False
    readonly_fields = [
        "recipient",
        "kind",
        "key",
        "content_type",
        "object_id",
        "title",
        "body",
        "url",
        "language",
        "created_at",
        "read_at",
        "email_status",
        "emailed_at",
        "email_attempts",
        "last_error",
        "queued_at",
        "lease_until",
        "next_attempt_at",
        "failed_at",
    ]
    actions = ["requeue_failed_emails"]

    def has_add_permission(self, request):
        # Notifications come from the portal's events, never typed in by hand.
        return False

    @admin.display(description=_("last error"))
    def short_error(self, obj) -> str:
        return Truncator(obj.last_error).chars(80)

    @admin.action(description=_("Send the failed emails again"))
    def requeue_failed_emails(self, request, queryset):
        count = services.email_requeue_failed(
            notification_ids=list(queryset.values_list("pk", flat=True))
        )
        self.message_user(
            request,
            ngettext("%(count)d email queued again.", "%(count)d emails queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )
