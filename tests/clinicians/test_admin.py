"""The callback queue in the admin: who sees what, the queue's views, the callback
page's actions, and the access log."""

from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from clinicians.models import Callback, ContactAttempt, Referral, Status, Urgency
from clinicians.staff_groups import CLINICIAN, EDITOR, LEAD
from enquiries.models import AuditEvent
from tests.clinicians.conftest import LONDON
from tests.clinicians.factories import CallbackFactory, ClinicianFactory
from tests.enquiries.factories import PHONE, EnquiryFactory

pytestmark = pytest.mark.django_db
QUEUE = "/admin/clinicians/callback/"


def _staff(client, group_name: str, *, clinician=True):
    """Log in a member of `group_name`, with a clinician profile if they work calls."""
    profile = ClinicianFactory(user__username=group_name.lower().replace(" ", "-"))
    user = profile.user
    if not clinician:
        profile.delete()
    user.groups.add(Group.objects.get(name=group_name))
    client.force_login(user)
    return profile if clinician else user


def _page(callback: Callback) -> str:
    return f"{QUEUE}{callback.pk}/change/"


# --- the queue ------------------------------------------------------------------


def test_the_queue_opens_on_my_open_callbacks_most_urgent_first(client):
    me = _staff(client, CLINICIAN)
    later = CallbackFactory(assigned_to=me, due_at=timezone.now() + timedelta(hours=1))
    urgent = CallbackFactory(
        assigned_to=me,
        urgency=Urgency.URGENT,
        due_at=timezone.now() + timedelta(hours=3),
    )
    sooner = CallbackFactory(
        assigned_to=me, due_at=timezone.now() + timedelta(minutes=5)
    )
    CallbackFactory(assigned_to=ClinicianFactory())  # a colleague's
    CallbackFactory(assigned_to=me, closed=True)

    response = client.get(QUEUE)

    assert list(response.context["cl"].result_list) == [urgent, sooner, later]


@pytest.mark.parametrize(
    ("queue", "expected"),
    [
        ("open", {"mine", "colleagues", "unassigned", "urgent", "overdue"}),
        ("unassigned", {"unassigned"}),
        ("urgent", {"urgent"}),
        ("overdue", {"overdue"}),
        ("closed", {"closed"}),
    ],
)
def test_the_queue_filters(client, queue, expected):
    me = _staff(client, CLINICIAN)
    now = timezone.now()
    made = {
        "mine": CallbackFactory(assigned_to=me),
        "colleagues": CallbackFactory(assigned_to=ClinicianFactory()),
        "unassigned": CallbackFactory(),
        "urgent": CallbackFactory(assigned_to=me, urgency=Urgency.URGENT),
        "overdue": CallbackFactory(assigned_to=me, due_at=now - timedelta(minutes=1)),
        "closed": CallbackFactory(assigned_to=me, closed=True),
    }
    names = {callback.pk: name for name, callback in made.items()}

    listed = client.get(QUEUE, {"queue": queue}).context["cl"].result_list

    assert {names[callback.pk] for callback in listed} == expected


def test_the_queue_shows_time_left_attempts_and_no_personal_data(client):
    me = _staff(client, CLINICIAN)
    now = timezone.now()
    late = CallbackFactory(
        assigned_to=me,
        due_at=now - timedelta(minutes=45, seconds=10),
        enquiry=EnquiryFactory(name="Marigold", message="About heroin"),
    )
    ContactAttempt.objects.create(
        callback=late, by=me.user, channel="phone", result="no_answer"
    )
    CallbackFactory(
        assigned_to=me, due_at=now + timedelta(hours=3, minutes=30, seconds=30)
    )

    text = client.get(QUEUE).text

    assert "3 hours 30 minutes left" in text
    assert "Overdue by 45 minutes" in text
    assert "under a minute" in text  # their age: just opened
    assert late.enquiry.reference in text
    for secret in ("Marigold", "heroin", PHONE):
        assert secret not in text


