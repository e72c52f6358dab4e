import uuid

import factory
from django.utils import timezone

from enquiries.models import Enquiry
from enquiries.services import CONSENT_VERSION

# Obviously fictional: Ofcom's drama range and example.org only.
PHONE = "07700 900123"


class EnquiryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enquiry

    name = "Alex Example"
    phone = PHONE
    message = "I would like some advice about my drinking."
    consent_version = CONSENT_VERSION
    consented_at = factory.LazyFunction(timezone.now)
    submission_token = factory.LazyFunction(uuid.uuid4)
