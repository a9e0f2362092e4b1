"""The accounts app's signal hooks: joining a municipality by a confirmed e-mail domain,
forgetting cached public pages that show a person's name, and keeping the site's name."""

from urllib.parse import urlsplit

from allauth.account.signals import email_confirmed
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from cocreation.core.page_cache import DIRECTORY, invalidates

# What `User.display_name` is made of: shown on public pages (a quest's team and history).
NAME_FIELDS = frozenset({"family_name", "given_name", "email"})


@receiver(email_confirmed)
def join_municipality_by_domain(sender, request, email_address, **kwargs):
    from cocreation.organisations.services import membership_join_by_domain

    membership_join_by_domain(user=email_address.user, email=email_address.email)


def _name_may_have_changed(user, update_fields) -> bool:
    """A whole-row save, or one of the name fields; not a sign-in's `last_login`."""
    return update_fields is None or bool(update_fields & NAME_FIELDS)


invalidates(DIRECTORY, get_user_model(), when=_name_may_have_changed)


# The name Django's sites framework gives a site it creates itself.
_DJANGO_DEFAULT_DOMAIN = "example.com"


@receiver(post_migrate, dispatch_uid="accounts:site_name")
def keep_the_site_name(sender, *, using: str = "default", apps=None, **kwargs):
    """After a migrate or a `flush` (which recreates Django's "example.com" site), name the
    site as migration accounts 0002 does: e-mails say 官民共創ポータル, not a host name. A
    site already named otherwise is left alone."""
    if sender.label != "sites":
        return
    from django.apps import apps as global_apps

    try:
        site_model = (apps or global_apps).get_model("sites", "Site")
    except LookupError:
        return
    domain = urlsplit(settings.SITE_URL).netloc or "localhost"
    site_model.objects.using(using).filter(
        pk=settings.SITE_ID, domain=_DJANGO_DEFAULT_DOMAIN
    ).update(domain=domain[:100], name="官民共創ポータル")
