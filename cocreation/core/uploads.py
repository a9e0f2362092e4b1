"""Uploaded files: the name's extension must be on the field's allow-list, and the bytes
must be what that extension says. Downloads always go out as attachments under a safe
name, so a file can never be opened by the browser as a page or run as a program.

Content is identified by `filetype` (magic numbers, pure Python, maintained) rather than
by the browser's Content-Type, which the uploader controls.
"""

from __future__ import annotations

import unicodedata
from pathlib import PurePosixPath, PureWindowsPath

import filetype
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from . import inputs

# Extension → the MIME type its bytes must have. One table for every upload field.
KINDS = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}
PDF = ("pdf",)
PDF_OR_IMAGE = ("pdf", "png", "jpg", "jpeg")
IMAGE = ("png", "jpg", "jpeg")
NAME_MAX = 120


def safe_name(name: str, *, extension: str | None = None) -> str:
    """The file's own name without directories or control characters, at most NAME_MAX
    characters, ending in `extension` (lower case, no dot) when given."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    base = unicodedata.normalize("NFC", base)
    base = "".join(
        c
        for c in base
        if unicodedata.category(c) not in {"Cc", "Cf"} and c not in inputs.BIDI_CONTROLS
    )
    base = base.replace('"', "").replace("\\", "").strip(" .") or "file"
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    if extension:
        ext = extension
    suffix = f".{ext.lower()}" if ext else ""
    return stem[: max(1, NAME_MAX - len(suffix))] + suffix


def extension_of(name: str) -> str:
    """The lower-case extension of a file name, without the dot ('' when none)."""
    stem, dot, ext = (name or "").rpartition(".")
    return ext.lower() if dot and stem else ""


def check_upload(upload, *, allowed: tuple[str, ...], max_bytes: int) -> str:
    """Refuse an upload whose size, extension or content is not allowed.

    Args: `upload` a Django UploadedFile; `allowed` extensions without dots (`PDF`,
    `PDF_OR_IMAGE`, `IMAGE`); `max_bytes` in bytes.
    On success sets `upload.content_type` to the type read from the bytes and
    `upload.name` to its `safe_name`, and returns that type.
    Raises ValidationError naming the file and what is accepted.
    """
    name = safe_name(upload.name)
    accepted = ", ".join(sorted({e.upper() for e in allowed} - {"JPEG"}))
    if upload.size > max_bytes:
        raise ValidationError(
            _("%(name)s is %(size)s; the limit is %(limit)s per file."),
            code="too_large",
            params={
                "name": name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(max_bytes),
            },
        )
    if len(inputs.BIDI_CONTROLS.intersection(upload.name or "")):
        raise ValidationError(
            _("%(name)s has invisible control characters in its name; rename it."),
            code="bad_name",
            params={"name": name},
        )
    extension = extension_of(upload.name)
    if extension not in allowed:
        raise ValidationError(
            _("%(name)s is not an accepted file type (accepted: %(accepted)s)."),
            code="extension",
            params={"name": name, "accepted": accepted},
        )
    upload.seek(0)
    kind = filetype.guess(upload.read(8192))
    upload.seek(0)
    if kind is None or kind.mime != KINDS[extension]:
        raise ValidationError(
            _(
                "%(name)s does not contain what its name says (%(extension)s); "
                "save it again as %(extension)s and upload that file."
            ),
            code="content",
            params={"name": name, "extension": extension.upper()},
        )
    upload.content_type = kind.mime
    upload.name = name
    return kind.mime


def attachment_response(handle, *, filename: str, content_type: str) -> FileResponse:
    """Serve a stored upload for download, never inline, under a safe name whose extension
    matches `content_type` (one of KINDS' values); the header follows RFC 6266."""
    extension = next((e for e, mime in KINDS.items() if mime == content_type), None)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=safe_name(filename, extension=extension),
        content_type=content_type if extension else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
