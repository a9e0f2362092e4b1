"""The reference data (themes, SDG goals and targets) and the site's name survive a
`flush`: the transactional tests flush every table, and with the suite spread over
several workers (pytest-xdist) later tests on the same worker found no SDG target."""

import pytest
from django.conf import settings
from django.contrib.sites.models import Site
from django.core.management import call_command
from django.db.models.signals import post_migrate

from quests.models import SdgGoal, SdgTarget, Theme


@pytest.mark.django_db(transaction=True)
def test_a_flush_brings_back_the_themes_sdgs_and_site_name():
    call_command("flush", interactive=False, verbosity=0)
    assert SdgGoal.objects.count() == 17
    assert SdgTarget.objects.count() == 169
    assert Theme.objects.exists()
    assert Site.objects.get(pk=settings.SITE_ID).name == "官民共創ポータル"


@pytest.mark.django_db
def test_a_migrate_leaves_reference_data_edited_in_the_admin_alone():
    from django.apps import apps

    theme = Theme.objects.order_by("order").first()
    Theme.objects.filter(pk=theme.pk).update(name="改名したテーマ")
    site = Site.objects.get(pk=settings.SITE_ID)
    Site.objects.filter(pk=site.pk).update(name="郡山市官民共創")
    for config in apps.get_app_configs():
        post_migrate.send(
            sender=config, app_config=config, verbosity=0, interactive=False, using="default"
        )
    assert Theme.objects.get(pk=theme.pk).name == "改名したテーマ"
    assert Site.objects.get(pk=site.pk).name == "郡山市官民共創"
