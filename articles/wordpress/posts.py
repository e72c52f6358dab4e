"""Each post to its article and topics.

An article is matched by `wordpress_id`, then by slug (an article with that slug and
no `wordpress_id` is adopted); its slug is made unique before anything is saved, and
only a real change is saved, so that a re-run leaves everything as it was.
"""

from dataclasses import dataclass, replace
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from ..html import sanitise_html
from ..models import Article, Topic
from ..services import article_hero_describe
from .export import SLUG_LENGTH, Export, Post
from .links import Links, rewrite_links
from .markup import TOKEN
from .media import Pending, count_picture, featured_image, place_pictures, same_image
from .report import ImportReport, WordPressImportError


@dataclass
class Target:
    """Where a post is going: its article (unsaved changes) and its new slug."""

    article: Article
    is_new: bool
    slug: str


def post_targets(posts: list[Post]) -> dict[int, Target]:
    """Each post's article and slug, decided before anything is saved, so that a
    link to a post later in the export already knows its new address."""
    targets: dict[int, Target] = {}
    claimed: set[str] = set()
    for post in posts:
        article = Article.objects.filter(wordpress_id=post.wordpress_id).first()
        if article is None:
            taken = [t.article.pk for t in targets.values() if t.article.pk]
            article = (
                Article.objects.filter(slug=post.slug, wordpress_id__isnull=True)
                .exclude(pk__in=taken)  # two posts never adopt one article
                .first()
            )
        is_new = article is None
        if article is None:
            article = Article()
        slug = _unique_slug(post.slug, article=article, claimed=claimed)
        claimed.add(slug)
        targets[post.wordpress_id] = Target(article=article, is_new=is_new, slug=slug)
    return targets


def import_post(
    *,
    post: Post,
    target: Target,
    export: Export,
    links: Links,
    media_dir: Path,
    report: ImportReport,
) -> Pending:
    """Save one post's article (without its new picture files, written later)."""
    report.warnings.extend(post.warnings)
    article, is_new = target.article, target.is_new
    before = _snapshot(article)

    article.wordpress_id = post.wordpress_id
    article.title = post.title
    article.slug = target.slug
    article.summary = post.summary
    article.status = post.status
    if post.pub_date is not None:
        article.pub_date = post.pub_date
    author = _author(post, report=report)
    if author is not None or is_new:
        # An editor's choice of author survives a re-run that finds no account.
        article.author = author

    image = featured_image(post, export=export, media_dir=media_dir, report=report)
    if image is not None:
        count_picture(image, report=report)
        hero = article.hero if article.hero_id else None
        if hero is not None and not image.credit:
            # Without one in the export, an editor's credit is kept.
            image = replace(image, credit=hero.credit)
        if same_image(hero, image.path):
            # Already there from an earlier run: keep the stored file.
            article_hero_describe(article=article, alt=image.alt, credit=image.credit)
            image = None

    body = rewrite_links(post.body, post=post, links=links, report=report)
    body, new_pictures = place_pictures(
        body,
        post=post,
        article=article,
        export=export,
        media_dir=media_dir,
        report=report,
    )
    # Saved now without the new pictures, which have no address until written.
    article.body = sanitise_html(TOKEN.sub("", body))

    try:
        # Body may be empty (an unfinished draft); the sanitiser has already run.
        article.full_clean(exclude=["body"])
    except ValidationError as error:
        problems = "; ".join(
            f"{name}: {' '.join(messages)}"
            for name, messages in error.message_dict.items()
        )
        raise WordPressImportError(
            f"Post {post.wordpress_id} (line {post.line}) cannot be imported: "
            f"{problems}"
        ) from error

    # Only a real change is saved: a re-run leaves no revision and no new updated_at.
    if is_new or _snapshot(article) != before:
        article.save()
    article.topics.set([_topic(slug=slug, name=name) for slug, name in post.topics])
    if is_new:
        report.created += 1
    else:
        report.updated += 1
    return Pending(article=article, hero=image, body=body, new_pictures=new_pictures)


def _snapshot(article: Article) -> tuple:
    return (
        article.wordpress_id,
        article.title,
        article.slug,
        article.summary,
        article.body,
        article.status,
        article.pub_date,
        article.author_id,
    )


def _unique_slug(base: str, *, article: Article, claimed: set[str]) -> str:
    """`base`, or `base-2`, `base-3`... whichever no other article has, and no other
    post of this import is taking."""
    others = Article.objects.exclude(pk=article.pk) if article.pk else Article.objects
    slug, number = base, 1
    while slug in claimed or others.filter(slug=slug).exists():
        number += 1
        suffix = f"-{number}"
        slug = base[: SLUG_LENGTH - len(suffix)] + suffix
    return slug


def _author(post: Post, *, report: ImportReport):
    if not post.author_login:
        return None
    user_model = get_user_model()
    user = user_model._default_manager.filter(
        **{user_model.USERNAME_FIELD: post.author_login}
    ).first()
    if user is None:
        # The login itself stays out of the report: it can identify a person.
        report.warnings.append(
            f"{post.title!r}: its WordPress author has no account here; imported"
            " without an author."
        )
    return user


def _topic(*, slug: str, name: str) -> Topic:
    # By slug, then by name: both are unique, and an editor may have renamed either.
    topic = Topic.objects.filter(slug=slug).first()
    if topic is None:
        topic = Topic.objects.filter(name=name).first()
    if topic is None:
        topic = Topic.objects.create(slug=slug, name=name)
    return topic
