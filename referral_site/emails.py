"""Staff e-mails from templates, through one helper (healthchecks' hc/lib/emails.py).

Each e-mail is two templates, `templates/emails/<name>_subject.txt` and
`<name>_body.txt`. They carry references, bands, times and links: never what a
person told us (see DESIGN.md, "No personal data where it does not belong").
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string


def absolute_url(path: str) -> str:
    """`path` on the site's public address (SITE_URL), never the request's Host
    header: these links leave the site in e-mails."""
    return settings.SITE_URL.rstrip("/") + path


def message_id(key: str) -> str:
    """A Message-ID that is the same every time one notification is sent: should a
    dead worker's send be repeated, mail systems that drop duplicates see one."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    return f"<{key}@{domain}>"


def send_templated_mail(
    name: str, *, to: list[str], context: dict, key: str | None = None
) -> None:
    """Render `emails/<name>_subject.txt` and `_body.txt` with `context` and send
    them to `to`; `key` names the notification for its Message-ID. Raises what the
    mailer raises (OSError from SMTP), so that the caller can release its claim and
    a retry sends."""
    subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
    body = render_to_string(f"emails/{name}_body.txt", context)
    headers = {"Message-ID": message_id(key)} if key else {}
    EmailMessage(subject=subject, body=body, to=to, headers=headers).send()
