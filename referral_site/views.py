"""Site-wide views that belong to no app: the health probe."""

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.http import FileResponse, Http404, HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .celery import app as celery_app


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=3)
        return True
    except Exception:  # noqa: BLE001 - any failure to reach the broker is "down"
        return False


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the broker answer; 503 naming what does not."""
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    body = {name: "ok" if ok else "unreachable" for name, ok in checks.items()}
    status = 200 if all(checks.values()) else 503
    return JsonResponse(body, status=status)


# Uploaded article pictures are public content; nothing else lives under MEDIA_ROOT.
_PUBLIC_MEDIA = ("articles/",)


@require_GET
def media(request: HttpRequest, name: str) -> FileResponse:
    """Serve an uploaded article picture from the site itself (no CDN). Resized
    copies have unique names, so browsers may keep them for a year."""
    parts = name.split("/")
    if not name.startswith(_PUBLIC_MEDIA) or ".." in parts or not parts[-1]:
        raise Http404  # outside the pictures, or a folder ("articles/")
    try:
        handle = default_storage.open(name)
    except (OSError, ValueError, SuspiciousFileOperation) as error:
        # Missing, a folder, or a name the filesystem refuses (a NUL byte).
        raise Http404 from error
    response = FileResponse(handle)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
