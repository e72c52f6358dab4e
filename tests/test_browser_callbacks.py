"""The clinician's journey in a real browser: from an urgent callback at the top of
the queue, through a reached try, the risk panel and a referral, to a closed case;
then a lead reads its whole record. Debian's Chromium, driven by Playwright."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from clinicians import services
from clinicians.models import Callback, Provider
from clinicians.staff_groups import CLINICIAN, LEAD, ensure_staff_groups
from enquiries.models import AuditEvent
from tests.clinicians.factories import ClinicianFactory, UserFactory
from tests.enquiries.factories import EnquiryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"  # the factories' password


def _log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/admin/login/?next=/admin/clinicians/callback/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/clinicians/callback/")


def _form(page, button: str):
    """The form on the callback page that the button `button` sends."""
    return page.locator("form", has=page.get_by_role("button", name=button))


@pytest.fixture
def team(audit_log_emptied_afterwards):
    ensure_staff_groups()  # a transactional test starts from an empty database
    nurse = ClinicianFactory(user__username="nurse", display_name="Nurse Example")
    nurse.user.groups.add(Group.objects.get(name=CLINICIAN))
    lead = UserFactory(username="lead-nurse")
    lead.groups.add(Group.objects.get(name=LEAD))
    Provider.objects.create(
        name="Example Detox Unit", kind="detox", regulator="CQC",
        registration_id="1-000000009", region="Leeds", cost_band="free",
        last_verified_on=timezone.localdate(),
    )  # fmt: skip
    return nurse, lead


def test_a_clinician_takes_an_urgent_callback_to_a_referral_and_a_lead_reads_it(
    live_server, browser, team
):
    nurse, _lead = team
    enquiry = EnquiryFactory(
        danger="overdose", message="My brother took too many of his tablets."
    )
    callback = services.callback_open(enquiry_id=enquiry.pk)
    assert callback.assigned_to == nurse
    page = browser.new_page()

    # The queue: urgent by colour, icon and word; the reason at the top of its page.
    _log_in(page, live_server, "nurse")
    row = page.locator("#result_list tr", has_text=enquiry.reference)
    assert "▲ Urgent" in row.inner_text()
    row.get_by_role("link", name=enquiry.reference).click()
    reason = page.locator("#band-reason")
    assert "They said: someone may have taken too much" in reason.inner_text()

    page.get_by_role("button", name="Start working on it").click()
    attempt = _form(page, "Log attempt")
    attempt.get_by_label("Channel").select_option(label="Phone call")
    attempt.get_by_label("Result").select_option(label="Spoke to the person")
    attempt.get_by_label("Note").fill("He is awake and talking; GP appointment today.")
    attempt.get_by_role("button", name="Log attempt").click()
    assert (
        "Attempt logged: Spoke to the person."
        in page.locator(".messagelist").inner_text()
    )

    risk = _form(page, "Save risk panel")
    risk.locator("#id_overdose_risk_0").check()  # Yes
    risk.get_by_role("button", name="Save risk panel").click()

    refer = _form(page, "Refer and close")
    refer.get_by_label("Provider").select_option(label="Example Detox Unit")
    refer.get_by_label("Funding route").select_option(label="NHS")
    follow_up = timezone.localdate() + timedelta(days=14)
    refer.get_by_label("Follow up on").fill(follow_up.isoformat())
    refer.get_by_role("button", name="Refer and close").click()

    assert "Referred to a provider" in page.locator("#closed-outcome").inner_text()
    callback.refresh_from_db()
    assert (callback.status, callback.outcome) == ("closed", "referred")
    page.get_by_role("button", name="Log out").click()

    # A lead opens the closed case and reads the whole record.
    _log_in(page, live_server, "lead-nurse")
    page.goto(f"{live_server.url}/admin/clinicians/callback/?queue=closed")
    page.get_by_role("link", name=enquiry.reference).click()
    record = page.locator("#callback-record").inner_text()
    for seen in (
        "He is awake and talking; GP appointment today.", "Nurse Example",
        "Spoke to the person", "Overdose risk", "Example Detox Unit (Detox)",
        "In progress to contacted", "referred to Example Detox Unit",
        f"{follow_up:%a %d %b %Y}",
    ):  # fmt: skip
        assert seen in record, seen
    viewers = set(
        AuditEvent.objects.filter(enquiry=enquiry, action="viewed").values_list(
            "actor__username", flat=True
        )
    )
    assert viewers == {"nurse", "lead-nurse"}  # every opening recorded
    assert Callback.objects.get().referral.provider.name == "Example Detox Unit"
