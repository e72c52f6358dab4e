"""Parts of pages kept in each process's memory (articles/page_cache.py, the
{% cache %} blocks in the templates): a page rendered afresh, for someone with a
session or the first reader after a change, is assembled from them. Never stale
after a change, never a preview, never one reader's page for another."""

import time as time_module
from datetime import time, timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from articles import page_cache
from articles.models import Article, PageGeneration
from enquiries.models import OpeningHours
from tests.articles.factories import ArticleFactory, TopicFactory
from tests.clinicians.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pages_rendered_afresh(settings):
    settings.PAGE_CACHE_SECONDS = 0  # no whole page kept: only the parts


def _pages(article, topic) -> list[str]:
    return ["/", "/articles/", topic.get_absolute_url(), article.get_absolute_url()]


def test_a_corrected_article_shows_at_once_wherever_it_is_shown(client):
    topic = TopicFactory()
    article = ArticleFactory(title="Cutting down on alcohol", featured=True)
    article.topics.add(topic)
    for path in _pages(article, topic):
        assert "Cutting down on alcohol" in client.get(path).text, path

    article.title = "Cutting down on alcohol safely"
    article.save()

    for path in _pages(article, topic):
        assert "Cutting down on alcohol safely" in client.get(path).text, path


def test_a_withdrawn_article_is_gone_at_once_though_its_address_was_kept(client):
    topic = TopicFactory()
    article = ArticleFactory(title="An article found to be wrong")
    article.topics.add(topic)
    for path in _pages(article, topic):
        assert client.get(path).status_code == 200

    article.status = Article.Status.ARCHIVED
    article.save()

    assert client.get(article.get_absolute_url()).status_code == 404
    for path in _pages(article, topic)[:3]:
        assert "An article found to be wrong" not in client.get(path).text, path


def test_new_opening_hours_show_at_once_in_every_footer(client):
    article = ArticleFactory()
    pages = ["/", "/cover-your-tracks/", article.get_absolute_url(), "/get-help/"]
    for path in pages:
        assert "Monday to Friday 9am to 8pm" in client.get(path).text, path

    monday = OpeningHours.objects.get(weekday=0)
    monday.closes = time(17)
    monday.save()

    for path in pages:
        assert "Monday 9am to 5pm" in client.get(path).text, path


def test_a_change_in_another_process_shows_within_a_second(client, monkeypatch):
    article = ArticleFactory(title="Before the worker's change")
    client.get(article.get_absolute_url())
    # The worker changed it and raised the generation; this process has not read
    # the new number yet.
    Article.objects.filter(pk=article.pk).update(
        title="After the worker's change", updated_at=timezone.now()
    )
    PageGeneration.objects.filter(pk=1).update(number=F("number") + 1)
    monkeypatch.setattr(page_cache, "GENERATION_CHECK_SECONDS", 0)  # a second on

    assert "After the worker's change" in client.get(article.get_absolute_url()).text


def test_no_part_outlives_its_time(client, settings, monkeypatch):
    # What changes with the date alone (a review falling due) shows within this.
    article = ArticleFactory(next_review_due=timezone.localdate() + timedelta(days=1))
    checking = "Our clinicians are checking that this page is still up to date."
    assert checking not in client.get(article.get_absolute_url()).text
    later = time_module.time() + settings.FRAGMENT_CACHE_SECONDS + 1
    tomorrow = timezone.now() + timedelta(days=2)
    monkeypatch.setattr(time_module, "time", lambda: later)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)

    assert checking in client.get(article.get_absolute_url()).text


def test_a_preview_is_never_kept_nor_served_from_what_is_kept(client):
    staff = UserFactory(username="an-editor", is_staff=True, is_superuser=True)
    article = ArticleFactory(title="As published")
    client.get(article.get_absolute_url())  # its parts kept, for every reader
    # Its draft changes (an UPDATE sends no signal: nothing is told).
    Article.objects.filter(pk=article.pk).update(title="As the editor has it now")
    client.force_login(staff)

    preview = client.get(f"/articles/{article.slug}/preview/")
    client.logout()
    public = client.get(article.get_absolute_url())

    assert preview.status_code == 200
    assert "As the editor has it now" in preview.text
    assert "As published" in public.text  # the kept parts: the preview kept none
    assert "As the editor has it now" not in public.text


def test_the_header_marks_the_page_each_reader_is_on(client):
    advice = client.get("/articles/").text
    search = client.get("/search/").text

    def current(html: str) -> list[str]:
        header = html[html.index("<header") : html.index("</header>")]
        return [
            label
            for label in ("Advice", "Search", "Get help")
            if f'aria-current="page">{label}<' in header
        ]

    assert current(advice) == ["Advice"]
    assert current(search) == ["Search"]
    assert current(client.get("/").text) == []


def test_a_page_rendered_without_a_request_still_renders():
    # Django renders some of its own pages without the request (and so without
    # the site's context): they must not fail for the want of the kept parts' key.
    from django.template.loader import get_template

    html = get_template("404.html").render({})

    assert "Skip to main content" in html and "</footer>" in html
