"""Pages that gather from several apps: the home page."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from cocreation import permissions
from cocreation.core.page_cache import DIRECTORY, QUESTS, public_page
from cocreation.notifications.selectors import notifications_for
from cocreation.organisations.selectors import memberships_of
from quests.selectors.quests import quests_accepting_proposals
from spaces.selectors.bookings import my_bookings
from studygroups.selectors.sessions import upcoming_sessions_for


@public_page(QUESTS, DIRECTORY)
@require_GET
def home(request):
    """Everyone: what the portal is; signed-in users also see their organisations and news."""
    context = {"open_quests": quests_accepting_proposals(limit=5)}
    if request.user.is_authenticated:
        context["memberships"] = memberships_of(request.user)
        context["recent_notifications"] = notifications_for(request.user)[:5]
        context["has_organisation"] = permissions.has_organisation(request.user)
        context["next_bookings"] = list(my_bookings(request.user, upcoming=True)[:3])
        context["next_sessions"] = upcoming_sessions_for(request.user, limit=3)
    return render(request, "home.html", context)
