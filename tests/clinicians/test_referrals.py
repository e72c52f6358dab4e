"""Referring to registered providers, and the lead's dashboard."""

import re
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils import timezone

from clinicians import services
from clinicians.models import Outcome, Provider, Referral, Status
from clinicians.selectors import dashboard, time_to_first_contact
from clinicians.staff_groups import CLINICIAN, LEAD
from tests.clinicians.factories import CallbackFactory, ClinicianFactory

pytestmark = pytest.mark.django_db
QUEUE = "/admin/clinicians/callback/"


def _provider(**changes) -> Provider:
    fields = {
        "name": "Example Recovery House",
        "kind": Provider.Kind.RESIDENTIAL,
        "regulator": Provider.Regulator.CQC,
        "registration_id": "1-000000001",
        "region": "Yorkshire and the Humber",
        "cost_band": Provider.CostBand.HIGH,
        "last_verified_on": timezone.localdate(),
    }
    return Provider.objects.create(**(fields | changes))


def _login(client, group_name):
    clinician = ClinicianFactory(user__username=group_name.lower().replace(" ", "-"))
    clinician.user.groups.add(Group.objects.get(name=group_name))
    client.force_login(clinician.user)
    return clinician


def test_a_provider_must_be_registered_unless_it_is_a_support_group():
    unregistered = Provider(
        name="No Number Clinic", kind=Provider.Kind.DETOX, region="London",
        cost_band="high", last_verified_on=timezone.localdate(),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="we refer only to registered services"):
        unregistered.full_clean()

    group = Provider(
        name="Tuesday mutual aid", kind=Provider.Kind.SUPPORT_GROUP, region="Leeds",
        cost_band="free", last_verified_on=timezone.localdate(),
    )  # fmt: skip
    group.full_clean()


def test_referring_closes_the_callback_and_records_where_and_how(client):
    me = _login(client, CLINICIAN)
    callback = CallbackFactory(assigned_to=me)
    provider = _provider()
    follow_up = timezone.localdate() + timedelta(days=14)

    response = client.post(
        f"{QUEUE}{callback.pk}/refer/",
        {"provider": provider.pk, "funding_route": "nhs",
         "follow_up_on": follow_up.isoformat()},
        follow=True,
    )  # fmt: skip

    assert "Referred to Example Recovery House" in response.text
    callback.refresh_from_db()
    assert (callback.status, callback.outcome) == (Status.CLOSED, Outcome.REFERRED)
    referral = Referral.objects.get()
    assert (referral.provider, referral.funding_route, referral.follow_up_on) == (
        provider, "nhs", follow_up,
    )  # fmt: skip
    assert referral.referred_by == me.user


def test_a_referral_needs_a_provider_and_a_follow_up_not_in_the_past(client):
    me = _login(client, CLINICIAN)
    callback = CallbackFactory(assigned_to=me)

    missing = client.post(f"{QUEUE}{callback.pk}/refer/", {}, follow=True)
    assert "Choose the provider you referred them to." in missing.text

    past = client.post(
        f"{QUEUE}{callback.pk}/refer/",
        {"provider": _provider().pk, "funding_route": "self_pay",
         "follow_up_on": "2020-01-01"},
        follow=True,
    )  # fmt: skip
    assert "Follow up on or after the referral date." in past.text
    callback.refresh_from_db()
    assert callback.status != Status.CLOSED
    assert not Referral.objects.exists()


def test_closing_as_referred_without_a_provider_is_refused():
    callback = CallbackFactory(assigned_to=ClinicianFactory())

    with pytest.raises(ValidationError, match="use Refer and choose a provider"):
        services.callback_close(callback=callback, outcome=Outcome.REFERRED)


def test_every_referral_record_says_no_commission_is_taken(client):
    _login(client, LEAD)
    me = ClinicianFactory()
    services.callback_refer(
        callback=CallbackFactory(assigned_to=me),
        provider=_provider(),
        funding_route="nhs",
        follow_up_on=timezone.localdate(),
        by=me.user,
    )

    text = client.get("/admin/clinicians/referral/").text

    assert Referral.NO_COMMISSION in text


def test_a_provider_not_verified_for_a_year_is_flagged(client):
    _login(client, LEAD)
    _provider(name="Checked Lately")
    _provider(name="Long Unchecked", last_verified_on=date(2024, 1, 1))

    stale = client.get("/admin/clinicians/provider/", {"verification": "stale"})

    assert [p.name for p in stale.context["cl"].result_list] == ["Long Unchecked"]


# --- the lead's dashboard -----------------------------------------------------------


def _reached_after(minutes: int, *, days_ago: int = 1):
    clinician = ClinicianFactory()
    callback = CallbackFactory(assigned_to=clinician)
    created = timezone.now() - timedelta(days=days_ago)
    type(callback).objects.filter(pk=callback.pk).update(
        created_at=created, first_contact_at=created + timedelta(minutes=minutes)
    )
    return callback


def test_time_to_first_contact_median_and_90th_percentile():
    for minutes in (10, 20, 30, 40, 50, 60, 70, 80, 90, 100):
        _reached_after(minutes)
    _reached_after(5, days_ago=20)  # outside the 7 days, inside the 30

    week = time_to_first_contact(since=timezone.now() - timedelta(days=7))
    month = time_to_first_contact(since=timezone.now() - timedelta(days=30))

    assert week["count"] == 10
    assert week["median"] == timedelta(minutes=50)
    assert week["p90"] == timedelta(minutes=90)
    assert month["count"] == 11


