"""A logging filter that keeps personal data out of the logs, whatever the message.

Code here logs ids and references only; this is the net under that rule, for a
library's message or a mistake. It rewrites each record's message with email
addresses, phone numbers and postcodes replaced by placeholders, and the private
withdrawal link's token (a capability that erases a person's data) cut out of any
path: Django's own "Not Found: /get-help/withdraw/<token>/" included.

referral_site/access_log.py does the same for gunicorn's access log.
"""

import logging
import re

# The path segment after /withdraw/, whatever the token looks like (a shortened
# or mistyped one is still most of a capability), except the "email me" page.
WITHDRAWAL_TOKEN = re.compile(r"(/withdraw/)(?!email-me/)[^/?#\s\"']+")

_PATTERNS = [
    (WITHDRAWAL_TOKEN, r"\1[token]"),
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[email]"),
    # A UK postcode, whole ("LS6 2AB") or the kind people type ("ls62ab").
    (re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b", re.IGNORECASE), "[postcode]"),
    # Ten or more digits, with the spaces, dashes and brackets of phone numbers; not
    # part of a decimal number (a task's run time) or of a longer word.
    (re.compile(r"(?<![\w.-])\+?\(?\d(?:[\s()-]*\d){9,}(?![\d.:])"), "[phone]"),
]


def redact(text: str) -> str:
    for pattern, placeholder in _PATTERNS:
        text = pattern.sub(placeholder, text)
    return text


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            # Exception text can quote values too: format it now, redacted.
            record.exc_text = redact(
                logging.Formatter().formatException(record.exc_info)
            )
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
