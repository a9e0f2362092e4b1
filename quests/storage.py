"""Proposal attachments live outside MEDIA_URL: only the permission-checked view serves them."""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_storage() -> FileSystemStorage:
    return FileSystemStorage(location=Path(settings.MEDIA_ROOT).parent / "private", base_url=None)