def test_search_finds_by_reference_only(client):
    _staff(client, LEAD)
    callback = CallbackFactory(enquiry=EnquiryFactory(name="Marigold"))

    by_reference = client.get(QUEUE, {"q": callback.enquiry.reference, "queue": "open"})
    by_name = client.get(QUEUE, {"q": "Marigold", "queue": "open"})

    assert list(by_reference.context["cl"].result_list) == [callback]
    assert list(by_name.context["cl"].result_list) == []


# --- who opens what -------------------------------------------------------------


def test_the_assignee_opens_the_details_and_the_opening_is_recorded(client):
    me = _staff(client, CLINICIAN)
    callback = CallbackFactory(
        assigned_to=me, enquiry=EnquiryFactory(name="Marigold", voicemail_ok=False)
    )

    text = client.get(_page(callback)).text

    assert "Marigold" in text and PHONE in text
    assert "Do NOT leave a voicemail or a message." in text
    event = AuditEvent.objects.get()
    assert (event.enquiry, event.action, event.actor) == (
        callback.enquiry, AuditEvent.Action.VIEWED, me.user,
    )  # fmt: skip


def test_a_clinician_cannot_open_a_colleagues_callback_even_through_history(client):
    _staff(client, CLINICIAN)
    colleague = ClinicianFactory()
    theirs = CallbackFactory(assigned_to=colleague)

    assert client.get(_page(theirs)).status_code == 403
    # Nor take it over to read it: claiming needs it unassigned (or a lead).
    assert client.post(f"{QUEUE}{theirs.pk}/claim/").status_code == 403
    theirs.refresh_from_db()
    assert theirs.assigned_to == colleague
    assert client.get(f"{QUEUE}{theirs.pk}/history/").status_code == 403
    assert client.post(f"{QUEUE}{theirs.pk}/attempt/", {}).status_code == 403
    assert not AuditEvent.objects.exists()


def test_anyone_in_the_team_may_open_an_unassigned_callback(client):
    _staff(client, CLINICIAN)

    assert client.get(_page(CallbackFactory())).status_code == 200


def test_a_lead_opens_any_callback(client):
    _staff(client, LEAD)

    assert (
        client.get(_page(CallbackFactory(assigned_to=ClinicianFactory()))).status_code
        == 200
    )


def test_an_editor_sees_no_callbacks_or_clinicians_anywhere(client):
    _staff(client, EDITOR, clinician=False)
    callback = CallbackFactory()

    for path in (
        QUEUE,
        f"{QUEUE}?q={callback.enquiry.reference}",
        _page(callback),
        f"{QUEUE}{callback.pk}/history/",
        "/admin/clinicians/clinician/",
        "/admin/autocomplete/?app_label=clinicians&model_name=clinician&field_name=user",
    ):
        assert client.get(path).status_code == 403, path
    assert "/admin/clinicians/" not in client.get("/admin/").text


def test_a_clinician_can_see_but_not_change_the_rota(client):
    _staff(client, CLINICIAN)
    other = ClinicianFactory()

    assert client.get("/admin/clinicians/clinician/").status_code == 200
    response = client.post(
        f"/admin/clinicians/clinician/{other.pk}/change/", {"display_name": "X"}
    )
    assert response.status_code == 403


def test_nobody_adds_or_deletes_callbacks(client):
    _staff(client, LEAD)
    callback = CallbackFactory()

    assert client.get(f"{QUEUE}add/").status_code == 403
    assert client.get(f"{QUEUE}{callback.pk}/delete/").status_code == 403


# --- one-click actions ----------------------------------------------------------


