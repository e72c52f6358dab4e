"""Every public page costs a few SQL queries, the same however much the site holds:
rendered afresh (the page cache off), with a little content and with a lot. The
queue's own budget is in tests/clinicians/test_queue_scale.py."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enquiries.models import Enquiry
from tests.articles.factories import ArticleFactory, ReviewerBioFactory, TopicFactory
from tests.enquiries.factories import form_data

pytestmark = pytest.mark.django_db

# The most each page may take; each also takes the same with 2 articles or 30.
BUDGETS = {
    "home": 5,
    "article list": 3,
    "article list, page 2": 3,
    "topic": 4,
    "reviewer": 3,
    "article": 5,
    "search": 2,
    "get help": 6,
    "privacy": 2,
    "cover your tracks": 1,
    "feed": 1,
    "sitemap": 4,
    "robots.txt": 0,
}


@pytest.fixture(autouse=True)
def _render_afresh(settings):
    settings.PAGE_CACHE_SECONDS = 0


def _site(articles: int) -> dict[str, str]:
    reviewer = ReviewerBioFactory()
    topics = [
        TopicFactory(name=f"Topic {articles}-{i}", slug=f"topic-{articles}-{i}")
        for i in range(3)
    ]
    made = []
    for i in range(articles):
        article = ArticleFactory(
            reviewer=reviewer,
            title=f"Alcohol advice {articles}-{i}",
            slug=f"alcohol-{articles}-{i}",
            featured=i < 3,
        )
        article.topics.add(*topics)
        made.append(article)
    made[0].related.add(*made[1:4])
    return {
        "home": "/",
        "article list": "/articles/",
        "article list, page 2": "/articles/?page=2",
        "topic": topics[0].get_absolute_url(),
        "reviewer": reviewer.get_absolute_url(),
        "article": made[0].get_absolute_url(),
        "search": "/search/?q=alcohol",
        "get help": "/get-help/",
        "privacy": "/privacy/",
        "cover your tracks": "/cover-your-tracks/",
        "feed": "/feed/",
        "sitemap": "/sitemap.xml",
        "robots.txt": "/robots.txt",
    }


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200, path
    return len(queries)


def test_every_public_page_takes_the_same_few_queries_however_much_there_is(
    client,
):
    small = _site(2)
    for path in small.values():  # what a process does once (templates, the form)
        _queries(client, path)
    few = {name: _queries(client, path) for name, path in small.items()}
    many = {name: _queries(client, path) for name, path in _site(30).items()}

    for name, budget in BUDGETS.items():
        assert few[name] == many[name], name
        assert many[name] <= budget, f"{name}: {many[name]} queries"


def test_a_send_takes_the_same_few_queries(client, django_assert_max_num_queries):
    client.get("/get-help/")
    with django_assert_max_num_queries(20):
        response = client.post("/get-help/", form_data())

    assert response.status_code == 302
    assert Enquiry.objects.count() == 1
