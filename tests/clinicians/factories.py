from datetime import time, timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from clinicians.models import Callback, Clinician, Shift
from tests.enquiries.factories import EnquiryFactory

ALL_DAY = (time(0), time(23, 59, 59, 999999))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    is_staff = True
    password = factory.django.Password("correct-horse-battery")


class ClinicianFactory(factory.django.DjangoModelFactory):
    """A clinician; on duty round the clock unless made with on_duty=False."""

    class Meta:
        model = Clinician
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    display_name = factory.Sequence(lambda n: f"Clinician {n}")
    max_open_callbacks = 10

    @factory.post_generation
    def on_duty(self, create, extracted, **kwargs):
        if create and extracted is not False:
            Shift.objects.bulk_create(
                Shift(clinician=self, weekday=day, starts=ALL_DAY[0], ends=ALL_DAY[1])
                for day in range(7)
            )


class CallbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Callback

    enquiry = factory.SubFactory(EnquiryFactory)
    assigned_to = None
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=24))
    status = factory.LazyAttribute(
        lambda callback: (
            Callback.Status.ASSIGNED if callback.assigned_to else Callback.Status.NEW
        )
    )

    class Params:
        closed = factory.Trait(
            status=Callback.Status.CLOSED,
            outcome=Callback.Outcome.ADVICE_GIVEN,
            closed_at=factory.LazyFunction(timezone.now),
        )
