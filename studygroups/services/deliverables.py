"""Deliverables: coordinators set them, teams upload versions (PDF), reviewers comment
(講評) and the team is told."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cocreation.core.uploads import safe_name
from cocreation.notifications.services import notify_many

from .. import permissions
from ..errors import StudyError
from ..models import Cohort, Deliverable, Member, Phase, ReviewComment, Submission, Team


def deliverable_create(
    *, cohort: Cohort, user, kind: str, title: str, due_at: dt.datetime, phase: Phase | None
) -> Deliverable:
    """A deliverable of `cohort` (`kind` a Deliverable.Kind value, `due_at` aware and in
    the date window, as the form checked). Raises StudyError for anyone but the cohort's
    coordinators."""
    if not permissions.is_coordinator(user, cohort):
        raise StudyError(_("Only the cohort's coordinators set deliverables."))
    return Deliverable.objects.create(
        cohort=cohort, kind=kind, title=title, due_at=due_at, phase=phase
    )


def submission_create(
    *,
    deliverable: Deliverable,
    team: Team,
    user,
    upload,
    title: str = "",
    summary: str = "",
    now: dt.datetime | None = None,
) -> Submission:
    """The next version of `team`'s `deliverable`: `upload` (an UploadedFile, checked as a
    PDF by the form) is stored under a safe name, marked late after the deadline (`now`,
    default the current time). The team row is locked while the version is counted.
    Raises StudyError for anyone but the team's members and the coordinators."""
    if not permissions.can_upload(user, team):
        raise StudyError(_("Only the team's members upload its deliverables."))
    now = now or timezone.now()
    with transaction.atomic():
        Team.objects.select_for_update().get(pk=team.pk)
        latest = (
            Submission.objects.filter(deliverable=deliverable, team=team)
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
        )
        return Submission.objects.create(
            deliverable=deliverable,
            team=team,
            version=(latest or 0) + 1,
            file=upload,
            original_name=safe_name(upload.name, extension="pdf"),
            size=upload.size,
            uploaded_by=user,
            is_late=now > deliverable.due_at,
            title=title,
            summary=summary,
        )


def review_comment_create(*, submission: Submission, user, body: str) -> ReviewComment:
    """A reviewer's comment (講評) on one version; the team's members are told. Raises
    StudyError for anyone but the reviewers, or for an empty comment (next to "body")."""
    if not permissions.can_comment(user, submission):
        raise StudyError(_("Only reviewers comment on deliverables."))
    if not body.strip():
        raise StudyError(_("Write your comment."), field="body")
    with transaction.atomic():
        note = ReviewComment.objects.create(submission=submission, author=user, body=body.strip())
        team = Member.objects.filter(
            team=submission.team, status=Member.Status.ACCEPTED
        ).select_related("user")
        notify_many(
            [member.user for member in team.exclude(user=user)],
            "study.review_comment",
            note,
            context={
                "deliverable": submission.deliverable.title,
                "version": submission.version,
                "author": user.display_name,
                "body": note.body,
            },
            url=reverse("studygroups:submission", args=[submission.pk]),
        )
    return note
