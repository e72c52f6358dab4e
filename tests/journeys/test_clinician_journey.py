"""Journey 2, the clinician's, in Debian's Chromium: signing in with a password and
a code from an authenticator app, as production asks; an urgent callback at the top
of the queue; a try logged, a referral made and the callback closed; the record
still readable afterwards. Then axe-core checks the admin pages a clinician and a
lead use against WCAG 2.2 AA."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.oath import totp

from clinicians import services
from clinicians.models import Callback, Provider, Urgency
from clinicians.staff_groups import CLINICIAN, LEAD, ensure_staff_groups
from tests.browser_support import violations
from tests.clinicians.factories import ClinicianFactory, UserFactory
from tests.enquiries.factories import PHONE, EnquiryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"  # the factories' password
QUEUE = "/admin/clinicians/callback/"
# What a timedelta looks like printed raw: "0:31:56.525107".
RAW_DURATION = re.compile(r"\b\d+:\d\d:\d\d")


@pytest.fixture
def nurse(audit_log_emptied_afterwards):
    ensure_staff_groups()  # a transactional test starts from an empty database
    nurse = ClinicianFactory(user__username="nurse", display_name="Nurse Example")
    nurse.user.groups.add(Group.objects.get(name=CLINICIAN))
    Provider.objects.create(
        name="Example Detox Unit", kind="detox", regulator="CQC",
        registration_id="1-000000009", region="Leeds", cost_band="free",
        last_verified_on=timezone.localdate(),
    )  # fmt: skip
    return nurse


def _form(page, button: str):
    """The form on the callback page that the button `button` sends."""
    return page.locator("form", has=page.get_by_role("button", name=button))


def _sign_in_with_a_code(page, live_server, user, device, shots) -> None:
    page.goto(f"{live_server.url}/admin/account/login/?next={QUEUE}")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Next").click()
    code = totp(device.bin_key, device.step, device.t0, device.digits)
    page.get_by_label("Token").fill(f"{code:06d}")
    shots.take(page, "code-from-the-app")
    page.get_by_role("button", name="Next").click()
    page.wait_for_url(f"**{QUEUE}")


def test_a_clinician_signs_in_with_a_code_and_takes_an_urgent_callback_to_a_referral(
    live_server, browser, nurse, settings, shots
):
    settings.ADMIN_REQUIRE_OTP = True  # as in production
    # two_factor asks for a code from the device named "default" only.
    device = nurse.user.totpdevice_set.create(name="default", confirmed=True)
    routine = services.callback_open(enquiry_id=EnquiryFactory().pk)
    enquiry = EnquiryFactory(
        danger="overdose",
        name="Robin Example",
        message="My brother took too many of his tablets an hour ago.",
    )
    urgent = services.callback_open(enquiry_id=enquiry.pk)
    assert urgent.assigned_to == routine.assigned_to == nurse
    page = browser.new_page()

    # The password alone is not enough: the admin sends her to the two-step login.
    page.goto(f"{live_server.url}{QUEUE}")
    assert "/admin/account/login/" in page.url
    _sign_in_with_a_code(page, live_server, nurse.user, device, shots)

    # The new urgent callback is at the top, urgent by colour, icon and word.
    top = page.locator("#result_list tbody tr").first
    assert enquiry.reference in top.inner_text()
    assert "▲ Urgent" in top.inner_text()
    assert "Routine" in page.locator("#result_list tbody tr").nth(1).inner_text()
    shots.take(page, "urgent-at-the-top")

    top.get_by_role("link", name=enquiry.reference).click()
    reason = page.locator("#band-reason").inner_text()
    assert "They said: someone may have taken too much" in reason
    shots.take(page, "the-callback")

    page.get_by_role("button", name="Start working on it").click()
    attempt = _form(page, "Log attempt")
    attempt.get_by_label("Channel").select_option(label="Phone call")
    attempt.get_by_label("Result").select_option(label="Spoke to the person")
    attempt.get_by_label("Note").fill("Brother awake and talking; 111 called.")
    attempt.get_by_role("button", name="Log attempt").click()
    assert (
        "Attempt logged: Spoke to the person."
        in page.locator(".messagelist").inner_text()
    )
    shots.take(page, "attempt-logged")

    refer = _form(page, "Refer and close")
    refer.get_by_label("Provider").select_option(label="Example Detox Unit")
    refer.get_by_label("Funding route").select_option(label="NHS")
    follow_up = timezone.localdate() + timedelta(days=14)
    refer.get_by_label("Follow up on").fill(follow_up.isoformat())
    refer.get_by_role("button", name="Refer and close").click()
    assert "Referred to a provider" in page.locator("#closed-outcome").inner_text()

    # Closed, and still readable: the answers, the try and the referral.
    page.reload()
    text = page.locator("#content").inner_text()
    for seen in (
        "Robin Example", PHONE, "My brother took too many of his tablets",
        "Brother awake and talking; 111 called.", "Spoke to the person",
        "Example Detox Unit (Detox)", f"{follow_up:%a %d %b %Y}",
        "Referred to a provider",
    ):  # fmt: skip
        assert seen in text, seen
    assert not RAW_DURATION.search(text)
    shots.take(page, "closed-and-readable")
    urgent.refresh_from_db()
    assert (urgent.status, urgent.outcome) == ("closed", "referred")
    assert Callback.objects.get(pk=urgent.pk).referral.provider.name == (
        "Example Detox Unit"
    )


def _log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/admin/login/?next={QUEUE}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{QUEUE}")


def test_the_clinicians_admin_pages_pass_axe(live_server, browser, nurse):
    lead = UserFactory(username="lead-nurse")  # no clinician profile: takes no calls
    lead.groups.add(Group.objects.get(name=LEAD))
    open_ = services.callback_open(enquiry_id=EnquiryFactory(danger="overdose").pk)
    services.callback_open(enquiry_id=EnquiryFactory().pk)
    services.callback_start(callback=open_, by=nurse.user)
    for result in ("no_answer", "reached"):
        services.attempt_log(
            callback=open_, by=nurse.user, channel="phone", result=result
        )
    closed = services.callback_open(enquiry_id=EnquiryFactory().pk)
    services.callback_start(callback=closed, by=nurse.user)
    services.attempt_log(
        callback=closed, by=nurse.user, channel="phone", result="reached"
    )
    services.callback_refer(
        callback=closed, by=nurse.user, provider=Provider.objects.get(),
        funding_route="nhs", follow_up_on=timezone.localdate() + timedelta(days=14),
    )  # fmt: skip
    assert Callback.objects.filter(urgency=Urgency.URGENT).count() == 1
    page = browser.new_page()
    problems = {}

    for login in ("/admin/login/", "/admin/account/login/"):
        page.goto(f"{live_server.url}{login}")
        problems[login] = violations(page)
    _log_in(page, live_server, "lead-nurse")
    for name, path in (
        ("queue", QUEUE),
        ("queue, closed", f"{QUEUE}?queue=closed"),
        ("open callback", f"{QUEUE}{open_.pk}/change/"),
        ("closed callback with a referral", f"{QUEUE}{closed.pk}/change/"),
        ("dashboard", f"{QUEUE}dashboard/"),
    ):
        page.goto(f"{live_server.url}{path}")
        problems[name] = violations(page)
    assert not RAW_DURATION.search(page.locator("#content").inner_text())

    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(f"{live_server.url}{QUEUE}")
    problems["queue on a phone"] = violations(page)

    assert {shown: found for shown, found in problems.items() if found} == {}
