from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestsConfig(AppConfig):
    name = "quests"
    verbose_name = _("Quests")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from cocreation.core import search

        from . import (
            holdings,  # noqa: F401 - what staff hold, for the handover when they move
            notifications,  # noqa: F401 - registers the quest notification kinds
            reminders,  # noqa: F401 - registers the deadline reminder source
            signals,  # noqa: F401 - the page cache forgets public quest pages on change
        )
        from .models import Proposal, Quest, proposal_search_documents, quest_search_documents
        from .reference_data import ensure_reference_data

        # Themes and SDGs come back after a flush, as content types and permissions do.
        post_migrate.connect(ensure_reference_data, sender=self)

        # The quest list's keyword search, and the team's proposal list's.
        search.register(Quest, quest_search_documents)
        search.register(Proposal, proposal_search_documents)