def test_a_clinician_claims_logs_a_failed_try_reschedules_and_closes(client):
    me = _staff(client, CLINICIAN)
    callback = CallbackFactory()
    page = _page(callback)

    client.post(f"{QUEUE}{callback.pk}/claim/")
    client.post(
        f"{QUEUE}{callback.pk}/attempt/", {"channel": "phone", "result": "no_answer"}
    )
    at = timezone.localtime() + timedelta(hours=2)
    client.post(
        f"{QUEUE}{callback.pk}/schedule/", {"at": at.strftime("%Y-%m-%dT%H:%M")}
    )
    client.post(
        f"{QUEUE}{callback.pk}/attempt/", {"channel": "phone", "result": "reached"}
    )
    response = client.post(f"{QUEUE}{callback.pk}/close/", {"outcome": "advice_given"})

    assert response.status_code == 302 and response.url == page
    callback.refresh_from_db()
    assert callback.assigned_to == me
    assert (callback.status, callback.outcome) == (Status.CLOSED, "advice_given")
    assert callback.attempts.count() == 2
    assert [e.to_status for e in callback.events.order_by("pk")] == [
        Status.ASSIGNED, Status.ATTEMPTED, Status.CONTACTED, Status.CLOSED,
    ]  # fmt: skip


def test_a_refused_action_says_why(client):
    me = _staff(client, CLINICIAN)
    callback = CallbackFactory(
        assigned_to=me, enquiry=EnquiryFactory(voicemail_ok=False)
    )

    response = client.post(
        f"{QUEUE}{callback.pk}/attempt/",
        {"channel": "phone", "result": "voicemail"},
        follow=True,
    )

    assert "asked us not to leave a voicemail" in response.text
    assert not callback.attempts.exists()
    missing = client.post(f"{QUEUE}{callback.pk}/close/", {}, follow=True)
    assert "Choose an outcome to close the callback." in missing.text


def test_only_a_lead_reassigns(client):
    _staff(client, CLINICIAN)
    other = ClinicianFactory()
    mine = CallbackFactory(assigned_to=ClinicianFactory())

    assert (
        client.post(f"{QUEUE}{mine.pk}/reassign/", {"clinician": other.pk}).status_code
        == 403
    )


def test_a_lead_reassigns(client):
    _staff(client, LEAD)
    other = ClinicianFactory()
    callback = CallbackFactory(assigned_to=ClinicianFactory())

    client.post(f"{QUEUE}{callback.pk}/reassign/", {"clinician": other.pk})

    callback.refresh_from_db()
    assert callback.assigned_to == other


def test_the_risk_panel_is_saved_from_the_callback_page(client):
    me = _staff(client, CLINICIAN)
    callback = CallbackFactory(assigned_to=me)
    answers = dict.fromkeys(
        ["overdose_risk", "injecting", "blood_borne_viruses", "self_harm",
         "harm_to_others", "children_or_dependants"], "not_asked",
    ) | {"overdose_risk": "yes"}  # fmt: skip

    client.post(f"{QUEUE}{callback.pk}/risk/", answers)

    assert callback.risk.overdose_risk == "yes"


# --- the access log -------------------------------------------------------------


def test_access_log_lists_who_opened_an_enquiry_and_when(client, capsys):
    me = _staff(client, CLINICIAN)
    callback = CallbackFactory(assigned_to=me)
    client.get(_page(callback))

    call_command("access_log", callback.enquiry.reference)

    out = capsys.readouterr().out
    assert f"Access log for {callback.enquiry.reference}" in out
    assert me.user.username in out and "Viewed details" in out


def test_a_lead_sees_the_access_log_in_the_admin(client):
    _staff(client, LEAD)
    callback = CallbackFactory()
    client.get(_page(callback))

    text = client.get("/admin/enquiries/auditevent/").text

    assert callback.enquiry.reference in text


