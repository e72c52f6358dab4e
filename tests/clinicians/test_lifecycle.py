"""A callback's life: attempts, the risk panel, closing, and the transitions allowed."""

from datetime import datetime, timedelta

import pytest
from django.core import mail
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
    Urgency,
)
from enquiries.models import Enquiry
from enquiries.services import enquiry_anonymise
from tests.clinicians.conftest import LONDON
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


def _at(hour: int, minutes: int = 0):
    """Wednesday 2 December 2026 at `hour`, plus `minutes` (which may pass 59)."""
    return datetime(2026, 12, 2, hour, tzinfo=LONDON) + timedelta(minutes=minutes)


def test_a_failed_try_marks_it_attempted_and_the_third_spaced_one_closes_it(
    callback, clinician, time_machine
):
    # Routine: tries count when they fall in different parts of the day.
    _try(callback, clinician, Result.NO_ANSWER)  # Wednesday morning
    callback.refresh_from_db()
    assert callback.status == Status.ATTEMPTED

    time_machine.move_to(_at(13), tick=False)
    _try(callback, clinician, Result.WRONG_NUMBER)  # afternoon
    time_machine.move_to(_at(18), tick=False)
    _try(callback, clinician, Result.NO_ANSWER)  # evening

    callback.refresh_from_db()
    assert (callback.status, callback.outcome) == (
        Status.CLOSED,
        Outcome.UNABLE_TO_REACH,
    )
    assert Enquiry.objects.get().closed_at == callback.closed_at  # retention starts
    assert callback.events.last().detail == (
        "3 spaced tries without reaching them; no message may be left"
    )


def test_three_no_answers_in_one_morning_count_as_one_try(callback, clinician):
    for _ in range(3):
        _try(callback, clinician, Result.NO_ANSWER)

    callback.refresh_from_db()
    assert callback.status == Status.ATTEMPTED  # still open: keep trying
    assert services.counted_tries(callback) == 1
    assert callback.events.last().detail == (
        "No answer: not counted, tries count only in another part of the day"
        " (morning, afternoon, evening) or day"
    )


def test_three_quick_no_answers_never_close_an_urgent_overdose(clinician):
    """Seen in testing: three tries logged within seconds closed an urgent overdose
    case as unable to reach."""
    callback = CallbackFactory(
        assigned_to=clinician,
        urgency=Urgency.URGENT,
        enquiry=EnquiryFactory(danger="overdose"),
    )

    for _ in range(3):
        _try(callback, clinician, Result.NO_ANSWER)

    callback.refresh_from_db()
    assert callback.status == Status.ATTEMPTED
    assert services.counted_tries(callback) == 1


def test_urgent_tries_count_30_minutes_apart_and_soon_60(clinician, time_machine):
    urgent = CallbackFactory(assigned_to=clinician, urgency=Urgency.URGENT)
    soon = CallbackFactory(assigned_to=clinician, urgency=Urgency.SOON)
    for minutes in (0, 29, 31, 61):
        time_machine.move_to(_at(10, minutes), tick=False)
        _try(urgent, clinician, Result.NO_ANSWER)
        _try(soon, clinician, Result.NO_ANSWER)

    # Urgent counts 10:00, 10:31 and 11:01; soon counts 10:00 and 11:01.
    assert [a.counts for a in urgent.attempts.order_by("at")] == [
        True, False, True, True,
    ]  # fmt: skip
    assert services.counted_tries(soon) == 2


def test_the_spacing_comes_from_settings(clinician, settings, time_machine):
    settings.CALLBACK_ATTEMPT_SPACING_MINUTES = {"urgent": 5}
    callback = CallbackFactory(assigned_to=clinician, urgency=Urgency.URGENT)
    _try(callback, clinician, Result.NO_ANSWER)
    time_machine.move_to(_at(10, 6), tick=False)
    _try(callback, clinician, Result.NO_ANSWER)

    assert services.counted_tries(callback) == 2


def _run_out_of_tries(callback, clinician, time_machine):
    for minutes in (0, 30, 60):
        time_machine.move_to(_at(10, minutes), tick=False)
        _try(callback, clinician, Result.NO_ANSWER)
    callback.refresh_from_db()


def test_an_urgent_callback_out_of_tries_waits_for_a_leads_sign_off(
    clinician, lead, time_machine
):
    callback = CallbackFactory(assigned_to=clinician, urgency=Urgency.URGENT)

    _run_out_of_tries(callback, clinician, time_machine)

    assert callback.status == Status.ATTEMPTED  # still open
    assert callback.signoff_requested_at is not None
    assert callback.events.last().detail == (
        "3 spaced tries without reaching them: urgent, so a lead must sign off"
        " before it closes as unable to reach"
    )
    assert services.leads_digest_send() == 1
    [email] = mail.outbox
    assert "Needs a lead's sign-off (1)" in email.body
    with pytest.raises(ValidationError, match="only when a lead signs it off"):
        services.callback_close(
            callback=callback, outcome=Outcome.UNABLE_TO_REACH, by=clinician.user
        )
    with pytest.raises(ValidationError, match="Only a lead clinician"):
        services.callback_signoff(callback=callback, by=clinician.user, reason="x")


def test_a_lead_signs_off_closing_it_and_the_history_says_who_and_why(
    clinician, lead, time_machine
):
    callback = CallbackFactory(assigned_to=clinician, urgency=Urgency.URGENT)
    _run_out_of_tries(callback, clinician, time_machine)

    with pytest.raises(ValidationError, match="Say why"):
        services.callback_signoff(callback=callback, by=lead, reason="  ")
    services.callback_signoff(
        callback=callback, by=lead, reason="Number unobtainable; GP informed."
    )

    callback.refresh_from_db()
    assert (callback.status, callback.outcome) == (
        Status.CLOSED, Outcome.UNABLE_TO_REACH,
    )  # fmt: skip
    event = callback.events.last()
    assert (event.kind, event.by, event.note) == (
        CallbackEvent.Kind.SIGNOFF, lead, "Number unobtainable; GP informed.",
    )  # fmt: skip


def test_a_lead_can_send_it_back_for_more_tries(clinician, lead, time_machine):
    callback = CallbackFactory(assigned_to=clinician, urgency=Urgency.URGENT)
    _run_out_of_tries(callback, clinician, time_machine)

    services.callback_signoff(
        callback=callback, by=lead, reason="Try the evening too.", close_it=False
    )

    callback.refresh_from_db()
    assert callback.status == Status.ATTEMPTED
    assert callback.signoff_requested_at is None
    assert callback.events.last().detail == "a lead asked for more tries"
    time_machine.move_to(_at(11, 30), tick=False)
    _try(callback, clinician, Result.NO_ANSWER)  # a fourth counted try asks again
    callback.refresh_from_db()
    assert callback.signoff_requested_at is not None


def test_reaching_the_person_ends_the_wait_for_a_sign_off(clinician, time_machine):
    callback = CallbackFactory(assigned_to=clinician, urgency=Urgency.URGENT)
    _run_out_of_tries(callback, clinician, time_machine)

    _try(callback, clinician, Result.REACHED)

    callback.refresh_from_db()
    assert (callback.status, callback.signoff_requested_at) == (
        Status.CONTACTED, None,
    )  # fmt: skip


def test_closing_as_unable_to_reach_by_hand_needs_the_spaced_tries(callback, clinician):
    _try(callback, clinician, Result.NO_ANSWER)

    with pytest.raises(ValidationError, match="after 3 spaced tries; 1 so far"):
        services.callback_close(
            callback=callback, outcome=Outcome.UNABLE_TO_REACH, by=clinician.user
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
