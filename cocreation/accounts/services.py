"""Writes to a person's own account: profile, language, private calendar address."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction


def profile_update(
    *,
    user,
    family_name: str | None = None,
    given_name: str | None = None,
    family_name_kana: str | None = None,
    given_name_kana: str | None = None,
    department: str | None = None,
    position: str | None = None,
    phone: str | None = None,
    preferred_language: str | None = None,
):
    """Save the given parts of a person's own profile (values already checked by
    `ProfileForm` or the sign-up form; None leaves a part as it is). Only those columns are
    written: the user row read at the start of the request may be stale (a password
    change or a calendar reset in another tab meanwhile). A new department opens a
    handover of what the person holds (`organisations.services.department_changed`).
    Returns the user."""
    values = {
        "family_name": family_name,
        "given_name": given_name,
        "family_name_kana": family_name_kana,
        "given_name_kana": given_name_kana,
        "department": department,
        "position": position,
        "phone": phone,
        "preferred_language": preferred_language,
    }
    changed = {name: value for name, value in values.items() if value is not None}
    # The stored department, not the instance's: a ModelForm has already copied the new
    # value onto `user`.
    before = (
        get_user_model().objects.filter(pk=user.pk).values_list("department", flat=True).first()
        if department is not None
        else None
    )
    for name, value in changed.items():
        setattr(user, name, value)
    with transaction.atomic():
        if changed:
            user.save(update_fields=list(changed))
        if department is not None and department != before and before:
            # A move (人事異動): what the person holds is listed for a successor.
            from cocreation.organisations.services import department_changed

            department_changed(person=user, before=before, after=department)
    return user


def user_set_language(*, user, language: str) -> None:
    """Remember `language` (a code of settings.LANGUAGES, checked by the caller) as the
    person's preferred language; nothing is written when it is already theirs."""
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])


def calendar_token_issue(*, user) -> str:
    """The secret of `user`'s private calendar addresses (calendar apps cannot sign in, so
    the address carries it), made on first use: 43 URL-safe characters. Two first uses at
    once make one token (the UPDATE only fills an empty column)."""
    if not user.calendar_token:
        with transaction.atomic():
            get_user_model().objects.filter(pk=user.pk, calendar_token__isnull=True).update(
                calendar_token=secrets.token_urlsafe(32)
            )
            user.refresh_from_db(fields=["calendar_token"])
    return user.calendar_token


def calendar_token_reset(*, user) -> str:
    """A new calendar secret for `user`; every address with the old one stops working."""
    user.calendar_token = secrets.token_urlsafe(32)
    user.save(update_fields=["calendar_token"])
    return user.calendar_token
