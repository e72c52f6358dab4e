import time
import uuid

import factory
from django.utils import timezone

from enquiries import consent
from enquiries.guards import sign_started
from enquiries.models import ContactMethod, Enquiry, ForWhom
from harness.forms import PHONE, valid_answers

# Obviously fictional: Ofcom's drama range (PHONE) and example.org only.
EMAIL = "sam@example.org"


class EnquiryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enquiry

    for_whom = ForWhom.SELF
    name = "Alex Example"
    contact_method = ContactMethod.PHONE
    phone = PHONE
    voicemail_ok = True
    say_who_we_are_ok = False
    message = "I would like some advice about my drinking."
    consent_version = consent.VERSION
    consented_at = factory.LazyFunction(timezone.now)
    submission_token = factory.LazyFunction(uuid.uuid4)


def form_data(**changes) -> dict:
    """A valid /get-help/ POST, as a person would send it a minute after opening the
    form. A change of None leaves that field out."""
    data = valid_answers() | {
        "submission_token": str(uuid.uuid4()),
        "started": sign_started(time.time() - 60),
        "consent_version": consent.VERSION,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}
