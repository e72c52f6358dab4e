"""Feeds, sitemaps, robots, scheduled publishing and review reminders."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from articles import services, tasks
from articles.models import Article
from tests.articles.factories import ArticleFactory, ReviewerBioFactory, TopicFactory
from tests.clinicians.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_feed_lists_published_articles(client):
    ArticleFactory(title="Live article", summary="A live summary.")
    ArticleFactory(title="Draft article", status=Article.Status.DRAFT)

    response = client.get("/feed/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "Live article" in response.text and "A live summary." in response.text
    assert "Draft article" not in response.text


def test_the_sitemap_lists_public_pages_published_articles_and_topics(client):
    live = ArticleFactory()
    live.topics.add(TopicFactory())
    draft = ArticleFactory(status=Article.Status.DRAFT)

    text = client.get("/sitemap.xml").text

    assert f"/articles/{live.slug}/</loc>" in text
    assert f"/articles/{draft.slug}/" not in text
    assert "/topics/heroin-and-opioids/</loc>" in text
    assert "/get-help/</loc>" in text and "/privacy/</loc>" in text
    assert "<lastmod>" in text


def test_robots_txt_keeps_crawlers_out_of_private_pages_and_names_the_sitemap(
    client, settings
):
    settings.SITE_URL = "https://advice.example.org"

    text = client.get("/robots.txt").text

    assert "Disallow: /admin/" in text
    assert "Disallow: /get-help/withdraw/" in text
    assert "Sitemap: https://advice.example.org/sitemap.xml" in text


def test_beat_publishes_scheduled_articles_when_their_time_comes(client):
    due = ArticleFactory(
        status=Article.Status.SCHEDULED, pub_date=timezone.now() - timedelta(minutes=1)
    )
    later = ArticleFactory(
        status=Article.Status.SCHEDULED, pub_date=timezone.now() + timedelta(hours=1)
    )
    assert client.get(due.get_absolute_url()).status_code == 404

    tasks.articles_publish_scheduled()
    tasks.articles_publish_scheduled()  # twice changes nothing more

    due.refresh_from_db()
    later.refresh_from_db()
    assert due.status == Article.Status.PUBLISHED
    assert later.status == Article.Status.SCHEDULED
    assert client.get(due.get_absolute_url()).status_code == 200


def test_editors_and_the_reviewer_are_reminded_once_when_a_review_falls_due():
    editor = UserFactory(username="an-editor", email="editor@example.org")
    editor.groups.add(Group.objects.get(name="Editor"))
    reviewer = ReviewerBioFactory(email="reviewer@example.org")
    due = ArticleFactory(
        title="Due soon", reviewer=reviewer, next_review_due=timezone.localdate()
    )
    ArticleFactory(title="Not yet", next_review_due=date(2099, 1, 1))

    assert services.articles_remind_reviews() == 1
    assert services.articles_remind_reviews() == 0

    [email] = mail.outbox
    assert sorted(email.to) == ["editor@example.org", "reviewer@example.org"]
    assert email.subject == "Clinical review due: Due soon"
    assert f"due for clinical review on {due.next_review_due:%d %B %Y}." in email.body
    assert f"/admin/articles/article/{due.pk}/change/" in email.body


def test_a_new_due_date_brings_a_new_reminder():
    editor = UserFactory(username="an-editor", email="editor@example.org")
    editor.groups.add(Group.objects.get(name="Editor"))
    article = ArticleFactory(next_review_due=timezone.localdate())
    services.articles_remind_reviews()

    article.last_reviewed_on = timezone.localdate() - timedelta(days=360)
    article.next_review_due = None  # reviewed again: 12 months from then
    article.save()
    services.articles_remind_reviews()

    assert len(mail.outbox) == 2
