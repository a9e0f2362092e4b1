from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The pages that gather from every app (home, the header's counts); the top layer:
    it imports the apps, none imports it."""

    name = "portal"
    verbose_name = _("Portal pages")
