from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudygroupsConfig(AppConfig):
    name = "studygroups"
    verbose_name = _("Study groups")

    def ready(self) -> None:
        from cocreation.core import search

        from . import (
            holdings,  # noqa: F401 - what staff hold, for the handover when they move
            notifications,  # noqa: F401 - registers the study-group notification kinds
            reminders,  # noqa: F401 - registers the session reminders with the runner
            signals,  # noqa: F401 - the page cache forgets the archive on change
        )
        from .models import Outcome, outcome_search_documents

        # The outcome archive's keyword search.
        search.register(Outcome, outcome_search_documents)
