from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .models import Notification


@login_required
def notification_list(request):
    """Signed-in users: their own notifications, newest first."""
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(
        selectors.notifications_for(request.user, unread_only=unread_only), 25
    ).get_page(request.GET.get("page"))
    return render(
        request, "notifications/notification_list.html", {"page": page, "unread_only": unread_only}
    )


@login_required
@require_POST
def mark_read(request):
    """Signed-in users: mark one, several or all of their notifications read."""
    ids = [int(value) for value in request.POST.getlist("id") if value.isdigit()]
    count = services.mark_read(user=request.user, notification_ids=ids or None)
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
