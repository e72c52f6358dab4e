"""A decompression bomb (a small file that unpacks to a huge picture) is refused at
upload, and resizing runs on its own queue, away from the worker that opens
callbacks."""

import re
from io import BytesIO
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles import images
from referral_site.celery import app as celery_app
from referral_site.queueing import registered

pytestmark = [pytest.mark.security]

ROOT = Path(__file__).resolve().parents[2]


def _png(width: int, height: int) -> bytes:
    buffer = BytesIO()
    Image.new("1", (width, height)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    data = _png(12_000, 12_000)
    assert len(data) < 200_000  # small on the wire: the byte limit lets it through
    return data


def test_the_bomb_is_refused_at_upload_with_a_clear_message(bomb):
    upload = SimpleUploadedFile("photo.png", bomb, content_type="image/png")

    with pytest.raises(ValidationError) as refused:
        images.validate_hero_image(upload)

    assert "12000 x 12000 pixels" in refused.value.messages[0]
    assert "40 million pixels" in refused.value.messages[0]
    assert settings.ARTICLE_IMAGE_MAX_PIXELS == 40_000_000


def test_an_ordinary_photo_is_still_taken():
    upload = SimpleUploadedFile("photo.png", _png(4000, 3000), content_type="image/png")

    images.validate_hero_image(upload)  # does not raise


@pytest.mark.django_db
def test_the_worker_will_not_resize_a_bomb_already_in_storage(bomb, caplog):
    name = default_storage.save("articles/old-bomb.png", ContentFile(bomb))

    assert images.resized_copies(name, "old") == []
    assert "too many pixels" in caplog.text


def test_resizing_goes_to_its_own_queue():
    task = registered("articles.tasks.article_image_make_renditions")
    # One task resizes every picture, the hero's and the body's.
    assert [name for name in celery_app.tasks if "renditions" in name] == [task.name]
    assert celery_app.amqp.router.route({}, task.name)["queue"].name == "images"
    callbacks = celery_app.amqp.router.route({}, "clinicians.tasks.callback_open")
    assert callbacks["queue"].name == settings.CELERY_TASK_DEFAULT_QUEUE


def test_email_goes_to_its_own_queue():
    # A frozen mail server holds each send for EMAIL_TIMEOUT: on the worker that
    # opens callbacks, an urgent one would wait behind the e-mails.
    mail = {
        "clinicians.tasks.callback_notify_assignee",
        "clinicians.tasks.callbacks_notify_missed",
        "clinicians.tasks.callbacks_remind",
        "clinicians.tasks.leads_digest_send",
        "clinicians.tasks.leads_notify_unclosed",
        "clinicians.tasks.referrals_remind_follow_up",
        "articles.tasks.articles_remind_reviews",
    }
    for name in sorted(celery_app.tasks):
        queue = celery_app.amqp.router.route({}, name)["queue"].name
        if name in mail:
            assert queue == settings.CELERY_MAIL_QUEUE, name
        elif name.startswith(("clinicians.", "enquiries.")):
            assert queue == settings.CELERY_TASK_DEFAULT_QUEUE, name


def _queues(command: str) -> set[str]:
    found = re.search(r"(?:-Q|--queues)[ =](\S+)", command)
    return set(found[1].split(",")) if found else {"celery"}


def test_every_way_of_starting_workers_consumes_every_queue():
    procfile = (ROOT / "Procfile.dev").read_text()
    workers = [line for line in procfile.splitlines() if " worker" in line]
    assert [_queues(line) for line in workers] == [{"celery", "images", "mail"}]

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    consumed = {}
    for name, service in compose.items():
        command = " ".join(service.get("command") or [])
        if command.startswith("celery -A referral_site worker"):
            consumed[name] = _queues(command)
    assert consumed == {"worker": {"celery"}, "images": {"images"}, "mail": {"mail"}}
    assert compose["images"]["healthcheck"]["test"]
    assert compose["mail"]["healthcheck"]["test"]
