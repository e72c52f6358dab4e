"""The live server the browser tests drive, on the fast suite's in-memory SQLite.
A browser asks for a page and, at once, for what the page needs; every one of those
requests must get its answer (tests/conftest.py: OneRequestAtATimeServer)."""

import threading
import urllib.error
import urllib.request

import pytest

from tests.articles.factories import ArticleFactory
from tests.clinicians.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
AT_ONCE = 4
EACH = 10


def test_pages_asked_for_at_once_each_get_their_answer(live_server, client):
    editor = UserFactory(is_staff=True, is_superuser=True)
    article = ArticleFactory()
    client.force_login(editor)  # a session in the database the live server reads
    url = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    answers: list[int | str] = []

    def ask() -> None:
        for _ in range(EACH):
            request = urllib.request.Request(url, headers={"Cookie": cookie})
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    answers.append(response.status)
            except urllib.error.HTTPError as error:
                answers.append(error.code)

    askers = [threading.Thread(target=ask) for _ in range(AT_ONCE)]
    for asker in askers:
        asker.start()
    for asker in askers:
        asker.join()

    assert answers == [200] * (AT_ONCE * EACH)
