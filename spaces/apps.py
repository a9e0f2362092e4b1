from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpacesConfig(AppConfig):
    name = "spaces"
    verbose_name = _("Spaces")

    def ready(self) -> None:
        # Registers the space notification kinds and the space reminder sources.
        from . import holdings, notifications, reminders  # noqa: F401
