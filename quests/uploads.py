"""Attachment checks: the file's own bytes decide its type, not its name."""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5

SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
]


def sniff(upload) -> str | None:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def validate_attachments(uploads, *, already: int = 0) -> list:
    """Every refusal names the file; the accepted files get their real content type."""
    errors = []
    if already + len(uploads) > MAX_FILES:
        errors.append(
            _("A proposal can have at most %(max)d attachments (it has %(count)d already).")
            % {"max": MAX_FILES, "count": already}
        )
    for upload in uploads:
        if upload.size > MAX_BYTES:
            errors.append(
                _("%(name)s is %(size)s; the limit is %(limit)s per file.")
                % {
                    "name": upload.name,
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(MAX_BYTES),
                }
            )
            continue
        content_type = sniff(upload)
        if content_type is None:
            errors.append(_("%(name)s is not a PDF, PNG or JPEG file.") % {"name": upload.name})
            continue
        upload.content_type = content_type
    if errors:
        raise ValidationError(errors)
    return list(uploads)
