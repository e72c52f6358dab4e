from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.articles.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_home_lists_the_latest_published_articles_newest_first(client):
    older = ArticleFactory(title="Older", pub_date=timezone.now() - timedelta(days=3))
    newer = ArticleFactory(title="Newer", pub_date=timezone.now() - timedelta(days=1))
    ArticleFactory(title="A draft", is_published=False)

    response = client.get("/")

    assert response.status_code == 200
    assert list(response.context["latest"]) == [newer, older]
    assert "A draft" not in response.text
    assert reverse("enquiries:enquiry_create") in response.text


def test_article_list_shows_published_articles_only(client):
    ArticleFactory(title="Alcohol withdrawal")
    ArticleFactory(title="Unfinished draft", is_published=False)

    response = client.get("/articles/")

    assert response.status_code == 200
    assert "Alcohol withdrawal" in response.text
    assert "Unfinished draft" not in response.text


def test_article_list_pages_through_many_articles(client):
    ArticleFactory.create_batch(12)

    first = client.get("/articles/")
    second = client.get("/articles/?page=2")

    assert len(first.context["page"].object_list) == 10
    assert len(second.context["page"].object_list) == 2
    assert "Page 2 of 2" in second.text


def test_article_page_shows_a_published_article_and_the_way_to_get_help(client):
    article = ArticleFactory(body="<h2>Day one</h2><p>Drink water.</p>")

    response = client.get(f"/articles/{article.slug}/")

    assert response.status_code == 200
    assert "<h2>Day one</h2>" in response.text  # sanitised HTML rendered as HTML
    assert "Speak to a clinician" in response.text
    assert 'href="/get-help/"' in response.text


@pytest.mark.parametrize(
    "hidden",
    [
        {"is_published": False},
        {"pub_date": timezone.now() + timedelta(days=2)},
    ],
    ids=["draft", "scheduled"],
)
def test_unpublished_articles_answer_404(client, hidden):
    article = ArticleFactory(**hidden)

    response = client.get(f"/articles/{article.slug}/")

    assert response.status_code == 404
    assert "We cannot find that page" in response.text
