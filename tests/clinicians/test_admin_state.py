"""One admin serves every request: Django makes each ModelAdmin once, for all
requests and threads, so nothing one request works out may stay on it for the next.
And the admin in use is the project's site, installed by its AdminConfig."""

from datetime import time

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.utils.module_loading import import_string
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinicians.admin.queue import HolderFilter
from clinicians.models import Callback, Clinician, Shift
from clinicians.staff_groups import CLINICIAN, LEAD
from referral_site.admin_security import StaffAdminSite
from referral_site.apps import StaffAdminConfig
from tests.clinicians.conftest import WEDNESDAY_MORNING
from tests.clinicians.factories import CallbackFactory, ClinicianFactory, UserFactory

pytestmark = pytest.mark.django_db
QUEUE = "/admin/clinicians/callback/"
ROTA = "/admin/clinicians/clinician/"


def _in(group_name: str, **kwargs) -> Clinician:
    clinician = ClinicianFactory(**kwargs)
    clinician.user.groups.add(Group.objects.get(name=group_name))
    return clinician


def _state(model_admin) -> dict:
    """What the shared instance holds, to compare before and after requests."""
    return {name: repr(value) for name, value in vars(model_admin).items()}


def _holders(response) -> set[str]:
    (holder,) = (
        spec
        for spec in response.context["cl"].filter_specs
        if isinstance(spec, HolderFilter)
    )
    return {name for _, name in holder.lookup_choices}


def test_two_clinicians_one_after_the_other_each_get_their_own_queue(client):
    callback_admin = admin.site._registry[Callback]
    before = _state(callback_admin)
    first, second = _in(CLINICIAN), _in(CLINICIAN)
    theirs = {
        first: CallbackFactory(assigned_to=first),
        second: CallbackFactory(assigned_to=second),
    }

    for clinician in (first, second, first):
        client.force_login(clinician.user)
        response = client.get(QUEUE)
        assert response.context["cl"].model_admin is callback_admin
        assert list(response.context["cl"].result_list) == [theirs[clinician]]

    assert _state(callback_admin) == before


def test_the_holder_filter_reads_the_clinicians_afresh_for_each_request(client):
    client.force_login(_in(LEAD).user)
    assert "Came on later" not in _holders(client.get(QUEUE, {"queue": "open"}))

    ClinicianFactory(display_name="Came on later")

    assert "Came on later" in _holders(client.get(QUEUE, {"queue": "open"}))


def test_a_lead_then_a_clinician_on_one_callback_page_get_their_own_buttons(client):
    callback_admin = admin.site._registry[Callback]
    before = _state(callback_admin)
    callback = CallbackFactory()  # unassigned: both may open it
    page = f"{QUEUE}{callback.pk}/change/"

    client.force_login(_in(LEAD).user)
    as_lead = client.get(page).context
    client.force_login(_in(CLINICIAN).user)
    as_clinician = client.get(page).context

    assert as_lead["may_reassign"] and "reassign_form" in as_lead
    assert not as_clinician["may_reassign"] and "reassign_form" not in as_clinician
    assert as_clinician["may_claim"]
    assert _state(callback_admin) == before


def test_on_duty_is_worked_out_for_each_request_not_kept_from_the_last(
    client, time_machine
):
    """The rota's "on duty now" column, for the same admin at 10am and at 6pm."""
    clinician_admin = admin.site._registry[Clinician]
    before = _state(clinician_admin)
    nine_to_five = ClinicianFactory(on_duty=False)
    Shift.objects.create(
        clinician=nine_to_five,
        weekday=WEDNESDAY_MORNING.weekday(),
        starts=time(9),
        ends=time(17),
    )
    lead = _in(LEAD).user

    def on_duty() -> bool:
        client.force_login(lead)  # a staff session ends after 30 idle minutes
        rows = client.get(ROTA).context["cl"].result_list
        (row,) = (row for row in rows if row.pk == nine_to_five.pk)
        return clinician_admin.on_duty_now(row)

    assert on_duty()
    time_machine.move_to(WEDNESDAY_MORNING.replace(hour=18), tick=False)
    assert not on_duty()
    time_machine.move_to(WEDNESDAY_MORNING, tick=False)
    assert on_duty()
    assert _state(clinician_admin) == before


# --- the site ---------------------------------------------------------------


def test_the_admin_in_use_is_the_projects_site_from_its_admin_config():
    config = apps.get_app_config("admin")
    assert isinstance(config, StaffAdminConfig)
    assert import_string(config.default_site) is StaffAdminSite
    assert isinstance(admin.site, StaffAdminSite)
    assert admin.site.site_header == "Referral service: staff"


@pytest.mark.parametrize("device_model", [TOTPDevice, StaticDevice])
def test_nobody_deletes_their_own_second_factor_even_with_the_permission(
    device_model,
):
    me = UserFactory(is_superuser=True)
    mine = device_model.objects.create(user=me, name="default")
    colleagues = device_model.objects.create(user=UserFactory(), name="default")
    request = RequestFactory().get("/admin/")
    request.user = me
    device_admin = admin.site._registry[device_model]

    assert not device_admin.has_delete_permission(request, mine)
    assert device_admin.has_delete_permission(request, colleagues)
