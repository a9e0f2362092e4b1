"""Private calendar feed tokens: calendar apps cannot log in, so the address carries a
secret that identifies the user; resetting it invalidates every old address."""

import re
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction

# What `secrets.token_urlsafe(32)` makes: 43 characters of the URL-safe base64 alphabet.
# Anything else in an address (a NUL byte, other characters, another length) is no token.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")


def calendar_token(user) -> str:
    if not user.calendar_token:
        with transaction.atomic():
            get_user_model().objects.filter(pk=user.pk, calendar_token__isnull=True).update(
                calendar_token=secrets.token_urlsafe(32)
            )
            user.refresh_from_db(fields=["calendar_token"])
    return user.calendar_token


def reset_calendar_token(user) -> str:
    user.calendar_token = secrets.token_urlsafe(32)
    user.save(update_fields=["calendar_token"])
    return user.calendar_token


def user_for_token(token: str):
    """The active user whose calendar address carries `token`, or None (the feeds then
    answer 404) for an unknown or malformed token; the database never sees the latter."""
    from cocreation.accounts.models import User

    if not isinstance(token, str) or not TOKEN_PATTERN.fullmatch(token):
        return None
    return User.objects.filter(calendar_token=token, is_active=True).first()
