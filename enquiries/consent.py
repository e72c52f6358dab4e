"""The consent wording on the enquiry form. Change the text, change the version:
every enquiry records the version its sender agreed to, and a form sent with an older
version is handed back to be agreed again."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

VERSION = "2026-12-02"

_TEXT = (
    "I agree that the service may use what I have told you, including information"
    " about my health or the health of the person I am asking about, to call me back"
    " and give me advice. I can withdraw this at any time."
    ' <a href="{}">How we use and protect your information</a>.'
)


def consent_label() -> SafeString:
    return format_html(_TEXT, reverse("privacy"))
