"""Search: PostgreSQL full-text search with ranking when DATABASE_URL is PostgreSQL
(make test-postgres), the simple fallback on SQLite; the same tests for both."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import set_script_prefix

from articles.models import Article
from articles.search import articles_search, read_texts, results_html
from tests.articles.factories import ArticleFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def library():
    return {
        "title": ArticleFactory(
            title="Methadone explained", summary="How substitute treatment works."
        ),
        "summary": ArticleFactory(
            title="Treatment options", summary="Methadone, buprenorphine and more."
        ),
        "body": ArticleFactory(
            title="Coming off heroin",
            summary="Why a supervised detox is safer.",
            body="<p>Some people are prescribed methadone during detox.</p>",
        ),
        "draft": ArticleFactory(title="Methadone draft", status=Article.Status.DRAFT),
        "other": ArticleFactory(title="Alcohol withdrawal", summary="Fits and DTs."),
    }


def test_matches_rank_title_then_summary_then_body(library):
    titles = [result.article.title for result in articles_search(query="methadone")]

    assert titles == ["Methadone explained", "Treatment options", "Coming off heroin"]


def test_snippets_mark_the_words_found_and_escape_the_rest(library):
    ArticleFactory(title="Escaping", summary="<b>methadone</b> & more", body="<p>x</p>")

    snippets = {r.article.title: r.snippet for r in articles_search(query="methadone")}

    assert "<mark>Methadone</mark>, buprenorphine" in snippets["Treatment options"]
    assert (
        "prescribed <mark>methadone</mark> during detox"
        in snippets["Coming off heroin"]
    )
    assert (
        snippets["Escaping"] == "&lt;b&gt;<mark>methadone</mark>&lt;/b&gt; &amp; more"
    )


def test_a_search_for_an_entity_name_does_not_break_the_snippet():
    ArticleFactory(title="Amp", summary="Salt & pepper amp", body="<p>x</p>")

    [result] = articles_search(query="amp")

    assert "&amp;" in result.snippet and "<mark>amp</mark>" in result.snippet


def test_the_search_page_answers_empty_and_no_result_searches_helpfully(
    client, library
):
    empty = client.get("/search/")
    nothing = client.get("/search/", {"q": "zzzzzz"})
    found = client.get("/search/", {"q": "methadone"})

    assert "Type a word or two" in empty.text
    assert "We could not find anything for <strong>zzzzzz</strong>" in nothing.text
    assert "ask one of our clinicians" in nothing.text
    assert "3 results for <strong>methadone</strong>" in found.text
    assert "Methadone draft" not in found.text


def test_a_snippet_from_the_body_follows_the_body_once_it_is_saved(client):
    article = ArticleFactory(
        title="Staying safe", summary="Plain advice.", body="<p>Carry naloxone.</p>"
    )
    before = client.get("/search/", {"q": "naloxone"})

    article.body = "<p>Tell a friend where your naloxone is kept.</p>"
    article.save()
    after = client.get("/search/", {"q": "naloxone"})

    assert "Carry <mark>naloxone</mark>." in before.text
    assert "where your <mark>naloxone</mark> is kept" in after.text
    assert "Carry <mark>naloxone</mark>" not in after.text


def test_the_bodies_of_the_results_shown_are_read_once_then_kept():
    for n in range(3):
        ArticleFactory(title=f"Staying safe {n}", body="<p>Carry naloxone.</p>")

    def body_reads() -> int:
        with CaptureQueriesContext(connection) as queries:
            read_texts(articles_search(query="naloxone"))
        return sum('"body" AS "body"' in q["sql"] for q in queries)

    assert body_reads() == 1  # the three bodies in one query
    assert body_reads() == 0


def test_the_topics_offered_when_nothing_is_found_follow_what_is_published(client):
    article = ArticleFactory(title="Coming off heroin")
    article.topics.add(TopicFactory(name="Heroin and opioids"))
    shown = client.get("/search/", {"q": "zzzzzz"})

    article.status = Article.Status.ARCHIVED
    article.save()
    after = client.get("/search/", {"q": "zzzzzz"})

    assert ">Heroin and opioids</a>" in shown.text
    assert "Heroin and opioids" not in after.text


def test_a_hostile_query_is_shown_escaped(client):
    response = client.get("/search/", {"q": "<script>alert(1)</script>"})

    assert "<script>alert(1)</script>" not in response.text
    assert response.status_code == 200


def test_each_result_links_to_its_article_with_its_title_escaped(client):
    article = ArticleFactory(title="Naloxone <kits> & you", summary="Naloxone saves.")

    found = client.get("/search/", {"q": "naloxone"})

    assert (
        f'<a href="{article.get_absolute_url()}">Naloxone &lt;kits&gt; &amp; you</a>'
        in found.text
    )
    assert "<mark>Naloxone</mark> saves." in found.text


def test_result_links_keep_the_sites_path_prefix():
    # Served under a path (SCRIPT_NAME), the links carry it, as reverse() does.
    article = ArticleFactory(title="Alcohol and sleep", slug="alcohol-and-sleep")
    set_script_prefix("/advice-line/")
    try:
        html = results_html(articles_search(query="alcohol"))
        assert article.get_absolute_url() == "/advice-line/articles/alcohol-and-sleep/"
    finally:
        set_script_prefix("/")

    assert 'href="/advice-line/articles/alcohol-and-sleep/"' in html
