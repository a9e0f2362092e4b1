from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import MarkReadForm, NotificationListForm
from .models import Notification


@login_required
def notification_list(request):
    """Signed-in users: their own notifications, newest first."""
    query = NotificationListForm(request.GET)
    if query.is_valid():
        unread_only = query.cleaned_data["unread"] == "1"
        page_number = query.cleaned_data["page"] or 1
    else:
        # Fall back to the first page of all notifications, and say why.
        unread_only = False
        page_number = 1
        messages.warning(request, _("Part of the address was not understood and was ignored."))
    page = Paginator(
        selectors.notifications_for(request.user, unread_only=unread_only), 25
    ).get_page(page_number)
    return render(
        request,
        "notifications/notification_list.html",
        {"page": page, "unread_only": unread_only, "query": "unread=1" if unread_only else ""},
    )


@login_required
@require_POST
def mark_read(request):
    """Signed-in users: mark one, several or all (no `id` sent) of their notifications
    read. Marking a read one again changes nothing, so a repeated request is harmless."""
    form = MarkReadForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(
            request,
            _("The selected notifications could not be marked as read; nothing was changed."),
        )
        return redirect("notifications:list")
    ids = [n.pk for n in form.cleaned_data["id"]] if "id" in request.POST else None
    count = services.mark_read(user=request.user, notification_ids=ids)
    messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
    return redirect("notifications:list")


@login_required
def notification_open(request, pk: int):
    """The recipient only: mark read and go to what the notification is about."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.url)
    return redirect("notifications:list")
