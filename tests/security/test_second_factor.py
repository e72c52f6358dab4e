"""A session (stolen, or left open on a shared computer) cannot remove the second
factor: two_factor's profile and "disable" pages are not mounted, and a clinician
has no way to delete their own device in the admin."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from referral_site.roles import LEAD
from tests.clinicians.factories import UserFactory

from .conftest import PASSWORD

pytestmark = [pytest.mark.security, pytest.mark.django_db]

LOGIN = "/admin/account/login/?next=/admin/"


def _verified_client(user, device: TOTPDevice) -> Client:
    """Signed in through the real two-step login, code and all."""
    client = Client()
    client.post(
        LOGIN,
        {
            "login_view-current_step": "auth",
            "auth-username": user.username,
            "auth-password": PASSWORD,
        },
    )
    code = totp(device.bin_key, device.step, device.t0, device.digits)
    response = client.post(
        LOGIN, {"login_view-current_step": "token", "token-otp_token": f"{code:06d}"}
    )
    assert response.status_code == 302, "the two-step login did not finish"
    assert client.get("/admin/").status_code == 200
    return client


@pytest.fixture
def device(clinician) -> TOTPDevice:
    return clinician.totpdevice_set.create(name="default", confirmed=True)


def test_the_disable_and_profile_pages_are_not_there(otp_required, clinician, device):
    client = _verified_client(clinician, device)

    for path in ("/admin/account/two_factor/disable/", "/admin/account/two_factor/"):
        assert client.get(path).status_code == 404, path
        assert client.post(path, {"understand": "on"}).status_code == 404, path
    for name in ("two_factor:disable", "two_factor:profile"):
        with pytest.raises(NoReverseMatch):
            reverse(name)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_the_pages_staff_need_are_still_there(otp_required, clinician, device):
    client = _verified_client(clinician, device)

    for name in ("setup_complete", "backup_tokens"):
        response = client.get(reverse(f"two_factor:{name}"))
        assert response.status_code == 200, name
    # The QR code exists only during set-up (the key is in the session then).
    assert reverse("two_factor:qr") == "/admin/account/two_factor/qrcode/"
    assert reverse("two_factor:login") == "/admin/account/login/"
    assert reverse("two_factor:setup") == "/admin/account/two_factor/setup/"


def test_a_clinician_cannot_remove_their_own_device(otp_required, clinician, device):
    client = _verified_client(clinician, device)
    delete = f"/admin/otp_totp/totpdevice/{device.pk}/delete/"

    assert client.post(delete, {"post": "yes"}).status_code in (403, 404)
    assert client.get("/admin/otp_totp/totpdevice/").status_code in (403, 404)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def _staff(role: str):
    user = UserFactory(username=f"{role}.on.call", is_superuser=role == "superuser")
    if role == "lead":
        user.groups.add(Group.objects.get(name=LEAD))
    return user, user.totpdevice_set.create(name="default", confirmed=True)


def _delete(user, own: TOTPDevice, target: TOTPDevice):
    return _verified_client(user, own).post(
        f"/admin/otp_totp/totpdevice/{target.pk}/delete/", {"post": "yes"}
    )


@pytest.mark.parametrize("role", ["superuser", "lead"])
def test_a_lead_or_superuser_removes_a_colleagues_lost_device_in_the_admin(
    otp_required, clinician, device, role
):
    user, own = _staff(role)

    assert _delete(user, own, device).status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()


@pytest.mark.parametrize("role", ["superuser", "lead"])
def test_nobody_removes_their_own_device_not_even_a_lead(otp_required, role):
    user, own = _staff(role)

    assert _delete(user, own, own).status_code == 403
    assert TOTPDevice.objects.filter(pk=own.pk).exists()
