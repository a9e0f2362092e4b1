from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "studygroups.exchange"
    label = "exchange"
    verbose_name = _("Staff exchange")

    def ready(self) -> None:
        from . import (
            holdings,  # noqa: F401 - what staff hold, for the handover when they move
            notifications,  # noqa: F401 - registers the exchange notification kinds
        )
