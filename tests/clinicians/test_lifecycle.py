"""A callback's life: attempts, the risk panel, closing, and the transitions allowed."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clinicians import services
from clinicians.lifecycle import IllegalTransition
from clinicians.models import (
    CallbackEvent,
    ContactAttempt,
    Outcome,
    RiskAssessment,
    Status,
)
from enquiries.models import Enquiry
from enquiries.services import enquiry_anonymise
from tests.clinicians.factories import CallbackFactory, ClinicianFactory
from tests.enquiries.factories import EnquiryFactory

pytestmark = pytest.mark.django_db
Result = ContactAttempt.Result


@pytest.fixture
def clinician():
    return ClinicianFactory()


@pytest.fixture
def callback(clinician):
    return CallbackFactory(
        assigned_to=clinician, enquiry=EnquiryFactory(voicemail_ok=False)
    )


def _try(callback, clinician, result, **kwargs):
    return services.attempt_log(
        callback=callback, by=clinician.user, channel="phone", result=result, **kwargs
    )


def test_reaching_the_person_marks_it_contacted_and_records_first_contact(
    callback, clinician
):
    _try(callback, clinician, Result.REACHED)

    callback.refresh_from_db()
    assert callback.status == Status.CONTACTED
    assert callback.first_contact_at is not None


def test_a_failed_try_marks_it_attempted_and_the_third_closes_it_unreachable(
    callback, clinician
):
    _try(callback, clinician, Result.NO_ANSWER)
    callback.refresh_from_db()
    assert callback.status == Status.ATTEMPTED

    _try(callback, clinician, Result.WRONG_NUMBER)
    _try(callback, clinician, Result.NO_ANSWER)

    callback.refresh_from_db()
    assert (callback.status, callback.outcome) == (
        Status.CLOSED,
        Outcome.UNABLE_TO_REACH,
    )
    assert Enquiry.objects.get().closed_at == callback.closed_at  # retention starts
    assert callback.events.last().detail == (
        "3 tries without reaching them; no message may be left"
    )


def test_the_number_of_tries_comes_from_settings(callback, clinician, settings):
    settings.CALLBACK_MAX_ATTEMPTS = 1

    _try(callback, clinician, Result.NO_ANSWER)

    callback.refresh_from_db()
    assert callback.status == Status.CLOSED


def test_a_message_is_refused_when_the_person_said_no_messages(callback, clinician):
    with pytest.raises(ValidationError, match="asked us not to leave a voicemail"):
        _try(callback, clinician, Result.VOICEMAIL)
    with pytest.raises(ValidationError, match="asked us not to leave a voicemail"):
        _try(callback, clinician, Result.NO_ANSWER, message_left=True)

    assert not callback.attempts.exists()


def test_a_message_is_allowed_when_the_person_said_yes(clinician):
    callback = CallbackFactory(assigned_to=clinician)  # factory default: voicemail ok

    attempt = _try(callback, clinician, Result.VOICEMAIL)

    assert attempt.message_left


def test_every_transition_is_recorded_with_who_and_when(callback, clinician):
    services.callback_start(callback=callback, by=clinician.user)
    _try(callback, clinician, Result.REACHED)
    services.callback_close(
        callback=callback, outcome=Outcome.ADVICE_GIVEN, by=clinician.user
    )

    events = CallbackEvent.objects.filter(callback=callback).order_by("pk")
    assert [(e.from_status, e.to_status, e.by) for e in events] == [
        (Status.ASSIGNED, Status.IN_PROGRESS, clinician.user),
        (Status.IN_PROGRESS, Status.CONTACTED, clinician.user),
        (Status.CONTACTED, Status.CLOSED, clinician.user),
    ]
    assert all(event.at for event in events)


def test_illegal_transitions_are_refused_with_a_clear_message(callback, clinician):
    services.callback_close(callback=callback, outcome=Outcome.NOT_WANTED)

    with pytest.raises(IllegalTransition, match="closed cannot become in progress"):
        services.callback_start(callback=callback, by=clinician.user)
    with pytest.raises(IllegalTransition, match="closed cannot become attempted"):
        _try(callback, clinician, Result.NO_ANSWER)


def test_closing_needs_an_outcome(callback):
    with pytest.raises(ValidationError, match="Choose an outcome"):
        services.callback_close(callback=callback, outcome="")


def test_scheduling_the_next_try_must_be_in_the_future(callback, clinician):
    with pytest.raises(ValidationError, match="in the future"):
        services.callback_schedule_next_attempt(
            callback=callback,
            at=timezone.now() - timedelta(minutes=1),
            by=clinician.user,
        )
    at = timezone.now() + timedelta(hours=2)

    services.callback_schedule_next_attempt(callback=callback, at=at, by=clinician.user)

    callback.refresh_from_db()
    assert callback.next_attempt_at == at


def test_the_risk_panel_is_recorded_and_encrypted(callback, clinician):
    from django.db import connection

    services.risk_record(
        callback=callback, by=clinician.user, overdose_risk="yes", injecting="declined"
    )

    risk = callback.risk
    assert (risk.overdose_risk, risk.injecting, risk.self_harm) == (
        "yes", "declined", "not_asked",
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("SELECT overdose_risk, injecting FROM clinicians_riskassessment")
        raw = cursor.fetchone()
    assert all(value.startswith("gAAAAA") for value in raw)  # Fernet tokens
    assert "yes" not in raw and "declined" not in " ".join(raw)


def test_erasing_an_enquiry_erases_the_notes_and_risk_panel(callback, clinician):
    _try(callback, clinician, Result.NO_ANSWER, note="Her partner answered")
    services.risk_record(callback=callback, by=clinician.user, self_harm="yes")

    enquiry_anonymise(enquiry=callback.enquiry, action="erased")

    assert ContactAttempt.objects.get().note == ""
    assert not RiskAssessment.objects.filter(callback=callback).exists()
