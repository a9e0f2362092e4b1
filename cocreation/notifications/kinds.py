"""The kinds of notification the portal sends, with their translatable texts.

Each app registers its kinds here (at import of its `notifications.py`), so that
one path renders every notification in the recipient's language.
Placeholders are filled from the `context` given to notify().
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NotificationKind:
    """One kind: `name` ("<app>.<event>", given to notify()), `title` and `body` with
    %(name)s fields filled from notify()'s context, and whether it is mailed.

    `mail_headers`, when given, is called with the Notification as its mail is built and
    returns further headers for it ({name: value}), e.g. a digest's List-Unsubscribe and
    List-Unsubscribe-Post (RFC 8058), which name the recipient's own link."""

    name: str
    title: str | Promise
    body: str | Promise
    email: bool = True
    mail_headers: Callable[[object], dict[str, str]] | None = None


_REGISTRY: dict[str, NotificationKind] = {}


def register(kind: NotificationKind) -> NotificationKind:
    """Make `kind` known to notify(); returns it (apps keep it as a module constant)."""
    _REGISTRY[kind.name] = kind
    return kind


def get(name: str) -> NotificationKind:
    """The registered kind called `name`; LookupError for an unknown one."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise LookupError(f"Unknown notification kind {name!r}; register it first.") from None


EMAIL_FAILURE_DIGEST = register(
    NotificationKind(
        "notifications.email_failure_digest",
        _("%(count)s emails could not be delivered"),
        _(
            "The portal gave up sending these emails, after repeated attempts or because "
            "the mail server refused them for good "
            "(time, recipient, kind, title, attempts: last error):\n%(failures)s\n\n"
            "Check the mail server settings, then select them in the notification list of "
            "the admin site (filter: email, Failed) and choose “Send the failed emails "
            "again”."
        ),
        email=False,
    )
)
