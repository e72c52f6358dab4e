"""The micro-cache in front of gunicorn (deploy/nginx/referral.conf, the production
shape's proxy) keeps reading pages for anonymous readers, and never keeps or hands
out anything personal: real nginx (Debian's) in front of the live test server."""

import shutil
import socket
import subprocess
from http.client import HTTPConnection

import pytest

from harness.nginx import write_nginx_conf
from harness.polling import wait_until
from harness.processes import free_port
from tests.articles.factories import ArticleFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture
def proxy(live_server, tmp_path):
    if not shutil.which("nginx"):
        pytest.skip("needs nginx: apt-get install nginx")
    port = free_port()
    (tmp_path / "floor.html").write_text("")
    conf = write_nginx_conf(
        tmp_path,
        web_port=int(live_server.url.rsplit(":", 1)[1]),
        proxy_port=port,
        static_port=free_port(),
        log=tmp_path / "nginx-error.log",
    )
    nginx = subprocess.Popen(
        ["nginx", "-c", str(conf), "-p", str(tmp_path), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until(lambda: _listening(port), timeout=10, what="nginx to listen")
        yield port
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)


def _get(port: int, path: str, **headers) -> tuple[int, dict, str]:
    connection = HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        answer = connection.getresponse()
        return answer.status, dict(answer.headers.items()), answer.read().decode()
    finally:
        connection.close()


def test_an_article_is_kept_for_anonymous_readers(proxy):
    article = ArticleFactory(title="Kept by the proxy")
    first = _get(proxy, article.get_absolute_url())
    again = _get(proxy, article.get_absolute_url())

    assert first[0] == again[0] == 200
    assert first[1]["X-Cache"] == "MISS" and again[1]["X-Cache"] == "HIT"
    assert "Kept by the proxy" in again[2]
    # Shared caches keep it seconds, not the browser's five minutes.
    assert "s-maxage=10" in again[1]["Cache-Control"]


@pytest.mark.parametrize("cookie", ["sessionid=abc", "messages=abc"])
def test_a_request_with_a_session_or_messages_goes_to_django(proxy, cookie):
    article = ArticleFactory()
    _get(proxy, article.get_absolute_url())  # kept

    status, headers, _ = _get(proxy, article.get_absolute_url(), Cookie=cookie)

    assert status == 200 and headers["X-Cache"] == "BYPASS"


@pytest.mark.parametrize("path", ["/get-help/", "/admin/login/?next=/admin/"])
def test_the_form_and_the_admin_are_never_kept(proxy, path):
    answers = [_get(proxy, path) for _ in range(3)]

    assert all(status == 200 for status, _, _ in answers)
    assert all(headers["X-Cache"] != "HIT" for _, headers, _ in answers)
    # Each visitor has a token of their own.
    assert len({body for _, _, body in answers}) == 3
