"""Staff e-mails from templates, through one helper (healthchecks' hc/lib/emails.py).

Each e-mail is two templates, `templates/emails/<name>_subject.txt` and
`<name>_body.txt`. They carry references, bands, times and links: never what a
person told us (see DESIGN.md, "No personal data where it does not belong").
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string


def absolute_url(path: str) -> str:
    """`path` on the site's public address (SITE_URL), never the request's Host
    header: these links leave the site in e-mails."""
    return settings.SITE_URL.rstrip("/") + path


def send_templated_mail(name: str, *, to: list[str], context: dict) -> None:
    """Render `emails/<name>_subject.txt` and `_body.txt` with `context` and send
    them to `to`. Raises what the mailer raises (OSError from SMTP), so that a
    caller inside a transaction rolls its claim back and a retry sends."""
    subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
    body = render_to_string(f"emails/{name}_body.txt", context)
    send_mail(subject=subject, message=body, from_email=None, recipient_list=to)
