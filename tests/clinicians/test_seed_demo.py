import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.models import Article
from clinicians.models import Clinician
from clinicians.selectors import clinicians_on_duty

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("seed_demo")

    assert not get_user_model().objects.exists()


def test_seed_demo_makes_published_articles_and_staff_who_can_log_in(settings):
    settings.DEBUG = True

    call_command("seed_demo")

    assert Article.objects.published().count() >= 6
    for username, group in [
        ("lead", "Lead clinician"),
        ("clinician", "Clinician"),
        ("editor", "Editor"),
    ]:
        user = authenticate(username=username, password="demo-password-only")
        assert user is not None and user.is_staff, username
        assert list(user.groups.values_list("name", flat=True)) == [group]
    on_duty = clinicians_on_duty(at=timezone.now())
    assert {clinician.user.username for clinician in on_duty} == {"clinician"}


def test_seed_demo_twice_changes_nothing_and_honours_demo_password(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-password")

    call_command("seed_demo", "--force")
    counts = (Article.objects.count(), get_user_model().objects.count())
    call_command("seed_demo", "--force")

    assert (Article.objects.count(), get_user_model().objects.count()) == counts
    assert Clinician.objects.count() == 2
    assert authenticate(username="editor", password="another-demo-password")
