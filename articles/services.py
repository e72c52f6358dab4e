"""Writes on the content side that run without an editor present."""

import logging
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from referral_site.emails import absolute_url, send_templated_mail
from referral_site.queueing import send_after_commit
from referral_site.roles import EDITOR

from .models import Article
from .page_cache import pages_changed

logger = logging.getLogger(__name__)
REVIEW_WARNING = timedelta(days=14)

# The tasks this module queues, by the names articles/tasks.py registers them
# under: services send by name and never import tasks.py (referral_site/queueing.py).
ARTICLE_MAKE_RENDITIONS_TASK = "articles.tasks.article_make_renditions"
ARTICLE_IMAGE_MAKE_RENDITIONS_TASK = "articles.tasks.article_image_make_renditions"


def articles_publish_scheduled() -> int:
    """Publish every scheduled article whose time has come. Safe to run twice, or on
    two beats at once: the UPDATE only touches rows still scheduled."""
    count = Article.objects.due_to_publish().update(
        status=Article.Status.PUBLISHED, updated_at=timezone.now()
    )
    if count:
        pages_changed()  # an UPDATE sends no post_save
        logger.info("Published %d scheduled article(s).", count)
    return count


def articles_remind_reviews() -> int:
    """Email the editors (and each article's reviewer, where we have an address)
    about published articles whose clinical review is due within two weeks or past.
    Once per article per due date."""
    today = timezone.localdate()
    due = (
        Article.objects.filter(
            status=Article.Status.PUBLISHED,
            next_review_due__lte=today + REVIEW_WARNING,
        )
        .exclude(review_reminded_for=F("next_review_due"))
        .select_related("reviewer")
    )
    editors = list(
        get_user_model()
        .objects.filter(groups__name=EDITOR, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    sent = 0
    for article in due:
        with transaction.atomic():  # a failed send un-claims, so the retry sends
            if _claim_reminder(article):
                sent += _send_reminder(article, editors)
    return sent


def _claim_reminder(article: Article) -> bool:
    """Mark the reminder sent for this due date; False if another beat did."""
    return bool(
        Article.objects.filter(pk=article.pk)
        .exclude(review_reminded_for=article.next_review_due)
        .update(review_reminded_for=article.next_review_due)
    )


def _send_reminder(article: Article, editors: list[str]) -> int:
    recipients = [*editors]
    if article.reviewer and article.reviewer.email:
        recipients.append(article.reviewer.email)
    if not recipients:
        return 0
    send_templated_mail(
        "article_review_due",
        to=recipients,
        context={
            "article": article,
            "link": absolute_url(
                reverse("admin:articles_article_change", args=[article.pk])
            ),
        },
    )
    return 1


def article_renditions_queue(
    *, article_id: int | None = None, image_id: int | None = None
) -> None:
    """Ask the worker to resize an article's picture (or a picture in its body) once
    this save commits. If the broker is down the save still stands, the failure is
    logged and the page shows the original."""
    if article_id is not None:
        send_after_commit(ARTICLE_MAKE_RENDITIONS_TASK, article_id)
    if image_id is not None:
        send_after_commit(ARTICLE_IMAGE_MAKE_RENDITIONS_TASK, image_id)