def test_the_dashboard_counts_open_and_overdue_per_clinician_and_outcomes_by_month(
    client,
):
    _login(client, LEAD)
    busy = ClinicianFactory(display_name="Busy")
    CallbackFactory(assigned_to=busy, due_at=timezone.now() - timedelta(minutes=1))
    CallbackFactory(assigned_to=busy)
    CallbackFactory(assigned_to=busy, closed=True)
    CallbackFactory()  # unassigned

    figures = dashboard(now=timezone.now())
    response = client.get(f"{QUEUE}dashboard/")

    rows = {
        c.display_name: (c.open_count, c.overdue_count)
        for c in figures["per_clinician"]
    }
    assert rows["Busy"] == (2, 1)
    assert (figures["overdue"], figures["unassigned"]) == (1, 1)
    assert [(r["outcome"], r["count"]) for r in figures["outcomes_by_month"]] == [
        ("Advice given", 1)
    ]
    assert response.status_code == 200
    assert 'id="overdue-count">1<' in response.text


def test_the_dashboard_gives_the_waits_in_words(client):
    _login(client, LEAD)
    for minutes in (32, 65):
        _reached_after(minutes)

    text = client.get(f"{QUEUE}dashboard/").text
    waits = text[text.index('id="first-contact"') :]
    waits = waits[: waits.index("</table>")]

    # Median and 90th percentile of two waits: the first, then the second.
    assert "<td>32 minutes</td>" in waits
    assert "<td>1 hour 5 minutes</td>" in waits
    assert not re.search(r"\d:\d\d:\d\d", waits)  # no "0:31:56.525107"


def test_the_dashboard_is_for_leads_only(client):
    _login(client, CLINICIAN)

    assert client.get(f"{QUEUE}dashboard/").status_code == 403


def test_a_clinician_sees_the_provider_directory_but_cannot_change_it(client):
    _login(client, CLINICIAN)
    provider = _provider()

    assert client.get("/admin/clinicians/provider/").status_code == 200
    assert (
        client.get(f"/admin/clinicians/provider/{provider.pk}/change/").status_code
        == 200
    )
    assert client.get("/admin/clinicians/provider/add/").status_code == 403
    changed = client.post(
        f"/admin/clinicians/provider/{provider.pk}/change/", {"name": "Renamed"}
    )
    assert changed.status_code == 403
    provider.refresh_from_db()
    assert provider.name == "Example Recovery House"


# --- the follow-up: checking the person got there ---------------------------------


def _referred(clinician, *, follow_up_in_days: int):
    return services.callback_refer(
        callback=CallbackFactory(assigned_to=clinician),
        provider=_provider(),
        funding_route="nhs",
        follow_up_on=timezone.localdate() + timedelta(days=follow_up_in_days),
        by=clinician.user,
    )


def test_the_assignee_is_reminded_once_on_the_follow_up_day(time_machine):
    from django.core import mail

    clinician = ClinicianFactory(user__email="nurse@example.org")
    referral = _referred(clinician, follow_up_in_days=7)
    mail.outbox.clear()

    assert services.referrals_remind_follow_up() == 0  # not yet
    time_machine.shift(timedelta(days=7))
    assert services.referrals_remind_follow_up() == 1
    assert services.referrals_remind_follow_up() == 0  # once

    [email] = mail.outbox
    assert email.to == ["nurse@example.org"]
    reference = referral.callback.enquiry.reference
    assert email.subject == f"Follow-up due: callback {reference}"
    assert "Alex Example" not in email.body and "Example Recovery" not in email.body


def test_follow_ups_due_are_a_queue_of_their_own(client, time_machine):
    me = _login(client, CLINICIAN)
    due = _referred(me, follow_up_in_days=1)
    _referred(me, follow_up_in_days=5)  # not due yet
    _referred(ClinicianFactory(), follow_up_in_days=1)  # a colleague's
    time_machine.shift(timedelta(days=1))
    client.force_login(me.user)  # a day later: the idle session has ended

    listed = client.get(QUEUE, {"queue": "follow_ups"}).context["cl"].result_list

    assert list(listed) == [due.callback]


def test_recording_the_follow_up_takes_it_off_the_queue_and_into_the_history(
    client, time_machine
):
    me = _login(client, CLINICIAN)
    referral = _referred(me, follow_up_in_days=0)
    callback = referral.callback

    response = client.post(
        f"{QUEUE}{callback.pk}/follow_up/",
        {"result": "started", "note": "Started detox on Monday; doing well."},
    )

    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.follow_up_result, referral.followed_up_by) == ("started", me.user)
    event = callback.events.last()
    assert (event.kind, event.detail, event.note) == (
        "follow_up", "followed up: they have started treatment",
        "Started detox on Monday; doing well.",
    )  # fmt: skip
    assert not client.get(QUEUE, {"queue": "follow_ups"}).context["cl"].result_list
    page = client.get(f"{QUEUE}{callback.pk}/change/").text
    assert "They have started treatment" in page
    assert "Record the follow-up" not in page  # done


def test_a_follow_up_after_the_data_is_deleted_is_refused(client, settings):
    settings.ENQUIRY_RETENTION_DAYS = 90
    me = _login(client, CLINICIAN)
    callback = CallbackFactory(assigned_to=me)
    too_late = timezone.localdate() + timedelta(days=91)

    response = client.post(
        f"{QUEUE}{callback.pk}/refer/",
        {"provider": _provider().pk, "funding_route": "nhs",
         "follow_up_on": too_late.isoformat()},
    )  # fmt: skip

    assert "after 90 days their details are deleted" in response.text
    assert not Referral.objects.exists()