def test_a_lead_adds_a_clinician_to_the_rota(client):
    from clinicians.models import Clinician, Shift
    from tests.clinicians.factories import UserFactory

    _staff(client, LEAD)
    newcomer = UserFactory(username="new-nurse")

    form = client.get("/admin/clinicians/clinician/add/").text
    assert f'<option value="{newcomer.pk}">new-nurse</option>' in form  # choosable
    response = client.post(
        "/admin/clinicians/clinician/add/",
        {
            "user": newcomer.pk, "display_name": "New Nurse",
            "registration_body": "NMC", "registration_number": "00A0000A",
            "max_open_callbacks": "8", "is_active": "on",
            "shifts-TOTAL_FORMS": "1", "shifts-INITIAL_FORMS": "0",
            "shifts-MIN_NUM_FORMS": "0", "shifts-MAX_NUM_FORMS": "1000",
            "shifts-0-weekday": "0", "shifts-0-starts": "09:00",
            "shifts-0-ends": "17:00",
            "duty_changes-TOTAL_FORMS": "0", "duty_changes-INITIAL_FORMS": "0",
            "duty_changes-MIN_NUM_FORMS": "0", "duty_changes-MAX_NUM_FORMS": "1000",
        },
    )  # fmt: skip

    assert response.status_code == 302
    clinician = Clinician.objects.get(user=newcomer)
    assert Shift.objects.get(clinician=clinician).weekday == 0


# --- urgency you can see ----------------------------------------------------------


def test_the_queue_shows_the_band_by_colour_and_by_icon_and_word(client):
    me = _staff(client, CLINICIAN)
    CallbackFactory(assigned_to=me, urgency=Urgency.URGENT)

    text = client.get(QUEUE).text

    assert (
        '<span class="band band-urgent"><span aria-hidden="true">▲</span> Urgent</span>'
        in text
    )
    assert "clinicians/callbacks.css" in text  # where the colours come from


def test_an_unassigned_urgent_callback_is_in_every_clinicians_default_queue(client):
    me = _staff(client, CLINICIAN)
    mine = CallbackFactory(assigned_to=me)
    unheld_urgent = CallbackFactory(urgency=Urgency.URGENT)
    CallbackFactory()  # unassigned, routine: in "Unassigned", not the default
    CallbackFactory(assigned_to=ClinicianFactory(), urgency=Urgency.URGENT)  # held

    listed = client.get(QUEUE).context["cl"].result_list

    assert list(listed) == [unheld_urgent, mine]


def test_a_leads_default_queue_is_what_needs_a_lead(client):
    me = _staff(client, LEAD)
    now = timezone.now()
    colleague = ClinicianFactory()
    made = {
        "mine": CallbackFactory(assigned_to=me),
        "unassigned": CallbackFactory(),
        "overdue": CallbackFactory(
            assigned_to=colleague, due_at=now - timedelta(minutes=5)
        ),
        "signoff": CallbackFactory(
            assigned_to=colleague, urgency=Urgency.URGENT, status=Status.ATTEMPTED,
            signoff_requested_at=now,
        ),
        "in hand": CallbackFactory(assigned_to=colleague),
        "not told": CallbackFactory(
            assigned_to=colleague, assignee_notify_failures=3
        ),
    }  # fmt: skip
    names = {callback.pk: name for name, callback in made.items()}

    response = client.get(QUEUE)

    listed = {names[c.pk] for c in response.context["cl"].result_list}
    assert listed == {"mine", "unassigned", "overdue", "signoff", "not told"}
    assert "Needs a lead" in response.text


def test_a_callback_whose_assignee_was_never_told_is_flagged_until_they_are(client):
    _staff(client, LEAD)
    untold = CallbackFactory(
        assigned_to=ClinicianFactory(),
        assignee_notify_failures=3,
        assignee_notify_failed_at=timezone.now(),
    )

    queue = client.get(QUEUE, {"queue": "unnotified"})
    page = client.get(_page(untold))

    assert [c.pk for c in queue.context["cl"].result_list] == [untold.pk]
    assert "not told: e-mail refused 3 times" in queue.text
    assert "may not know this callback is theirs" in page.text
    Callback.objects.filter(pk=untold.pk).update(assignee_notified_at=timezone.now())
    assert "may not know" not in client.get(_page(untold)).text
    assert not client.get(QUEUE, {"queue": "unnotified"}).context["cl"].result_list


