from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from clinicians.staff_groups import EDITOR, LEAD
from enquiries.models import PrivacyNotice
from tests.clinicians.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_privacy_notice_covers_what_the_ico_expects(client):
    text = client.get("/privacy/").text

    for part in (
        "Who we are",  # the controller
        "What we ask for, and why",  # purpose
        "Article 9(2)(a)",  # lawful basis and the special category condition
        "Who sees it",  # recipients
        "How long we keep it",  # retention
        "Your rights",
        "If you are telling us about someone else",  # the duty to inform a third party
        "Information Commissioner",  # the complaint route
    ):
        assert part in text, part


def test_the_newest_published_version_is_shown(client):
    now = timezone.now()
    PrivacyNotice.objects.create(
        version="2099-01", body="<p>Draft for later</p>", published_at=None
    )
    PrivacyNotice.objects.create(
        version="2026-12", body="<p>The December text</p>", published_at=now
    )
    PrivacyNotice.objects.create(
        version="2027-01",
        body="<p>Not yet</p>",
        published_at=now + timedelta(days=30),
    )

    text = client.get("/privacy/").text

    assert "The December text" in text and "Version 2026-12" in text
    assert "Draft for later" not in text and "Not yet" not in text


def test_a_lead_publishes_a_new_version_in_the_admin_and_it_is_sanitised(client):
    lead = UserFactory(username="privacy-lead")
    lead.groups.add(Group.objects.get(name=LEAD))
    client.force_login(lead)
    now = timezone.localtime()

    response = client.post(
        "/admin/enquiries/privacynotice/add/",
        {
            "version": "2026-12",
            "body": '<h2>New</h2><script>alert(1)</script><p onclick="x()">Text</p>',
            "published_at_0": now.date().isoformat(),
            "published_at_1": now.strftime("%H:%M:%S"),
        },
    )

    assert response.status_code == 302
    notice = PrivacyNotice.objects.get(version="2026-12")
    assert notice.body == "<h2>New</h2><p>Text</p>"
    assert "<h2>New</h2>" in client.get("/privacy/").text


def test_an_editor_cannot_change_the_privacy_notice(client):
    editor = UserFactory(username="an-editor")
    editor.groups.add(Group.objects.get(name=EDITOR))
    client.force_login(editor)

    assert client.get("/admin/enquiries/privacynotice/").status_code == 403
