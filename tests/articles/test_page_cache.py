"""The page cache: whole reading pages kept for anonymous readers, never for anyone
else, forgotten as soon as what they show changes (articles/page_cache.py)."""

import re
import socket
import time as time_module
from datetime import time, timedelta

import pytest
from django.core.cache import caches
from django.db.models import F
from django.utils import timezone

from articles import page_cache
from articles.models import Article, PageGeneration
from articles.services import articles_publish_scheduled
from enquiries.models import OpeningHours
from tests.articles.factories import ArticleFactory, ReviewerBioFactory, TopicFactory
from tests.clinicians.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300
    page_cache._paused_until = 0.0
    yield
    page_cache._paused_until = 0.0


def _reading_pages() -> list[str]:
    topic = TopicFactory()
    reviewer = ReviewerBioFactory()
    article = ArticleFactory(reviewer=reviewer)
    article.topics.add(topic)
    return [
        "/",
        "/articles/",
        "/articles/?page=1",
        article.get_absolute_url(),
        topic.get_absolute_url(),
        reviewer.get_absolute_url(),
    ]


def test_an_anonymous_reader_gets_a_kept_page_without_the_database(
    client, django_assert_num_queries
):
    for path in _reading_pages():
        first = client.get(path)
        with django_assert_num_queries(0):
            again = client.get(path)

        assert again.status_code == 200, path
        assert again.content == first.content, path
        assert again["Content-Type"] == first["Content-Type"]
        assert "public" in again["Cache-Control"]
        # The per-request headers are the middleware's, on a kept page too.
        assert "Content-Security-Policy" in again
        assert "nonce-" not in again["Content-Security-Policy"]
        assert not again.cookies


def test_a_kept_page_answers_a_revalidation_with_304(client):
    article = ArticleFactory()
    first = client.get(article.get_absolute_url())

    again = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304


def test_editing_an_article_shows_at_once_on_every_page_that_lists_it(client):
    article = ArticleFactory(title="Cutting down on alcohol")
    pages = ["/", "/articles/", article.get_absolute_url()]
    for path in pages:
        assert "Cutting down on alcohol" in client.get(path).text

    article.title = "Cutting down on alcohol safely"
    article.save()

    for path in pages:
        assert "Cutting down on alcohol safely" in client.get(path).text, path


def test_a_withdrawn_article_is_gone_at_once(client):
    article = ArticleFactory(title="An article found to be wrong")
    assert client.get(article.get_absolute_url()).status_code == 200
    assert "An article found to be wrong" in client.get("/articles/").text

    Article.objects.filter(pk=article.pk).get().delete()

    assert client.get(article.get_absolute_url()).status_code == 404
    assert "An article found to be wrong" not in client.get("/articles/").text


def test_a_scheduled_article_shows_once_beat_publishes_it(client):
    ArticleFactory(
        title="Published by beat",
        status=Article.Status.SCHEDULED,
        pub_date=timezone.now() - timedelta(minutes=1),
    )
    assert "Published by beat" not in client.get("/").text

    assert articles_publish_scheduled() == 1  # an UPDATE: no post_save

    assert "Published by beat" in client.get("/").text


def test_a_change_to_the_opening_hours_shows_in_every_footer_at_once(client):
    assert "We are open Monday to Friday 9am to 8pm" in client.get("/").text

    OpeningHours.objects.filter(weekday=0).update(closes=time(17))  # no signal
    OpeningHours.objects.get(weekday=1).save()  # the admin saves each row

    assert "Monday 9am to 5pm" in client.get("/").text


def test_a_deploy_with_another_phone_line_never_shows_the_old_one(client, settings):
    settings.SERVICE_PHONE = "020 7946 0123 (demo number)"
    assert "020 7946 0123" in client.get("/").text

    settings.SERVICE_PHONE = "020 7946 0999 (demo number)"

    assert "020 7946 0999" in client.get("/").text


def _forget_kept_parts() -> None:
    """These tests change rows behind every cache's back (an UPDATE sends no
    signal) to tell a whole kept page from a fresh render: a fresh render reuses
    the kept parts of pages (the footer, an article's text), so forget those."""
    caches["fragments"].clear()


def test_someone_signed_in_always_gets_a_fresh_page(client):
    article = ArticleFactory(title="Before the edit")
    client.get(article.get_absolute_url())  # kept, for anonymous readers
    client.force_login(UserFactory(username="a-clinician"))
    # Changed behind the cache's back: only a fresh render can show it.
    Article.objects.filter(pk=article.pk).update(title="After the edit")
    _forget_kept_parts()

    assert "After the edit" in client.get(article.get_absolute_url()).text


