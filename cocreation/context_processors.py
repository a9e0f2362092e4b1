from django.urls import reverse
from django.utils.translation import gettext as _

from cocreation import permissions


def _navigation(request) -> list[dict]:
    """The main navigation: only sections that exist and the user may open."""
    items = [
        ("home", reverse("home"), _("Home")),
        ("quests", reverse("quests:list"), _("Quests")),
    ]
    if request.user.is_authenticated:
        items.append(("spaces", reverse("spaces:list"), _("Spaces")))
        items.append(("studygroups", reverse("studygroups:list"), _("Study groups")))
        items.append(("organisations", reverse("organisations:list"), _("Organisations")))
    current = request.path
    return [
        {
            "name": name,
            "url": url,
            "label": label,
            "current": current == url if name == "home" else current.startswith(url),
        }
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
    from cocreation.notifications.selectors import unread_count
    from cocreation.organisations.selectors import pending_requests_for_count

    return {
        **context,
        "portal_memberships": permissions.active_memberships(user),
        "portal_role_labels": permissions.role_labels(user),
        "unread_notifications": unread_count(user),
        "pending_membership_requests": pending_requests_for_count(user),
        "pending_space_approvals": _pending_space_approvals(user),
    }


def _pending_space_approvals(user) -> int:
    """Whole-room bookings waiting for this coordinator (one query for non-coordinators)."""
    from spaces import permissions as space_permissions
    from spaces.models import Booking

    if not space_permissions.is_any_space_coordinator(user):
        return 0
    spaces = [
        s
        for s in space_permissions.visible_spaces(user)
        if space_permissions.can_coordinate(user, s)
    ]
    return Booking.objects.filter(space__in=spaces, status=Booking.Status.PENDING).count()
