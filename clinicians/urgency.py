"""How urgent a new callback is: the rules in one place, each tested.

Urgent: the person said someone is in immediate danger, or their message has words
that suggest an overdose, suicide or self-harm. Soon: they are worried about a
substance whose withdrawal or overdose can kill (opioids, benzodiazepines, alcohol).
Routine: everything else. A clinician can always change the band by hand.
"""

import re

from enquiries.models import Danger, Enquiry, Substance

from .models import Urgency

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
_SOON_SUBSTANCES = {Substance.HEROIN, Substance.BENZODIAZEPINES, Substance.ALCOHOL}


def message_suggests_danger(message: str) -> bool:
    return bool(_URGENT_WORDS.search(message))


def urgency_for(enquiry: Enquiry) -> Urgency:
    if enquiry.danger != Danger.NONE or message_suggests_danger(enquiry.message):
        return Urgency.URGENT
    if _SOON_SUBSTANCES & set(enquiry.get_substances()):
        return Urgency.SOON
    return Urgency.ROUTINE
