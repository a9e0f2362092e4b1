"""Site-wide pages of the core: health check, media files."""

import mimetypes

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import storages
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


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
