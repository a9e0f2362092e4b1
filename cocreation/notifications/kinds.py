"""The kinds of notification the portal sends, with their translatable texts.

Each app registers its kinds here (at import of its `notifications.py`), so that
one path renders every notification in the recipient's language.
Placeholders are filled from the `context` given to notify().
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NotificationKind:
    name: str
    title: str | Promise
    body: str | Promise
    email: bool = True


_REGISTRY: dict[str, NotificationKind] = {}


def register(kind: NotificationKind) -> NotificationKind:
    _REGISTRY[kind.name] = kind
    return kind


def get(name: str) -> NotificationKind:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise LookupError(f"Unknown notification kind {name!r}; register it first.") from None


MEMBERSHIP_REQUESTED = register(
    NotificationKind(
        "membership.requested",
        _("%(person)s asks to join %(organisation)s"),
        _(
            "%(person)s (%(email)s) asks to join %(organisation)s.\n"
            "Message: %(message)s\n"
            "Please approve or decline the request on the portal."
        ),
    )
)
MEMBERSHIP_APPROVED = register(
    NotificationKind(
        "membership.approved",
        _("You are now a member of %(organisation)s"),
        _("%(decider)s approved your request to join %(organisation)s."),
    )
)
MEMBERSHIP_DECLINED = register(
    NotificationKind(
        "membership.declined",
        _("Your request to join %(organisation)s was declined"),
        _(
            "%(decider)s declined your request to join %(organisation)s.\n"
            "Reason: %(reason)s\n"
            "If you think this is a mistake, contact the organisation or ask again."
        ),
    )
)
MEMBERSHIP_JOINED_BY_DOMAIN = register(
    NotificationKind(
        "membership.joined_by_domain",
        _("You joined %(organisation)s"),
        _(
            "Your verified address %(email)s is on a mail domain registered by "
            "%(organisation)s, so you joined it as staff."
        ),
    )
)
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
