"""Arriving from an article: its topic's safety information comes first, and the
person may share the topic with the clinician."""

import pytest

from enquiries.models import Enquiry
from tests.articles.factories import ArticleFactory, TopicFactory
from tests.enquiries.factories import form_data

pytestmark = pytest.mark.django_db


def test_an_articles_get_help_link_carries_its_topic(client):
    article = ArticleFactory()
    article.topics.add(TopicFactory())

    text = client.get(article.get_absolute_url()).text

    assert 'href="/get-help/?topic=heroin-and-opioids"' in text


def test_the_form_shows_the_topics_safety_information_first(client):
    TopicFactory()

    text = client.get("/get-help/?topic=heroin-and-opioids").text

    safety = text.index("Signs of an opioid overdose")
    assert safety < text.index("Tell us a little about what is happening")
    assert "naloxone" in text
    assert "Tell the clinician you were reading about heroin and opioids" in text
    assert 'name="topic" value="heroin-and-opioids"' in text


def test_the_topic_is_stored_only_when_the_person_chooses_to_share_it(client):
    TopicFactory()

    client.post("/get-help/", form_data(topic="heroin-and-opioids"))
    client.post("/get-help/", form_data(topic="heroin-and-opioids", share_topic="on"))

    not_shared, shared = Enquiry.objects.order_by("pk")
    assert not_shared.came_from_topic == ""
    assert shared.came_from_topic == "Heroin and opioids"


def test_an_unknown_topic_is_ignored(client):
    text = client.get("/get-help/?topic=no-such-topic").text
    response = client.post(
        "/get-help/", form_data(topic="no-such-topic", share_topic="on")
    )

    assert "Staying safe" not in text and "share_topic" not in text
    assert response.status_code == 302
    assert Enquiry.objects.get().came_from_topic == ""


def test_safety_information_is_sanitised_when_saved():
    topic = TopicFactory(
        safety_information='<p onclick="x()">Call 999</p><script>alert(1)</script>'
    )

    topic.refresh_from_db()
    assert topic.safety_information == "<p>Call 999</p>"
