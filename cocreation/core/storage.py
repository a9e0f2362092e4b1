"""Where private files (proposal attachments, study group reports) are kept.

They live in the storage named "private" in `settings.STORAGES`: on the local disk under
`settings.PRIVATE_ROOT` by default, or in an S3-compatible bucket when the environment
names one (see the "Uploaded files" block of the settings). Either way no address serves
them: only the portal's permission-checked views read them, through `storage.open`.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.utils.functional import LazyObject, cached_property, empty


class PrivateFileSystemStorage(FileSystemStorage):
    """Local disk under `settings.PRIVATE_ROOT` (not MEDIA_ROOT, which has a URL)."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)


class PrivateStorage(LazyObject):
    """`storages["private"]`, looked up when first used and again after STORAGES changes,
    so that a FileField holding it follows the configured backend."""

    def _setup(self):
        self._wrapped = storages["private"]


private_storage = PrivateStorage()


def private_files() -> PrivateStorage:
    """`private_storage`, as the callable a FileField names (`storage=private_files`), so
    that migrations record this path rather than a storage object."""
    return private_storage


def _forget_private_storage(*, setting, **kwargs):
    # Django resets its own storage handler on this signal (django.test.signals); the
    # lazy object must then look the backend up again.
    if setting == "STORAGES":
        private_storage._wrapped = empty


setting_changed.connect(_forget_private_storage)
