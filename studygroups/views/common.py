"""What every cohort page shares: the cohort it is about, checked, and the header's context."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from cocreation.core import inputs

from .. import permissions
from ..models import Cohort, Member
from ..selectors.recruitment import member_of
from ..selectors.setup import cohort_or_404


def visible_cohort(request, pk: int) -> Cohort:
    """The cohort `pk` if the person may see it; Http404 when there is none,
    PermissionDenied when they may not."""
    cohort = cohort_or_404(pk)
    if not permissions.can_view_cohort(request.user, cohort):
        raise PermissionDenied
    return cohort


def coordinated_cohort(request, pk: int) -> Cohort:
    """The cohort `pk` if the person coordinates it; PermissionDenied otherwise."""
    cohort = visible_cohort(request, pk)
    if not permissions.is_coordinator(request.user, cohort):
        raise PermissionDenied
    return cohort


def cohort_context(request, cohort: Cohort, section: str) -> dict:
    """The context of the cohort's header and tabs: the person's membership and roles,
    and whether the Apply button shows."""
    member = permissions.membership(request.user, cohort)
    is_coordinator = permissions.is_coordinator(request.user, cohort)
    return {
        "cohort": cohort,
        "section": section,
        "me": member,
        "is_coordinator": is_coordinator,
        "is_reviewer": is_coordinator or permissions.is_listed_reviewer(request.user, cohort),
        # The Apply button: staff of a participating municipality while applications are
        # open; not the cohort's own coordinators.
        "can_apply": not is_coordinator
        and cohort.is_recruiting(timezone.localdate())
        and permissions.can_apply(request.user, cohort),
    }


MEMBER_NOT_FOUND = _lazy("That member was not found. Reload the page and try again.")


def posted_member(request, cohort: Cohort) -> Member | None:
    """The cohort's member named by the POST's `member` id, or None for a malformed or
    unknown id (the view then answers `refused(request, MEMBER_NOT_FOUND, ...)`)."""
    return member_of(
        cohort, inputs.query_int(request.POST.get("member"), maximum=inputs.BIGINT_MAX)
    )
