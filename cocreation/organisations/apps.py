from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "cocreation.organisations"
    label = "organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from . import (
            notifications,  # noqa: F401 - registers the membership notification kinds
            signals,  # noqa: F401 - the page cache forgets pages showing organisations
        )
