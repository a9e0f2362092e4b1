"""The base layout's context on every page: navigation, organisation, role and counts
gathered from every app."""

from django.urls import reverse
from django.utils.translation import gettext as _

from cocreation import permissions
from cocreation.notifications.selectors import unread_count
from cocreation.organisations.selectors import pending_requests_for_count
from spaces.selectors.approval import pending_approval_count


def _navigation(request) -> list[dict]:
    """The main navigation: only sections that exist and the user may open."""
    items = [
        ("home", reverse("home"), _("Home")),
        ("quests", reverse("quests:list"), _("Quests")),
        ("desks", reverse("quests:desk_list"), _("Proposal desks")),
        ("dashboard", reverse("dashboard:portal"), _("Dashboard")),
    ]
    if request.user.is_authenticated:
        items.append(("spaces", reverse("spaces:list"), _("Spaces")))
        items.append(("studygroups", reverse("studygroups:list"), _("Study groups")))
        if permissions.is_municipal_staff(request.user) or permissions.is_site_admin(request.user):
            items.append(("exchange", reverse("exchange:list"), _("Exchange of staff")))
        items.append(("organisations", reverse("organisations:list"), _("Organisations")))
    current = request.path
    # The most specific section is the current one (the desks live under /quests/).
    found = max(
        (url for name, url, _label in items if name != "home" and current.startswith(url)),
        key=len,
        default=reverse("home") if current == reverse("home") else None,
    )
    return [
        {"name": name, "url": url, "label": label, "current": url == found}
        for name, url, label in items
    ]


def portal(request) -> dict:
    """What the base layout shows on every page: navigation, organisation, role, counts."""
    user = getattr(request, "user", None)
    context = {"portal_nav": _navigation(request) if user is not None else []}
    if user is None or not user.is_authenticated:
        return {
            **context,
            "portal_memberships": [],
            "portal_role_labels": [],
            "unread_notifications": 0,
            "pending_membership_requests": 0,
            "pending_space_approvals": 0,
        }
    return {
        **context,
        "portal_memberships": permissions.active_memberships(user),
        "portal_role_labels": permissions.role_labels(user),
        "unread_notifications": unread_count(user),
        "pending_membership_requests": pending_requests_for_count(user),
        "pending_space_approvals": pending_approval_count(user),
    }
