"""Work queued after a save, the one way (referral_site/queueing.py): by the task's
name, only once the save commits, and never failing a save that committed."""

import ast
import logging
import os
import pathlib
import subprocess
import sys
from io import BytesIO
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from kombu.exceptions import OperationalError
from PIL import Image

from articles import services
from articles.models import Article
from articles.tasks import article_image_make_renditions
from referral_site.queueing import registered, send_after_commit
from tests.articles.factories import ARTICLE_ADD, article_form

pytestmark = pytest.mark.django_db

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
APPS = ("articles", "enquiries", "clinicians", "referral_site")


def _png() -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (1400, 800), (120, 170, 150)).save(buffer, "PNG")
    return SimpleUploadedFile("hills.png", buffer.getvalue())


def test_an_article_saved_while_the_broker_refuses_is_kept_and_the_failure_logged(
    client, editor, caplog, django_capture_on_commit_callbacks
):
    refused = OperationalError("[Errno 111] Connection refused")
    with (
        mock.patch.object(article_image_make_renditions, "delay", side_effect=refused),
        caplog.at_level(logging.WARNING, logger="referral_site.queueing"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            ARTICLE_ADD, article_form(hero_image=_png(), hero_alt="Green hills")
        )

    assert response.status_code == 302  # the editor is not shown an error
    article = Article.objects.select_related("hero").get()
    assert article.hero.image and article.hero.renditions == []
    assert (
        "Could not queue articles.tasks.article_image_make_renditions for id"
        f" {article.hero.pk}" in caplog.text
    )
    assert "Cutting down safely" not in caplog.text  # ids only, never the content
    page = client.get(article.get_absolute_url()).text
    assert f'src="{article.hero.image.url}"' in page  # the original, as uploaded


def test_a_real_refusal_is_logged_and_not_raised(
    caplog, unreachable_broker, django_capture_on_commit_callbacks
):
    with (
        caplog.at_level(logging.WARNING, logger="referral_site.queueing"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.article_image_renditions_queue(image_id=7)

    assert "article_image_make_renditions for id 7" in caplog.text


def test_renditions_are_sent_by_name_only_once_the_save_commits(
    django_capture_on_commit_callbacks,
):
    with mock.patch.object(article_image_make_renditions, "delay") as delay:
        with django_capture_on_commit_callbacks() as callbacks:
            services.article_image_renditions_queue(image_id=8)
        delay.assert_not_called()  # the transaction has not committed
        for callback in callbacks:  # as the commit runs them
            callback()

    delay.assert_called_once_with(8)


def test_the_name_services_send_is_the_task_registered_under_it():
    assert registered(services.ARTICLE_IMAGE_MAKE_RENDITIONS_TASK) is (
        article_image_make_renditions._get_current_object()
    )


def test_a_name_no_app_registers_is_logged_not_raised(
    caplog, django_capture_on_commit_callbacks
):
    with (
        caplog.at_level(logging.WARNING, logger="referral_site.queueing"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        send_after_commit("articles.tasks.no_such_task", 3)

    assert "Could not queue articles.tasks.no_such_task for id 3" in caplog.text


def _app_modules():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path, ast.parse(path.read_text())


def test_only_the_helper_queues_tasks_and_no_app_imports_a_tasks_module():
    """One idiom (send_after_commit), and imports one way: tasks.py imports the
    services, nothing imports tasks.py (Celery finds them)."""
    queueing = {"delay", "apply_async", "send_task", "on_commit", "delay_on_commit"}
    calls, imports = [], []
    for path, tree in _app_modules():
        where = path.relative_to(ROOT).as_posix()
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in queueing
                and where != "referral_site/queueing.py"
            ):
                calls.append(f"{where}:{node.lineno}")
            if isinstance(node, ast.ImportFrom) and (
                (node.module or "").split(".")[-1] == "tasks"
                or any(alias.name == "tasks" for alias in node.names)
            ):
                imports.append(f"{where}:{node.lineno}")
            if isinstance(node, ast.Import) and any(
                alias.name.endswith(".tasks") for alias in node.names
            ):
                imports.append(f"{where}:{node.lineno}")

    assert calls == []
    assert imports == []


FRESH_PROCESS = """
import sys, django
django.setup()
from referral_site.queueing import registered
assert "articles.tasks" not in sys.modules, "imported before it was needed"
print(registered("articles.tasks.article_image_make_renditions").name)
"""


def test_a_fresh_process_finds_a_task_by_name_without_importing_tasks_first():
    # A web process imports no tasks.py (nothing does): the first name it sends
    # has Celery's autodiscovery import them, as a worker does when it starts.
    done = subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS],
        cwd=ROOT,
        env=os.environ | {"DJANGO_SETTINGS_MODULE": "referral_site.settings.test"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == "articles.tasks.article_image_make_renditions"
