"""A person's own notifications: the list, marking read, opening one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cocreation.core.errors import refused
from cocreation.core.pages import keyset_paginate

from . import selectors, services
from .forms import MarkReadForm, NotificationListForm

LIST_PAGE_SIZE = 25


@login_required
def notification_list(request):
    """Signed-in users: their own notifications, newest first, a page at a time by the
    list's own order (`?after=` / `?before=`, see `keyset_paginate`): a page deep in a
    long history costs what the first does (the index `notif_list_idx`)."""
    query = NotificationListForm(request.GET)
    # A value that is not understood falls back to all notifications, and the person
    # is told why.
    unread_only = query.is_valid() and query.cleaned_data["unread"] == "1"
    listing = keyset_paginate(
        request,
        selectors.notifications_for(request.user, unread_only=unread_only),
        order=("-created_at", "-id"),
        per_page=LIST_PAGE_SIZE,
    )
    if not (query.is_valid() and listing.understood):
        messages.warning(request, _("Part of the address was not understood and was ignored."))
    return render(
        request,
        "notifications/notification_list.html",
        {
            "page": listing.page,
            "unread_only": unread_only,
            "query": "unread=1" if unread_only else "",
        },
    )


@login_required
@require_POST
def mark_read(request):
    """Signed-in users: mark one, several or all (no `id` sent) of their notifications
    read. Marking a read one again changes nothing, so a repeated request is harmless."""
    form = MarkReadForm(request.POST, user=request.user)
    if not form.is_valid():
        return refused(
            request,
            _("The selected notifications could not be marked as read; nothing was changed."),
            "notifications:list",
        )
    count = services.notification_mark_read(user=request.user, notification_ids=form.chosen_ids)
    messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
    return redirect("notifications:list")


@login_required
def notification_open(request, pk: int):
    """The recipient only: mark read and go to what the notification is about."""
    notification = get_object_or_404(selectors.notifications_for(request.user), pk=pk)
    if not notification.is_read:
        services.notification_mark_read(user=request.user, notification_ids=[notification.pk])
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.url)
    return redirect("notifications:list")
