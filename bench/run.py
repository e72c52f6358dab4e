"""`make bench`: how fast the public pages render, measured, never asserted.

Renders each page many times through Django's test client on an in-memory database
seeded with the demo articles, and prints the median and 95th percentile time and the
number of SQL queries. Numbers vary by machine: compare runs on the same one.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "referral_site.settings.test")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

ROUNDS = 200


def main() -> None:
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)
    call_command("seed_demo", "--force", verbosity=0)
    from articles.models import Article

    article = Article.objects.published().first()
    client = Client()
    pages = ["/", "/articles/", article.get_absolute_url(), "/get-help/", "/healthz"]
    print(f"{'page':<60} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for path in pages:
        client.get(path)  # warm up templates and caches
        timings = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            client.get(path)
            timings.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        p95 = statistics.quantiles(timings, n=20)[-1]
        print(
            f"{path:<60} {statistics.median(timings):>10.2f} {p95:>8.2f}"
            f" {len(queries):>8}"
        )


if __name__ == "__main__":
    main()
