"""Reads of accounts for pages and feeds."""

from __future__ import annotations

import re

from .models import User

# What `secrets.token_urlsafe(32)` makes: 43 characters of the URL-safe base64 alphabet.
# Anything else in an address (a NUL byte, other characters, another length) is no token.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")


def user_for_calendar_token(token: str):
    """The active user whose calendar address carries `token`, or None (the feeds then
    answer 404) for an unknown or malformed token; the database never sees the latter."""
    if not isinstance(token, str) or not TOKEN_PATTERN.fullmatch(token):
        return None
    return User.objects.filter(calendar_token=token, is_active=True).first()
