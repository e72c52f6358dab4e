"""Writes on the content side: publishing, review reminders, and the article's
hero picture."""

import logging
from datetime import timedelta
from pathlib import PurePath

from django.contrib.auth import get_user_model
from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from referral_site.emails import absolute_url, send_templated_mail
from referral_site.queueing import send_after_commit
from referral_site.roles import EDITOR

from .models import Article, ArticleImage
from .page_cache import pages_changed

logger = logging.getLogger(__name__)
REVIEW_WARNING = timedelta(days=14)

# The task this module queues, by the name articles/tasks.py registers it under:
# services send by name and never import tasks.py (referral_site/queueing.py).
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


def article_image_renditions_queue(*, image_id: int) -> None:
    """Ask the worker to resize one of an article's pictures (its hero or one in its
    body) once this save commits. If the broker is down the save still stands, the
    failure is logged and the page shows the original."""
    send_after_commit(ARTICLE_IMAGE_MAKE_RENDITIONS_TASK, image_id)


@transaction.atomic
def article_hero_replace(
    *, article: Article, upload: File, alt: str, credit: str = ""
) -> ArticleImage:
    """Make `upload` the saved `article`'s hero picture, described by `alt` and
    credited to `credit`: a new ArticleImage of the article, checked as every
    upload is (ValidationError otherwise). The previous hero's row is deleted; its
    files are kept, as a rolled-back change may still need them. The article's
    last change moves on (readers' browsers ask again) without a revision (the
    history keeps the words, not the picture), the page generation is raised, and
    the resizing is queued once this commits. A failure deletes the file it wrote:
    the rows roll back, and a file would not."""
    name = PurePath(upload.name or "picture").name
    picture = ArticleImage(
        article=article, image=File(upload, name=name), alt=alt, credit=credit
    )
    picture.full_clean(exclude=["article"])  # the upload's checks, a description
    stored: str | None = None
    try:
        picture.image.save(name, upload, save=False)
        stored = picture.image.name
        picture.save()
        previous = _hero_point(article, picture)
        if previous is not None:
            ArticleImage.objects.filter(pk=previous).delete()
        article_image_renditions_queue(image_id=picture.pk)
    except BaseException:
        if stored:
            picture.image.storage.delete(stored)
        raise
    return picture


@transaction.atomic
def article_hero_describe(*, article: Article, alt: str, credit: str) -> None:
    """Change the description and credit of the `article`'s hero picture (none: a
    no-op). The article's last change moves on, and the page generation is raised;
    a blank description is a ValidationError."""
    picture = article.hero
    if picture is None or (picture.alt, picture.credit) == (alt, credit):
        return
    picture.alt, picture.credit = alt, credit
    picture.full_clean(exclude=["article", "image"])
    picture.save(update_fields=["alt", "credit"])
    _hero_point(article, picture)


@transaction.atomic
def article_hero_remove(*, article: Article) -> None:
    """Take the `article`'s hero picture away: its row is deleted, its files kept
    (as article_hero_replace does). The article's last change moves on, and the
    page generation is raised."""
    if article.hero_id is None:
        return
    previous = _hero_point(article, None)
    if previous is not None:
        ArticleImage.objects.filter(pk=previous).delete()


def _hero_point(article: Article, picture: ArticleImage | None) -> int | None:
    """Point `article` at `picture` and return the hero it had: read under a lock,
    so that of two replacements at once each deletes the row it replaced."""
    rows = Article.objects.filter(pk=article.pk)
    previous = rows.select_for_update().values_list("hero_id", flat=True).get()
    # An UPDATE: a save() would add a revision for what the history does not keep.
    # updated_at is the page's Last-Modified and ETag, so it moves on with the
    # picture; an UPDATE sends no post_save, so the generation is raised here.
    article.hero, article.updated_at = picture, timezone.now()
    rows.update(hero=picture, updated_at=article.updated_at)
    pages_changed()
    return previous
