"""The accounts app's signal hooks: joining a municipality by a confirmed e-mail domain,
and forgetting cached public pages that show a person's name."""

from allauth.account.signals import email_confirmed
from django.contrib.auth import get_user_model
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
