from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from clinicians.models import Callback, Clinician
from tests.enquiries.factories import EnquiryFactory


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    is_staff = True
    password = factory.django.Password("correct-horse-battery")


class ClinicianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinician

    user = factory.SubFactory(UserFactory)
    display_name = factory.Sequence(lambda n: f"Clinician {n}")
    on_duty = True
    max_open_callbacks = 10


class CallbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Callback

    enquiry = factory.SubFactory(EnquiryFactory)
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=24))

    class Params:
        closed = factory.Trait(
            status=Callback.Status.CLOSED,
            outcome=Callback.Outcome.ADVICE_GIVEN,
            closed_at=factory.LazyFunction(timezone.now),
        )
