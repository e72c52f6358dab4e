"""Celery entry points for content: each calls one service and is safe to rerun.

This module imports the services; they never import it, and queue the renditions
task by the name they keep (referral_site/queueing.py).
"""

from celery import shared_task
from django.db import OperationalError

from referral_site.queueing import retry_on

from . import renditions, services

_RETRY = retry_on(OperationalError)


@shared_task(**_RETRY)
def articles_publish_scheduled() -> None:
    services.articles_publish_scheduled()


@shared_task(**retry_on(OperationalError, OSError))  # it sends mail
def articles_remind_reviews() -> None:
    services.articles_remind_reviews()


@shared_task(name=services.ARTICLE_IMAGE_MAKE_RENDITIONS_TASK, **_RETRY)
def article_image_make_renditions(image_id: int) -> None:
    renditions.article_image_make_renditions(image_id=image_id)
