from cocreation import permissions


def portal(request) -> dict:
    """What the base layout shows on every page: organisation, role, unread count."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"portal_memberships": [], "portal_role_labels": [], "unread_notifications": 0}
    from cocreation.notifications.selectors import unread_count
    from cocreation.organisations.selectors import pending_requests_for_count

    return {
        "portal_memberships": permissions.active_memberships(user),
        "portal_role_labels": permissions.role_labels(user),
        "unread_notifications": unread_count(user),
        "pending_membership_requests": pending_requests_for_count(user),
    }
