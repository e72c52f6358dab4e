from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.articles.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_published_shows_only_published_articles_whose_date_has_come():
    live = ArticleFactory()
    ArticleFactory(is_published=False)
    ArticleFactory(pub_date=timezone.now() + timedelta(days=1))

    assert list(Article.objects.published()) == [live]


def test_body_is_sanitised_when_saved_whatever_the_editor_sent():
    article = ArticleFactory(
        body='<h2 onclick="steal()">Signs</h2><script>alert(1)</script>'
        '<p style="x">Call <a href="javascript:alert(1)">us</a></p>'
        '<iframe src="https://example.org"></iframe><ul><li>Kept</li></ul>'
    )
    article.refresh_from_db()

    assert article.body == (
        '<h2>Signs</h2><p>Call <a rel="noopener noreferrer">us</a></p>'
        "<ul><li>Kept</li></ul>"
    )
