"""One request of a visitor to the site on loopback, as production's TLS-terminating
proxy passes it on: `X-Forwarded-Proto: https` (which SECURE_PROXY_SSL_HEADER
believes), the visitor's cookies (the Secure ones too, as a browser sends them to
the https address it thinks it is on), and on a POST the page's own Origin and
Referer, as a browser sends them, so that the CSRF check is the real one."""

import time
from dataclasses import dataclass
from http.client import HTTPConnection, HTTPException
from http.cookies import SimpleCookie
from urllib.parse import urlencode


@dataclass
class Answer:
    status: int  # 0: no answer at all (see `error`)
    headers: dict[str, str]
    body: str
    seconds: float  # from sending the request to the end of the answer
    error: Exception | None = None  # the connection failed, timed out or broke


def send(
    port: int,
    method: str,
    path: str,
    *,
    cookies: dict[str, str],
    headers: dict[str, str],
    timeout: float,
    form: dict | None = None,
    referer: str | None = None,
) -> Answer:
    """`method` `path` on 127.0.0.1:`port` with `headers` and the `cookies` jar,
    `form` urlencoded as a browser posts it from `referer` (the path itself
    unless given); the cookies the answer sets are kept in `cookies`."""
    host = f"127.0.0.1:{port}"
    sent = {"Host": host, "X-Forwarded-Proto": "https"} | headers
    if cookies:
        sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if form is not None:
        body = urlencode(form, doseq=True).encode()
        sent["Content-Type"] = "application/x-www-form-urlencoded"
        sent["Origin"] = f"https://{host}"
        sent["Referer"] = f"https://{host}{referer or path}"
    connection = HTTPConnection("127.0.0.1", port, timeout=timeout)
    started = time.monotonic()
    try:
        connection.request(method, path, body=body, headers=sent)
        answer = connection.getresponse()
        text = answer.read().decode(errors="replace")
    except (OSError, HTTPException) as error:
        return Answer(0, {}, "", time.monotonic() - started, error=error)
    finally:
        connection.close()
    seconds = time.monotonic() - started
    for value in answer.headers.get_all("Set-Cookie") or []:
        jar = SimpleCookie()
        jar.load(value)
        for name, morsel in jar.items():
            cookies[name] = morsel.value
    return Answer(answer.status, dict(answer.headers.items()), text, seconds)
