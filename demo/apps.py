from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data from the seed documents (`python manage.py load_demo`): outside the
    runtime, nothing of the portal imports it (the import contract in pyproject.toml)."""

    name = "demo"
    verbose_name = _("Demo data")