def test_out_of_hours_the_countdown_says_when_calls_can_start(client, time_machine):
    from clinicians import services

    time_machine.move_to(datetime(2026, 12, 1, 21, tzinfo=LONDON), tick=False)
    me = _staff(client, CLINICIAN)
    callback = services.callback_open(enquiry_id=EnquiryFactory(danger="overdose").pk)
    callback.refresh_from_db()
    assert callback.assigned_to == me

    text = client.get(QUEUE).text

    assert "13 hours left: nobody can call before 09:00 on Wed 2 Dec," in text
    assert "due 10:00 on Wed 2 Dec" in text


def test_the_reason_for_the_band_is_at_the_top_of_the_callback_page(client):
    me = _staff(client, CLINICIAN)
    callback = CallbackFactory(
        assigned_to=me,
        urgency=Urgency.URGENT,
        enquiry=EnquiryFactory(danger="overdose"),
    )

    text = client.get(_page(callback)).text

    banner = text[text.index('id="band-reason"') :]
    assert banner.index("may have taken too much") < banner.index("Before you call")


def test_a_clinician_changes_the_band_by_hand_with_a_reason_in_the_history(client):
    me = _staff(client, CLINICIAN)
    callback = CallbackFactory(assigned_to=me)

    response = client.post(
        f"{QUEUE}{callback.pk}/band/",
        {"urgency": "urgent", "reason": "Said on the phone he has stopped eating."},
    )

    assert response.status_code == 302
    callback.refresh_from_db()
    assert callback.urgency == Urgency.URGENT
    event = callback.events.last()
    assert (event.by, event.detail, event.note) == (
        me.user, "band changed from routine to urgent",
        "Said on the phone he has stopped eating.",
    )  # fmt: skip
    page = client.get(_page(callback)).text
    assert "Set to urgent by hand by" in page
    assert "Said on the phone he has stopped eating." in page


def test_a_band_change_without_a_reason_is_refused_beside_the_field(client):
    me = _staff(client, CLINICIAN)
    callback = CallbackFactory(assigned_to=me)

    response = client.post(f"{QUEUE}{callback.pk}/band/", {"urgency": "urgent"})

    assert response.status_code == 200  # the page again, with the error
    text = response.text
    assert "There is a problem: Why: Say why the band should change." in text
    form = text[text.index('id="band"') :]
    assert "Say why the band should change." in form[: form.index("</form>")]
    assert '<option value="urgent" selected>' in form  # what they chose is kept
    callback.refresh_from_db()
    assert callback.urgency == Urgency.ROUTINE
    assert not callback.events.filter(kind="band").exists()


# --- the whole record, open or closed -------------------------------------------


def _closed_referred_callback(clinician):
    from clinicians import services
    from clinicians.models import Provider

    callback = CallbackFactory(assigned_to=clinician)
    user = clinician.user
    services.attempt_log(
        callback=callback, by=user, channel="phone", result="no_answer",
        note="Rang twice; a man answered, asked for Alex only.",
    )  # fmt: skip
    services.attempt_log(callback=callback, by=user, channel="phone", result="reached")
    services.risk_record(callback=callback, by=user, overdose_risk="yes")
    provider = Provider.objects.create(
        name="Example Detox Unit", kind="detox", regulator="CQC",
        registration_id="1-000000009", region="Leeds", cost_band="free",
        last_verified_on=timezone.localdate(),
    )  # fmt: skip
    services.callback_refer(
        callback=callback, provider=provider, funding_route="nhs",
        follow_up_on=timezone.localdate() + timedelta(days=7), by=user,
    )  # fmt: skip
    return callback


