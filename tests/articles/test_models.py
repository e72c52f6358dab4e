from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.models import Article, ArticleImage
from tests.articles.factories import ArticleFactory

pytestmark = pytest.mark.django_db
Status = Article.Status


def test_published_shows_only_published_articles_whose_date_has_come():
    live = ArticleFactory()
    ArticleFactory(status=Status.DRAFT)
    ArticleFactory(status=Status.SCHEDULED)
    ArticleFactory(status=Status.ARCHIVED)
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


def test_the_next_review_falls_due_12_months_after_the_last_by_default():
    article = ArticleFactory(last_reviewed_on=date(2026, 3, 1))

    assert article.next_review_due == date(2027, 3, 1)


def test_a_picture_needs_a_description():
    picture = ArticleImage(image="articles/originals/x.png", alt=" ")

    with pytest.raises(ValidationError) as error:
        picture.clean()

    assert error.value.message_dict == {
        "alt": ["Describe the picture for people who cannot see it."]
    }


def test_reading_time_and_references():
    article = ArticleFactory(
        body="<p>" + "word " * 450 + "</p>",
        references="NICE guideline CG115\n\n  Orange Book, 2017  \n",
    )

    assert article.reading_minutes == 3
    assert article.reference_list == ["NICE guideline CG115", "Orange Book, 2017"]


def test_governance_warns_of_a_missing_reviewer_or_references():
    assert ArticleFactory().needs_governance == ["a clinical reviewer", "references"]


def test_every_save_keeps_a_revision():
    article = ArticleFactory(title="First title")
    article.title = "Second title"
    article.save()

    titles = [revision.title for revision in article.history.order_by("history_id")]
    assert titles == ["First title", "Second title"]


def test_a_topic_is_listed_only_once_one_of_its_articles_is_public(client):
    from articles.models import Topic
    from tests.articles.factories import TopicFactory

    ready = TopicFactory(name="Alcohol", slug="alcohol")
    waiting = TopicFactory(name="Cannabis", slug="cannabis")
    ArticleFactory(slug="alcohol-one").topics.add(ready)
    ArticleFactory(slug="alcohol-two").topics.add(ready)
    # Published, but its date has not come: not public yet.
    tomorrow = ArticleFactory(
        slug="cannabis-soon", pub_date=timezone.now() + timedelta(days=1)
    )
    tomorrow.topics.add(waiting)

    assert list(Topic.objects.with_published_articles()) == [ready]
    # The search page's "try a topic" list, when nothing is found, follows the rule.
    page = client.get("/search/", {"q": "zzzznothing"}).text
    assert 'href="/topics/alcohol/"' in page
    assert "/topics/cannabis/" not in page