def test_a_person_with_a_session_is_never_served_a_kept_page(client, settings):
    client.get("/")
    client.cookies[settings.SESSION_COOKIE_NAME] = "a-thank-you-session"
    OpeningHours.objects.filter(weekday=0).update(closes=time(17))
    _forget_kept_parts()

    assert "Monday 9am to 5pm" in client.get("/").text


def test_other_query_strings_are_rendered_not_kept(client):
    ArticleFactory(title="Listed")
    client.get("/articles/?utm_source=newsletter")
    Article.objects.update(title="Renamed without a signal")
    _forget_kept_parts()

    assert "Renamed without a signal" in client.get("/articles/?utm_source=x").text
    assert "Renamed without a signal" in client.get("/articles/?page=abc").text


@pytest.mark.parametrize("path", ["/get-help/", "/search/?q=alcohol", "/privacy/"])
def test_the_form_search_and_other_pages_are_never_kept(client, path):
    ArticleFactory(title="Alcohol and sleep", summary="About alcohol.")
    client.get(path)
    Article.objects.update(title="Alcohol and sleep, renamed")
    OpeningHours.objects.filter(weekday=0).update(closes=time(17))
    _forget_kept_parts()

    again = client.get(path).text

    assert "Monday 9am to 5pm" in again or "renamed" in again


def test_two_visits_to_the_form_never_share_a_token(client):
    from django.test import Client

    def tokens(html: str) -> set[str]:
        return set(
            re.findall(
                r'name="(?:csrfmiddlewaretoken|submission_token)" value="([^"]+)"', html
            )
        )

    first = tokens(client.get("/get-help/").text)
    second = tokens(Client().get("/get-help/").text)

    assert len(first) == len(second) == 2
    assert not first & second  # neither the CSRF nor the submission token is shared


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_with_the_cache_down_readers_still_get_every_page(client, settings):
    settings.CACHES = settings.CACHES | {
        "default": settings.REDIS_CACHE
        | {"LOCATION": f"redis://127.0.0.1:{_closed_port()}/0"}
    }
    pages = _reading_pages()

    for path in pages:
        assert client.get(path).status_code == 200, path
    assert page_cache._paused_until > 0  # and it stops asking for a while


@pytest.mark.parametrize("path", ["/", "/articles/", "/get-help/"])
def test_pages_are_compressed_on_the_wire_for_browsers_that_ask(client, path):
    plain = client.get(path)
    kept_or_not = client.get(path, HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    assert kept_or_not["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in kept_or_not["Vary"]
    assert len(kept_or_not.content) < len(plain.content) / 2


def test_a_change_made_in_another_process_shows_within_a_second(client, monkeypatch):
    article = ArticleFactory(title="Before the worker's change")
    client.get(article.get_absolute_url())
    # Another process (the worker) changed the article and raised the generation:
    # this process has not read it yet.
    Article.objects.filter(pk=article.pk).update(title="After the worker's change")
    PageGeneration.objects.filter(pk=1).update(number=F("number") + 1)
    assert "Before" in client.get(article.get_absolute_url()).text  # this second

    monkeypatch.setattr(page_cache, "GENERATION_CHECK_SECONDS", 0)  # a second on

    assert "After the worker's change" in client.get(article.get_absolute_url()).text


def test_no_copy_outlives_its_time_in_the_cache(client, settings, monkeypatch):
    article = ArticleFactory(title="Kept for a while")
    client.get(article.get_absolute_url())
    Article.objects.filter(pk=article.pk).update(title="Changed without a signal")
    later = time_module.time() + settings.PAGE_CACHE_SECONDS + 1
    # The clock moves on for this process's copy and for the cache alike.
    monkeypatch.setattr(time_module, "time", lambda: later)

    assert "Changed without a signal" in client.get(article.get_absolute_url()).text


def test_a_change_is_recorded_even_with_the_cache_down(client, settings):
    article = ArticleFactory(title="About to be corrected")
    client.get(article.get_absolute_url())
    before = PageGeneration.objects.get(pk=1).number
    settings.CACHES = settings.CACHES | {
        "default": settings.REDIS_CACHE
        | {"LOCATION": f"redis://127.0.0.1:{_closed_port()}/0"}
    }

    article.title = "Corrected"
    article.save()

    # In the database, where the cache's coming back cannot undo it.
    assert PageGeneration.objects.get(pk=1).number == before + 1
