"""How fast the callbacks queue renders, measured, never asserted.

Meant for a scratch database filled by `manage.py build_queue_rows --count 100000`
(never a live one: it logs in as the bench's own staff, and with the second factor
on it gives them an authenticator). Requests the queue changelist as a lead and as a
clinician, on their default view and on the common filters, through Django's test
client, and reports per view the median and slowest time, the SQL queries, the
values decrypted and the rows shown. Numbers vary by machine: compare runs on the
same one.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/queue_bench \\
    DJANGO_SETTINGS_MODULE=referral_site.settings.dev \\
    .venv/bin/python bench/admin_queue.py
"""

import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import django
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY

if __name__ == "__main__":
    # Run as a script, this file's folder heads sys.path: the repository's root
    # takes its place, so that `bench` and the apps import.
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

QUEUE = "/admin/clinicians/callback/"
# (who, query string): the defaults first, then the filters staff use every day.
VIEWS = [
    ("lead", ""),
    ("lead", "queue=open"),
    ("lead", "queue=overdue"),
    ("lead", "queue=unassigned"),
    ("lead", "queue=closed"),
    ("lead", "queue=open&urgency=urgent"),
    ("lead", "queue=open&status=assigned"),
    ("lead", "queue=open&assigned_to__id__exact={clinician}"),
    ("lead", "queue=open&o=6"),  # sorted by attempts
    ("lead", "queue=open&_facets=1"),  # "Show counts"
    ("clinician", ""),
    ("clinician", "queue=open"),
    ("clinician", "queue=urgent"),
    ("clinician", "queue=today"),
]


def measure_queue(*, runs: int = 5) -> list[dict]:
    """Request each view in VIEWS once to warm up, then `runs` times timed, then once
    more counting queries and decryptions. Needs Django set up and a database with
    the bench's rows (any database works; an empty one measures little)."""
    from clinicians.management.commands import build_queue_rows  # noqa: PLC0415 (models: after main's django.setup)

    lead, clinicians = build_queue_rows.bench_staff()
    clients = {"lead": _client(lead.user), "clinician": _client(clinicians[0].user)}
    results = []
    for who, query in VIEWS:
        client = clients[who]
        path = QUEUE + ("?" + query.format(clinician=clinicians[0].pk) if query else "")
        _get(client, path)  # warm up templates, caches and the connection
        timings = []
        for _ in range(runs):
            start = time.perf_counter()
            _get(client, path)
            timings.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as queries, _counting() as decrypted:
            response = _get(client, path)
        results.append(
            {
                "view": f"{who} {_label(query)}",
                "path": path,
                "median_ms": round(statistics.median(timings), 1),
                "max_ms": round(max(timings), 1),
                "queries": len(queries),
                "decryptions": decrypted[0],
                "rows": len(response.context_data["cl"].result_list),
                "total": response.context_data["cl"].result_count,
            }
        )
    return results


def _label(query: str) -> str:
    return query.replace("__id__exact={clinician}", "") or "default"


def _client(user):
    """A test client logged in as `user`, with the second factor passed when the
    admin asks for one: the session holds a confirmed device's id, as
    django_otp.login leaves it."""
    client = Client(
        HTTP_HOST=settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "testserver"
    )
    client.force_login(user)
    if getattr(settings, "ADMIN_REQUIRE_OTP", False):
        device, _ = user.totpdevice_set.get_or_create(
            name="bench", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _get(client, path: str):
    response = client.get(path, secure=settings.SECURE_SSL_REDIRECT)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}, not 200")
    return response


@contextmanager
def _counting():
    """Count every value the encrypted fields decrypt (the library's decrypt_str,
    which each field's from_db_value calls by its module global name)."""
    from encrypted_model_fields import fields  # noqa: PLC0415 (reads settings on import)

    count = [0]
    decrypt = fields.decrypt_str

    def counted(token):
        count[0] += 1
        return decrypt(token)

    fields.decrypt_str = counted
    try:
        yield count
    finally:
        fields.decrypt_str = decrypt


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "referral_site.settings.dev")
    django.setup()
    columns = ["median_ms", "max_ms", "queries", "decryptions", "rows", "total"]
    print(f"{'view':<42}" + "".join(f"{name:>12}" for name in columns))
    for result in measure_queue():
        print(
            f"{result['view']:<42}" + "".join(f"{result[name]:>12}" for name in columns)
        )


if __name__ == "__main__":
    main()
