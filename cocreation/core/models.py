from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestFingerprint(models.Model):
    """One form submission that was accepted (or is being processed): the digest of who
    sent what to which address. A second identical POST while it is recent is answered
    with the first one's result instead of being run again (see `once.OnceMiddleware`)."""

    fingerprint = models.CharField(_("fingerprint"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("received at"), db_index=True)
    location = models.CharField(_("answered with"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self) -> str:
        return self.fingerprint[:12]
