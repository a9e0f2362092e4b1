"""Proposal attachments live outside MEDIA_URL: only the permission-checked view serves them."""

from cocreation.core import storage


def private_storage() -> storage.PrivateStorage:
    """The "private" storage of `settings.STORAGES` (local disk or a private bucket); the
    FileFields of quests and study groups name this callable in their migrations."""
    return storage.private_storage
