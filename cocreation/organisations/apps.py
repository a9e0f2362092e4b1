from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "cocreation.organisations"
    label = "organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from cocreation.core import search

        from . import (
            notifications,  # noqa: F401 - registers the membership notification kinds
            reminders,  # noqa: F401 - the April reminder of handovers
            signals,  # noqa: F401 - the page cache forgets pages showing organisations
        )
        from .models import ORGANISATION_CODE_TAG, Organisation, organisation_search_documents

        # The directory's keyword search; a keyword may also begin the code.
        search.register(
            Organisation,
            organisation_search_documents,
            prefix_fields={ORGANISATION_CODE_TAG: "local_government_code"},
        )
