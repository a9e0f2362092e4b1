"""Site-wide pages: home, health check, language switch, media files."""

import mimetypes

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import storages
from django.db import connection
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.translation import check_for_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from cocreation import permissions
from cocreation.core.inputs import next_url
from cocreation.notifications.selectors import notifications_for
from cocreation.organisations.selectors import memberships_of


@require_GET
def home(request):
    """Everyone: what the portal is; signed-in users also see their organisations and news."""
    from quests.selectors import quests_accepting_proposals

    context = {"open_quests": quests_accepting_proposals(limit=5)}
    if request.user.is_authenticated:
        from spaces.selectors import my_bookings
        from studygroups.selectors import upcoming_sessions_for

        context["memberships"] = memberships_of(request.user)
        context["recent_notifications"] = notifications_for(request.user)[:5]
        context["has_organisation"] = permissions.has_organisation(request.user)
        context["next_bookings"] = list(my_bookings(request.user, upcoming=True)[:3])
        context["next_sessions"] = upcoming_sessions_for(request.user, limit=3)
    return render(request, "home.html", context)


@never_cache
@require_GET
def healthz(request):
    """Anyone (load balancers): 200 when PostgreSQL and Redis answer, else 503."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2
        )
        client.ping()
        checks["redis"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["redis"] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )


@require_POST
def set_language(request):
    """Anyone: switch the language; a signed-in person's profile remembers it."""
    language = request.POST.get("language", "")
    response = HttpResponseRedirect(next_url(request, "/"))
    if language and check_for_language(language) and language in dict(settings.LANGUAGES):
        if request.user.is_authenticated and request.user.preferred_language != language:
            request.user.preferred_language = language
            request.user.save(update_fields=["preferred_language"])
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


@login_required
@require_GET
def media_file(request, path: str):
    """Signed-in people: one file of the media storage (space photos, shown only on
    signed-in pages), served by the portal itself so that no other web server is needed
    in production. With a bucket configured (STORAGE_S3_BUCKET) pages link to the
    bucket's signed address instead and this view is not reached.

    `path` is relative to the media storage; a path outside it, or a missing file, is 404.
    """
    storage = storages["default"]
    try:
        handle = storage.open(path, "rb")
    except (SuspiciousFileOperation, OSError, ValueError):
        # OSError covers a missing file, a folder, and a name too long for the disk.
        raise Http404 from None
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response
