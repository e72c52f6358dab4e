import json
import re
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles import page_cache
from articles.models import Article
from tests.articles.factories import ArticleFactory, ReviewerBioFactory, TopicFactory
from tests.clinicians.factories import UserFactory

pytestmark = pytest.mark.django_db
Status = Article.Status

LONG_BODY = (
    "<h2>What withdrawal feels like</h2><p>Aches.</p>"
    "<h2>How long it lasts</h2><p>Days.</p>"
    "<h2>Getting help</h2><p>Call us.</p>"
)


def test_home_lists_featured_and_latest_articles_and_topics(client):
    older = ArticleFactory(title="Older", pub_date=timezone.now() - timedelta(days=3))
    newer = ArticleFactory(title="Newer", pub_date=timezone.now() - timedelta(days=1))
    older.topics.add(TopicFactory())
    featured = ArticleFactory(title="Start with this", featured=True)
    ArticleFactory(title="A draft", status=Status.DRAFT)

    response = client.get("/")

    assert response.status_code == 200
    assert list(response.context["featured"]) == [featured]
    assert list(response.context["latest"])[:2] == [featured, newer]
    assert "A draft" not in response.text
    assert 'href="/topics/heroin-and-opioids/"' in response.text
    assert reverse("enquiries:enquiry_create") in response.text


def test_article_list_shows_published_articles_only_and_pages(client):
    ArticleFactory.create_batch(11)
    ArticleFactory(title="Unfinished draft", status=Status.DRAFT)

    first = client.get("/articles/")
    second = client.get("/articles/?page=2")

    assert len(first.context["page"].object_list) == 10
    assert len(second.context["page"].object_list) == 1
    assert "Unfinished draft" not in first.text + second.text


def test_a_topic_page_lists_its_published_articles(client):
    topic = TopicFactory()
    mine = ArticleFactory(title="On topic")
    mine.topics.add(topic)
    ArticleFactory(title="Off topic")

    response = client.get("/topics/heroin-and-opioids/")

    assert [a.title for a in response.context["page"].object_list] == ["On topic"]


def test_an_article_page_has_what_a_reader_needs(client):
    reviewer = ReviewerBioFactory()
    article = ArticleFactory(
        title="Coming off heroin",
        body=LONG_BODY,
        reviewer=reviewer,
        last_reviewed_on=date(2026, 10, 1),
        references="NICE guideline CG52",
    )
    article.topics.add(TopicFactory())

    text = client.get(article.get_absolute_url()).text

    assert '<h2 id="what-withdrawal-feels-like">' in text
    assert '<a href="#how-long-it-lasts">How long it lasts</a>' in text  # contents
    assert "1 minute read" in text
    assert (
        "Medically reviewed by" in text and 'href="/reviewers/dr-alex-example/"' in text
    )
    assert "on 1 October 2026" in text
    assert "NICE guideline CG52" in text
    assert 'href="/get-help/?topic=heroin-and-opioids"' in text
    assert "Speak to a clinician" in text


def test_an_article_page_tells_search_engines_and_sharers_about_it(client, settings):
    settings.SITE_URL = "https://advice.example.org"
    article = ArticleFactory(
        reviewer=ReviewerBioFactory(),
        last_reviewed_on=date(2026, 10, 1),
        seo_title="Heroin withdrawal: what to expect",
    )

    text = client.get(article.get_absolute_url()).text

    url = f"https://advice.example.org/articles/{article.slug}/"
    assert f'<link rel="canonical" href="{url}">' in text
    assert (
        '<meta property="og:title" content="Heroin withdrawal: what to expect">' in text
    )
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)[
        1
    ]
    data = json.loads(raw)
    assert data["@type"] == "MedicalWebPage"
    assert data["lastReviewed"] == "2026-10-01"
    assert data["reviewedBy"]["name"] == "Dr Alex Example"


def test_json_ld_cannot_break_out_of_its_script_tag(client):
    article = ArticleFactory(title="</script><script>alert(1)</script>")

    text = client.get(article.get_absolute_url()).text

    assert "</script><script>alert(1)" not in text


