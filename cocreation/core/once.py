"""A double click makes one thing: every signed-in POST is run at most once per content.

A browser's double click, a impatient second press or a retried request sends the same
form twice. The middleware takes a digest of (user, address, form fields, uploaded
files' bytes) and claims it with `INSERT … ON CONFLICT` in the transaction that also runs
the view. A second identical POST waits on that row until the first commits, then finds
it taken and is redirected to where the first one went, with a message saying the input
was saved once. If the first one did not succeed (a form shown again with its errors, a
redirect carrying an error message, a server error), the claim is released and the
second runs as usual.

The window is `ONCE_WINDOW_SECONDS` (default 15): the same content sent again later is a
new submission. Sign-in, sign-up and password pages (allauth) are left alone: they
replace the session and must answer every request themselves.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import messages
from django.db import connection, transaction
from django.http import HttpResponseRedirect
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import RequestFingerprint

IGNORED_FIELDS = {"csrfmiddlewaretoken"}
EXEMPT_MODULES = ("allauth.", "django.contrib.admin.sites")


def fingerprint(request) -> str:
    """SHA-256 hex digest of the user, session, path with query, form fields (sorted) and
    each uploaded file's field name, name and bytes."""
    digest = hashlib.sha256()
    for part in (str(request.user.pk), request.get_full_path()):
        digest.update(part.encode() + b"\x00")
    for key in sorted(request.POST.keys()):
        if key in IGNORED_FIELDS:
            continue
        for value in request.POST.getlist(key):
            digest.update(key.encode() + b"\x01" + value.encode("utf-8", "replace") + b"\x00")
    for key in sorted(request.FILES.keys()):
        for upload in request.FILES.getlist(key):
            digest.update(f"{key}\x01{upload.name}\x01{upload.size}\x00".encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


def _claim(key: str, window: int) -> bool:
    """True if this request owns `key` now; False if an identical one was accepted within
    `window` seconds (the call waits while that one is still running)."""
    table = RequestFingerprint._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (fingerprint, created_at, location) VALUES (%s, %s, '') "
            f"ON CONFLICT (fingerprint) DO UPDATE SET created_at = EXCLUDED.created_at, "
            f"location = '' WHERE {table}.created_at < EXCLUDED.created_at - %s * interval "
            f"'1 second' RETURNING id",
            [key, timezone.now(), window],
        )
        return cursor.fetchone() is not None


def _succeeded(request, response) -> bool:
    """A redirect without an error message queued in this request: the POST did its work.
    A view that refuses by redirecting with `messages.error` counts as a refusal."""
    if not (300 <= response.status_code < 400 and response.get("Location")):
        return False
    # Messages added during this request (not yet stored); iterating the storage
    # itself would mark them read.
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", [])
    return not any(message.level >= messages.ERROR for message in queued)


def _exempt(request) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return True
    module = getattr(match.func, "__module__", "") or ""
    return module.startswith(EXEMPT_MODULES)


class OnceMiddleware:
    """Runs each signed-in POST at most once per content within the window (see module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if request.method != "POST" or not (user and user.is_authenticated) or _exempt(request):
            return self.get_response(request)
        key = fingerprint(request)
        window = getattr(settings, "ONCE_WINDOW_SECONDS", 15)
        with transaction.atomic():
            if not _claim(key, window):
                location = (
                    RequestFingerprint.objects.filter(fingerprint=key)
                    .values_list("location", flat=True)
                    .first()
                )
                messages.info(
                    request,
                    _("This was sent twice; it was received and saved once."),
                )
                return HttpResponseRedirect(location or request.get_full_path())
            response = self.get_response(request)
            if response.status_code >= 500:
                # The view failed part-way: keep none of its writes, free the claim.
                transaction.set_rollback(True)
            elif _succeeded(request, response):
                RequestFingerprint.objects.filter(fingerprint=key).update(
                    location=response["Location"][:2000]
                )
            else:
                # Refused or shown again (a form with errors): an identical resend runs.
                RequestFingerprint.objects.filter(fingerprint=key).delete()
        return response
