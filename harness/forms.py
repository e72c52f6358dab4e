"""The enquiry form (/get-help/) as a person sends it: the hidden fields the page
gives them, and answers that pass every check. Plain data, no Django: the audit and
the benchmark post it from outside, tests/enquiries/factories.py's `form_data` adds
the hidden fields a test makes itself."""

import re
from html.parser import HTMLParser

# Obviously fictional: Ofcom's drama range.
PHONE = "07700 900123"


def valid_answers() -> dict:
    """What a person answers on the form, every question (a fresh dict each time);
    the hidden fields (CSRF, submission token, signed start, consent version) come
    from the page, or from form_data in the tests."""
    return {
        "over_18": "yes",
        "for_whom": "self",
        "danger": "none",
        "substances": ["alcohol"],
        "message": "Worried about my drinking.",
        "name": "Sam",
        "contact_method": "phone",
        "phone": PHONE,
        "voicemail_ok": "yes",
        "say_who_we_are_ok": "no",
        "consent": "on",
        "website": "",
    }


class _HiddenFields(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "input" and values.get("type") == "hidden" and values.get("name"):
            self.fields[values["name"]] = values.get("value") or ""


_INPUT_TAG = re.compile(r"<input\b[^>]*>", re.IGNORECASE)


def hidden_fields(html: str) -> dict[str, str]:
    """The page's hidden inputs, by name. Only the input tags are parsed, not the
    whole page: the benchmark's load shares the cores with what it measures."""
    parser = _HiddenFields()
    for tag in _INPUT_TAG.findall(html):
        parser.feed(tag)
    return parser.fields