@pytest.mark.parametrize("who", [CLINICIAN, LEAD])
def test_a_closed_callback_shows_its_whole_record(client, who):
    assignee = _staff(client, CLINICIAN) if who == CLINICIAN else ClinicianFactory()
    if who == LEAD:
        _staff(client, LEAD)
    callback = _closed_referred_callback(assignee)

    response = client.get(_page(callback))

    assert response.status_code == 200
    record = response.text[response.text.index('id="callback-record"') :]
    for seen in (
        "Contact attempts", "No answer", "Spoke to the person",
        "Rang twice; a man answered, asked for Alex only.", assignee.display_name,
        "History", "Attempted to contacted", "referred to Example Detox Unit",
        "Risk panel", "Overdose risk",
        "Referral", "Example Detox Unit (Detox)", "Care Quality Commission",
        Referral.NO_COMMISSION,
    ):  # fmt: skip
        assert seen in record, seen
    event = AuditEvent.objects.filter(action="viewed").last()
    assert event.enquiry == callback.enquiry  # opening it is still recorded


def test_a_closed_callback_offers_only_its_follow_up(client):
    me = _staff(client, CLINICIAN)
    callback = _closed_referred_callback(me)

    text = client.get(_page(callback)).text

    assert "Record the follow-up" in text
    for button in (
        "Log attempt",
        "Refer and close",
        "Close callback",
        "Change the band",
    ):
        assert button not in text


# --- the lead's sign-off, on the page -----------------------------------------------


def test_only_a_lead_is_offered_the_sign_off_and_it_closes_with_their_reason(client):
    clinician = ClinicianFactory()
    callback = CallbackFactory(
        assigned_to=clinician, urgency=Urgency.URGENT, status=Status.ATTEMPTED,
        signoff_requested_at=timezone.now(),
    )  # fmt: skip
    client.force_login(clinician.user)
    clinician.user.groups.add(Group.objects.get(name=CLINICIAN))
    assert "Lead's sign-off" not in client.get(_page(callback)).text
    assert client.post(f"{QUEUE}{callback.pk}/signoff/", {}).status_code == 403

    lead = _staff(client, LEAD)
    assert "Awaiting a lead's sign-off" in client.get(_page(callback)).text
    client.post(
        f"{QUEUE}{callback.pk}/signoff/",
        {"decision": "close", "reason": "Tried for two days; safeguarding informed."},
    )

    callback.refresh_from_db()
    assert (callback.status, callback.outcome) == (Status.CLOSED, "unable_to_reach")
    assert callback.events.last().by == lead.user


def test_claim_is_offered_only_for_a_callback_not_yet_theirs(client):
    me = _staff(client, CLINICIAN)
    unheld, mine = CallbackFactory(), CallbackFactory(assigned_to=me)

    assert "Claim this callback" in client.get(_page(unheld)).text
    assert "Claim this callback" not in client.get(_page(mine)).text


def test_a_closed_callback_no_longer_says_when_calls_can_start(client, time_machine):
    time_machine.move_to(datetime(2026, 12, 1, 21, tzinfo=LONDON), tick=False)
    me = _staff(client, CLINICIAN)
    callback = CallbackFactory(
        assigned_to=me, urgency=Urgency.URGENT,
        clock_starts_at=timezone.now() + timedelta(hours=12),
    )  # fmt: skip
    assert "Nobody can call before" in client.get(_page(callback)).text

    Callback.objects.filter(pk=callback.pk).update(
        status=Status.CLOSED, outcome="advice_given", closed_at=timezone.now()
    )

    assert "Nobody can call before" not in client.get(_page(callback)).text


# --- the staff login's HTML ---------------------------------------------------------


def test_the_two_step_login_forms_have_no_empty_action(client, settings):
    """The HTML checker rejects action="": a form without one sends to the page's
    own address, which is what the login needs, for both its steps."""
    settings.ADMIN_REQUIRE_OTP = True
    user = ClinicianFactory(user__username="nurse").user
    user.totpdevice_set.create(name="default", confirmed=True)
    login = "/admin/account/login/?next=/admin/"

    password_step = client.get(login).text
    code_step = client.post(
        login,
        {
            "login_view-current_step": "auth",
            "auth-username": "nurse",
            "auth-password": "correct-horse-battery",
        },
    ).text

    assert 'name="auth-password"' in password_step
    assert 'name="token-otp_token"' in code_step
    for page in (password_step, code_step):
        assert 'action=""' not in page
        assert "<form" in page
