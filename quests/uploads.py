"""Proposal attachments: the portal's upload rule (cocreation.core.uploads.check_upload:
PDF, PNG or JPEG, the name's extension and the bytes must agree) plus the proposal's own
limit on how many files it carries."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cocreation.core.uploads import PDF_OR_IMAGE, check_upload

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5


def validate_attachments(uploads, *, already: int = 0) -> list:
    """Check new attachments of a proposal that has `already` files.

    Each refusal names the file (size, type, content not matching the name). Accepted
    files get the content type read from their bytes and a safe name (`upload.name`).
    Raises ValidationError with every refusal at once.
    """
    errors = []
    if already + len(uploads) > MAX_FILES:
        errors.append(
            _("A proposal can have at most %(max)d attachments (it has %(count)d already).")
            % {"max": MAX_FILES, "count": already}
        )
    for upload in uploads:
        try:
            check_upload(upload, allowed=PDF_OR_IMAGE, max_bytes=MAX_BYTES)
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return list(uploads)
