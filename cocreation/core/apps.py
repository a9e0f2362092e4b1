from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "cocreation.core"
    label = "core"
    verbose_name = _("Portal core")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .page_cache import forget_every_page

        # A migration may rewrite rows without model signals, and a deploy (which runs
        # migrate) brings new templates: no page kept before it is served after it.
        post_migrate.connect(forget_every_page, sender=self, dispatch_uid="page_cache:migrate")
