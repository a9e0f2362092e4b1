from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message to one person: shown in the portal exactly once, and mailed.

    `key` makes a notification unique: calling notify() twice for the same
    event, or a task that runs twice, finds the existing row and sends nothing.

    The mail's delivery state lives here, not in Redis (see services.email_deliver_batch):
    `queued_at` when a task was last handed to the broker, `lease_until` while a worker
    is sending, `next_attempt_at` when a failed send may be tried again, `failed_at`
    when the portal gave up. All times are aware datetimes (stored UTC, shown JST).
    """

    class EmailStatus(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        NOT_SENT = "not_sent", _("Not sent by email")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=60)
    key = models.CharField(_("uniqueness key"), max_length=255, unique=True)
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("content type"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    object_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=5, default="ja")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_status = models.CharField(
        _("email"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    email_attempts = models.PositiveIntegerField(_("email attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    lease_until = models.DateTimeField(_("being sent until"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("gave up at"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The notification list: one person's, newest first, a page at a time.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notif_list_idx"),
            models.Index(
                fields=["recipient", "created_at"],
                name="notif_unread_idx",
                condition=Q(read_at__isnull=True),
            ),
            models.Index(
                fields=["email_status", "created_at"],
                name="notif_email_pending_idx",
                condition=Q(email_status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
