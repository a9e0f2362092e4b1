"""The one error of the organisations app: a refused membership change."""

from cocreation.core.errors import PortalError


class MembershipError(PortalError):
    """A membership change (or a region announcement) that cannot be made
    (`cocreation.core.errors.PortalError`); the message is for the person.

    `code` is the rule refused: "unverified", "member", "waiting", "municipality",
    "registered", "gone", "forbidden", "answered", "reason", "role", "inactive",
    "last_admin", "title", "body". `field` is the form field it goes next to ("name" on
    the registration form, "note" on a decision, "role", "title" and "body" on an
    announcement), None for the form as a whole.
    """
