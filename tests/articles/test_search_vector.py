"""Search reads the stored, GIN-indexed `Article.search_vector` on PostgreSQL, kept
current by a trigger whatever writes the row; on SQLite the same behaviour comes from
the simple fallback. The PostgreSQL-only tests (marker `postgres`) run in
`make test-postgres`.
"""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import search
from articles.models import Article, PostgresGinIndex
from articles.search import articles_search
from articles.views import PER_PAGE
from tests.articles.factories import ArticleFactory

pytestmark = pytest.mark.django_db
Status = Article.Status


def titles(query: str) -> list[str]:
    return [result.article.title for result in articles_search(query=query)]


@pytest.mark.parametrize(
    "fields",
    [
        {"title": "Naloxone kits"},
        {"summary": "Where to get naloxone."},
        {"body": "<p>Carry <strong>naloxone</strong> if you use.</p>"},
    ],
    ids=["title", "summary", "body"],
)
def test_an_article_is_found_by_a_word_in_its_title_summary_or_body(fields):
    article = ArticleFactory(**fields)
    ArticleFactory(title="Alcohol withdrawal", summary="Fits and DTs.")

    assert titles("naloxone") == [article.title]


def test_a_title_match_ranks_above_a_newer_body_match():
    now = timezone.now()
    ArticleFactory(
        title="Naloxone kits", pub_date=now - timedelta(days=30), body="<p>x</p>"
    )
    ArticleFactory(
        title="Staying safe",
        pub_date=now - timedelta(hours=1),
        body="<p>Carry naloxone.</p>",
    )

    assert titles("naloxone") == ["Naloxone kits", "Staying safe"]


def test_editing_the_body_and_saving_changes_the_words_that_find_it():
    ArticleFactory(title="Staying safe", body="<p>Carry naloxone.</p>")
    # Loaded afresh, so on PostgreSQL it holds the stored vector, now out of date.
    article = Article.objects.get(title="Staying safe")
    article.body = "<p>Never use alone.</p>"
    article.save()

    assert titles("naloxone") == []
    assert titles("alone") == ["Staying safe"]


def test_editing_the_body_with_queryset_update_changes_the_words_that_find_it():
    article = ArticleFactory(title="Staying safe", body="<p>Carry naloxone.</p>")

    Article.objects.filter(pk=article.pk).update(body="<p>Never use alone.</p>")

    assert titles("naloxone") == []
    assert titles("alone") == ["Staying safe"]


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Status.DRAFT},
        {"status": Status.SCHEDULED, "pub_date": timezone.now() + timedelta(days=1)},
        {"status": Status.ARCHIVED},
        {"pub_date": timezone.now() + timedelta(days=1)},
    ],
    ids=["draft", "scheduled", "archived", "published-future-date"],
)
def test_an_article_the_public_may_not_see_is_never_found(fields):
    ArticleFactory(title="Naloxone kits", **fields)

    assert titles("naloxone") == []


@pytest.mark.postgres
def test_a_write_outside_django_keeps_the_vector_current(on_postgresql):
    article = ArticleFactory(title="Staying safe")

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE articles_article SET summary = %s WHERE id = %s",
            ["Where to get naloxone.", article.pk],
        )

    assert titles("naloxone") == ["Staying safe"]


@pytest.mark.postgres
def test_a_change_that_leaves_the_words_alone_leaves_the_vector_alone(on_postgresql):
    article = ArticleFactory(title="Naloxone kits")
    before = Article.objects.values_list("search_vector", flat=True).get()

    Article.objects.filter(pk=article.pk).update(featured=True)

    assert Article.objects.values_list("search_vector", flat=True).get() == before
    assert "'naloxon':1A" in before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # VACUUM cannot run in a transaction
def test_the_search_query_reads_the_gin_index(on_postgresql):
    # Enough published rows that the status index is no short cut: only the GIN
    # index finds the one about naloxone cheaply.
    for n in range(200):
        ArticleFactory(title=f"Alcohol advice {n}")
    ArticleFactory(title="Naloxone kits")
    [index] = [i for i in Article._meta.indexes if isinstance(i, PostgresGinIndex)]

    with CaptureQueriesContext(connection) as queries:
        assert titles("naloxone") == ["Naloxone kits"]
    [query] = [q["sql"] for q in queries if "articles_article" in q["sql"]]
    with connection.cursor() as cursor:
        # As autovacuum leaves the live site: statistics gathered, and the GIN
        # index's own figures brought up to date. Without them the planner guesses
        # the index dearer than it is, worse the more earlier tests wrote to it.
        cursor.execute("VACUUM ANALYZE articles_article")
        with transaction.atomic():
            # A handful of rows is still cheaper to scan than to look up: no
            # sequential scans, in this transaction only.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {query}")
            plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "to_tsvector" not in query  # nothing computed per row at query time
    assert index.name in plan, plan


def test_a_snippet_is_built_only_for_the_results_read(client):
    for n in range(PER_PAGE + 5):
        ArticleFactory(title=f"Naloxone kits {n}")

    with mock.patch.object(search, "_snippet", wraps=search._snippet) as snippet:
        results = articles_search(query="naloxone")
        assert len(results) == PER_PAGE + 5
        snippet.assert_not_called()

        assert results[0].snippet == results[0].snippet
        assert snippet.call_count == 1

        snippet.reset_mock()
        response = client.get("/search/", {"q": "naloxone"})

    assert f"{PER_PAGE + 5} results" in response.text
    assert snippet.call_count == PER_PAGE
