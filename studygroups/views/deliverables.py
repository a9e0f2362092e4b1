"""Reports and proposals: the deliverables, their versions by team, and comments (講評)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cocreation.core.errors import add_to_form
from cocreation.core.uploads import attachment_response

from .. import permissions
from ..errors import StudyError
from ..forms.deliverables import CommentForm, DeliverableForm, UploadForm
from ..selectors import deliverables as selectors
from ..services import deliverables as services
from .common import cohort_context, coordinated_cohort, visible_cohort


@login_required
def deliverables(request, pk: int):
    """Members (their team's versions), reviewers and coordinators (every team's);
    coordinators add deliverables here."""
    return _render_deliverables(request, visible_cohort(request, pk))


def _render_deliverables(
    request,
    cohort,
    *,
    deliverable_form=None,
    upload_form=None,
    upload_target=None,
    status: int = 200,
):
    """The reports page; a refused upload's bound form is shown on its own team's row
    (`upload_target` = (deliverable id, team id)) with its errors and input."""
    context = cohort_context(request, cohort, "deliverables")
    me = context["me"]
    if deliverable_form is None and context["is_coordinator"]:
        deliverable_form = DeliverableForm(cohort=cohort)
    context.update(
        items=selectors.deliverable_rows(
            cohort,
            team_id=me.team_id if me is not None else None,
            all_teams=context["is_coordinator"] or context["is_reviewer"],
        ),
        upload_form=upload_form or UploadForm(),
        upload_target=upload_target,
        deliverable_form=deliverable_form,
    )
    return render(request, "studygroups/deliverables.html", context, status=status)


@login_required
@require_POST
def deliverable_create(request, pk: int):
    """The cohort's coordinators: add a deliverable with its deadline."""
    cohort = coordinated_cohort(request, pk)
    form = DeliverableForm(request.POST, cohort=cohort)
    if form.is_valid():
        try:
            services.deliverable_create(cohort=cohort, user=request.user, **form.cleaned_data)
        except StudyError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The deliverable was added."))
            return redirect("studygroups:deliverables", cohort.pk)
    return _render_deliverables(request, cohort, deliverable_form=form, status=400)


@login_required
@require_POST
def upload(request, pk: int, deliverable_pk: int, team_pk: int):
    """The team's members and coordinators: upload a new version (PDF). A refused upload
    is shown again on the reports page with the reason and the title kept."""
    cohort = visible_cohort(request, pk)
    deliverable, team = selectors.deliverable_and_team_or_404(cohort, deliverable_pk, team_pk)
    if not permissions.can_upload(request.user, team):
        raise PermissionDenied
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            submission = services.submission_create(
                deliverable=deliverable,
                team=team,
                user=request.user,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
            )
        except StudyError as error:
            add_to_form(form, error)
        else:
            if submission.is_late:
                messages.warning(
                    request,
                    _("Version %(v)d was uploaded after the deadline and is marked late.")
                    % {"v": submission.version},
                )
            else:
                messages.success(
                    request, _("Version %(v)d was uploaded.") % {"v": submission.version}
                )
            return redirect("studygroups:deliverables", cohort.pk)
    messages.error(request, _("The file was not uploaded: see the reasons on the form."))
    return _render_deliverables(
        request, cohort, upload_form=form, upload_target=(deliverable.pk, team.pk), status=400
    )


def _visible_submission(request, pk: int):
    submission = selectors.submission_or_404(pk)
    if not permissions.can_view_submission(request.user, submission):
        raise Http404
    return submission


@login_required
@require_safe
def submission_detail(request, pk: int):
    """The team, reviewers and coordinators: one version with its comments (講評);
    `?download=1` sends the PDF as an attachment."""
    submission = _visible_submission(request, pk)
    if request.GET.get("download"):
        return attachment_response(
            submission.file.open("rb"),
            filename=submission.original_name,
            content_type="application/pdf",
        )
    return _render_submission(request, submission)


def _render_submission(request, submission, *, form=None):
    context = cohort_context(request, submission.team.cohort, "deliverables")
    may_comment = permissions.can_comment(request.user, submission)
    context.update(
        submission=submission,
        form=(form or CommentForm()) if may_comment else None,
        comments=selectors.comments_on(submission),
    )
    return render(request, "studygroups/submission.html", context)


@login_required
@require_POST
def submission_comment(request, pk: int):
    """Reviewers and coordinators: comment (講評) on one version; the team is told."""
    submission = _visible_submission(request, pk)
    if not permissions.can_comment(request.user, submission):
        raise PermissionDenied
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.review_comment_create(
                submission=submission, user=request.user, body=form.cleaned_data["body"]
            )
        except StudyError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Your comment was added."))
            return redirect("studygroups:submission", submission.pk)
    return _render_submission(request, submission, form=form)
