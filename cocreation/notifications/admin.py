from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cocreation.core.admin import PortalModelAdmin

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


@admin.register(Notification)
class NotificationAdmin(PortalModelAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at", "email_status"]
    list_filter = ["kind", "email_status", ReadFilter]
    search_fields = ["title", "recipient__email", "key"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "recipient", "kind", "key", "content_type", "object_id", "title", "body", "url",
        "language", "created_at", "read_at", "email_status", "emailed_at", "email_attempts",
        "last_error",
    ]  # fmt: skip
    actions = ["requeue_failed_emails"]

    def has_add_permission(self, request):
        # Notifications come from the portal's events, never typed in by hand.
        return False

    @admin.action(description=_("Send the failed emails again"))
    def requeue_failed_emails(self, request, queryset):
        from .tasks import send_notification_email

        ids = list(
            queryset.filter(email_status=Notification.EmailStatus.FAILED).values_list(
                "pk", flat=True
            )
        )
        Notification.objects.filter(pk__in=ids).update(
            email_status=Notification.EmailStatus.PENDING
        )
        for notification_id in ids:
            transaction.on_commit(
                lambda notification_id=notification_id: send_notification_email.delay(
                    notification_id
                )
            )
        self.message_user(
            request,
            ngettext("%(count)d email queued again.", "%(count)d emails queued again.", len(ids))
            % {"count": len(ids)},
            messages.SUCCESS,
        )
