"""Every public page costs a few SQL queries, the same however much the site holds:
rendered afresh (the page cache off), with a little content and with a lot; both
with nothing kept (a process's first render after a change) and with the kept parts
of pages at hand (the footer, an article's text, the lists). The queue's own budget
is in tests/clinicians/test_queue_scale.py."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import page_cache
from enquiries.models import Enquiry
from tests.articles.factories import ArticleFactory, ReviewerBioFactory, TopicFactory
from tests.enquiries.factories import form_data

pytestmark = pytest.mark.django_db

# The most each page may take with nothing kept (the page generation is one of
# them wherever a part is kept); each also takes the same with 2 articles or 30.
BUDGETS = {
    "home": 6,
    "article list": 4,
    "article list, page 2": 4,
    "topic": 5,
    "reviewer": 4,
    "article": 7,
    "search": 4,
    "search, nothing found": 4,
    "search, no words": 3,
    "get help": 3,
    "privacy": 3,
    "cover your tracks": 2,
    "feed": 1,
    "sitemap": 4,
    "robots.txt": 0,
}
# With the kept parts at hand: what is left is what is not kept (search, the
# form's hours, the privacy notice, the reviewer's page, the feed and sitemap).
KEPT_BUDGETS = BUDGETS | {
    "home": 0,
    "article list": 0,
    "article list, page 2": 0,
    "topic": 0,
    "reviewer": 2,
    "article": 0,
    "search": 1,
    "search, nothing found": 1,  # the search; the topics offered are kept
    "search, no words": 0,
    "get help": 0,
    "privacy": 1,
    "cover your tracks": 0,
}


@pytest.fixture(autouse=True)
def _render_afresh(settings, monkeypatch):
    settings.PAGE_CACHE_SECONDS = 0
    # Read once here, not again within the test: its count is the same each time.
    monkeypatch.setattr(page_cache, "GENERATION_CHECK_SECONDS", 3600)


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
        "search, nothing found": "/search/?q=zzzzzz",
        "search, no words": "/search/",
        "get help": "/get-help/",
        "privacy": "/privacy/",
        "cover your tracks": "/cover-your-tracks/",
        "feed": "/feed/",
        "sitemap": "/sitemap.xml",
        "robots.txt": "/robots.txt",
    }


def _queries(client, path: str, *, kept: bool) -> int:
    if not kept:
        page_cache.forget_local()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200, path
    return len(queries)


@pytest.mark.parametrize("kept", [False, True], ids=["nothing kept", "parts kept"])
def test_every_public_page_takes_the_same_few_queries_however_much_there_is(
    client, kept
):
    budgets = KEPT_BUDGETS if kept else BUDGETS

    def warm(site: dict) -> None:
        # What a process does once (templates, the form); and an article's first
        # visit makes its picture's sizes, which is a change: warmed twice.
        for _ in range(2 if kept else 1):
            for path in site.values():
                assert client.get(path).status_code == 200, path

    small = _site(2)
    warm(small)
    few = {name: _queries(client, path, kept=kept) for name, path in small.items()}
    large = _site(30)
    if kept:
        warm(large)
    many = {name: _queries(client, path, kept=kept) for name, path in large.items()}

    for name, budget in budgets.items():
        assert few[name] == many[name], name
        assert many[name] <= budget, f"{name}: {many[name]} queries"


def test_a_send_takes_the_same_few_queries(client, django_assert_max_num_queries):
    client.get("/get-help/")
    # The check for an earlier send; the enquiry's insert in a transaction of its
    # own (here a savepoint: no second one inside another); the new session's
    # insert, also in its own, its key not asked after first
    # (referral_site/sessions.py). (Opening the callback is the worker's: not
    # counted here, as it is queued.)
    with django_assert_max_num_queries(7):
        response = client.post("/get-help/", form_data())

    assert response.status_code == 302
    assert Enquiry.objects.count() == 1
