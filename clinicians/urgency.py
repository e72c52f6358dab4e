"""How urgent a new callback is: the rules in one place, each tested.

Urgent: the person said someone is in immediate danger, or their message has words
that suggest an overdose, suicide or self-harm (intake's rule: `enquiries.danger`).
Soon: they are worried about a substance whose withdrawal or overdose can kill
(opioids, benzodiazepines, alcohol). Routine: everything else. A clinician can always
change the band by hand.
"""

from enquiries.danger import message_suggests_danger, reports_danger
from enquiries.models import Enquiry, Substance

from .models import Urgency

__all__ = ["SOON_SUBSTANCES", "message_suggests_danger", "urgency_for"]

SOON_SUBSTANCES = {Substance.HEROIN, Substance.BENZODIAZEPINES, Substance.ALCOHOL}


def urgency_for(enquiry: Enquiry) -> Urgency:
    if reports_danger(enquiry):
        return Urgency.URGENT
    if SOON_SUBSTANCES & set(enquiry.get_substances()):
        return Urgency.SOON
    return Urgency.ROUTINE
