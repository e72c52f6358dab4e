"""The callback queue in the admin: who sees what, the queue's views, the callback
page's actions, and the access log."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from clinicians.models import Callback, ContactAttempt, Status, Urgency
from clinicians.staff_groups import CLINICIAN, EDITOR, LEAD
from enquiries.models import AuditEvent
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
        due_at=now - timedelta(minutes=45, seconds=30),
        enquiry=EnquiryFactory(name="Marigold", message="About heroin"),
    )
    ContactAttempt.objects.create(
        callback=late, by=me.user, channel="phone", result="no_answer"
    )
    CallbackFactory(
        assigned_to=me, due_at=now + timedelta(hours=3, minutes=30, seconds=30)
    )

    text = client.get(QUEUE).text

    assert "3h 30m left" in text
    assert "Overdue by 0h 45m" in text
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
