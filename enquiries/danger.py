"""Whether what someone told us says a person may be in danger now.

The one rule, kept at intake where the answers live: the thank-you page uses it to
put the emergency numbers first and to say honestly when we can call, and the
callbacks side uses it to make the callback urgent.
"""

import re

from .models import Danger, Enquiry

_URGENT_WORDS = re.compile(
    r"""\b(
        overdos\w* | o\.?d\.?(?:'?d|ed)? | took\ too\ many | taken\ too\ (?:many|much)
        | suicid\w* | kill\w*\ (?:my|him|her|them)sel(?:f|ves)
        | end\w*\ (?:it\ all|my\ life|(?:his|her|their)\ li(?:fe|ves))
        | self[-\ ]?harm\w* | cut(?:s|ting)?\ (?:my|him|her|them)sel(?:f|ves)
        | hurt\w*\ (?:my|him|her|them)sel(?:f|ves)
        | not\ breathing | unconscious | (?:can'?t|cannot)\ wake | fitting | seizures?
    )\b""",
    re.IGNORECASE | re.VERBOSE,
)


def message_suggests_danger(message: str) -> bool:
    """Whether the message has words that suggest an overdose, suicide or self-harm."""
    return bool(_URGENT_WORDS.search(message))


def reports_danger(enquiry: Enquiry) -> bool:
    """Whether they answered that someone is in immediate danger, or their message
    suggests it."""
    return enquiry.danger != Danger.NONE or message_suggests_danger(enquiry.message)


def danger_reason(enquiry: Enquiry) -> str:
    """Why `reports_danger` is true, in a line for the clinician who calls back:
    'They said: someone may have taken too much (an overdose)', 'Their message
    mentions: overdose, not breathing' (the words as typed, each once), both, or ''
    when nothing suggests danger.

    It quotes what the person wrote: for the clinician's screen only, never for logs,
    emails or task arguments."""
    reasons = []
    if enquiry.danger != Danger.NONE:
        answer = enquiry.get_danger_display().removeprefix("Yes: ")
        reasons.append(f"They said: {answer}")
    words: dict[str, str] = {}
    for match in _URGENT_WORDS.finditer(enquiry.message):
        words.setdefault(match.group().lower(), match.group())
    if words:
        reasons.append(f"Their message mentions: {', '.join(words.values())}")
    return ". ".join(reasons)