def test_related_articles_are_the_chosen_ones_or_else_by_shared_topic(client):
    topic = TopicFactory()
    article = ArticleFactory()
    article.topics.add(topic)
    sibling = ArticleFactory(title="Same topic")
    sibling.topics.add(topic)
    ArticleFactory(title="Unrelated")

    by_topic = client.get(article.get_absolute_url()).context["main"].related
    chosen = ArticleFactory(title="Chosen")
    article.related.add(chosen)
    by_choice = client.get(article.get_absolute_url()).context["main"].related

    assert [a.title for a in by_topic] == ["Same topic"]
    assert [a.title for a in by_choice] == ["Chosen"]


@pytest.mark.parametrize(
    "hidden",
    [
        {"status": Status.DRAFT},
        {"status": Status.SCHEDULED, "pub_date": timezone.now() + timedelta(days=2)},
        {"status": Status.ARCHIVED},
        {"pub_date": timezone.now() + timedelta(days=2)},
    ],
    ids=["draft", "scheduled", "archived", "future"],
)
def test_unpublished_articles_answer_404(client, hidden):
    article = ArticleFactory(**hidden)

    response = client.get(article.get_absolute_url())

    assert response.status_code == 404
    assert "We cannot find that page" in response.text


def test_an_archived_article_with_a_replacement_redirects_to_it(client):
    replacement = ArticleFactory(title="The new guide")
    old = ArticleFactory(status=Status.ARCHIVED, replaced_by=replacement)

    response = client.get(old.get_absolute_url())

    assert response.status_code == 301
    assert response.url == replacement.get_absolute_url()


def test_a_draft_preview_is_for_staff_only(client):
    draft = ArticleFactory(title="Work in progress", status=Status.DRAFT)
    preview = reverse("articles:article_preview", kwargs={"slug": draft.slug})

    assert client.get(preview).status_code == 302  # to the login page
    editor = UserFactory(username="an-editor")
    editor.groups.add(Group.objects.get(name="Editor"))
    client.force_login(editor)
    response = client.get(preview)

    assert response.status_code == 200
    assert "Work in progress" in response.text and "Preview" in response.text
    assert response["Cache-Control"] == "private, no-store"


def test_published_pages_are_cacheable_and_revalidate(client):
    article = ArticleFactory()

    first = client.get(article.get_absolute_url())
    again = client.get(
        article.get_absolute_url(),
        headers={"if-none-match": first["ETag"]},
    )
    article.title = "Changed"
    article.save()
    changed = client.get(
        article.get_absolute_url(), headers={"if-none-match": first["ETag"]}
    )

    assert (
        "public" in first["Cache-Control"] and "max-age=300" in first["Cache-Control"]
    )
    assert first["Last-Modified"]
    assert again.status_code == 304
    assert changed.status_code == 200 and "Changed" in changed.text


def test_an_article_page_takes_the_same_few_queries_however_much_it_links_to(
    client, settings, django_assert_max_num_queries, monkeypatch
):
    settings.PAGE_CACHE_SECONDS = 0  # rendered afresh, every time
    monkeypatch.setattr(page_cache, "GENERATION_CHECK_SECONDS", 60)

    def article_with(n: int) -> Article:
        article = ArticleFactory(reviewer=ReviewerBioFactory())
        for i in range(n):
            topic = TopicFactory(name=f"Topic {n}-{i}", slug=f"topic-{n}-{i}")
            article.topics.add(topic)
            other = ArticleFactory()
            other.topics.add(topic)
            article.related.add(ArticleFactory())
            article.title = f"Revision {i}"
            article.save()
        return article

    small, large = article_with(1), article_with(12)
    # Nothing kept: its publication check (id, last change), the page generation
    # its parts are kept under, the article with its reviewer, its topics, its body
    # pictures, its chosen related articles, and the footer's opening hours: seven
    # queries, whatever the counts. With its parts (and its address) kept, none.
    for article in (small, large):
        page_cache.forget_local()
        with django_assert_max_num_queries(7):
            assert client.get(article.get_absolute_url()).status_code == 200
        with django_assert_max_num_queries(0):
            assert client.get(article.get_absolute_url()).status_code == 200
