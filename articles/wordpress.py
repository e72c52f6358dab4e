"""Importing the old WordPress blog: a WXR export ("WordPress eXtended RSS") becomes
articles.

An export is untrusted input. It is parsed with defusedxml, which refuses entity
declarations (the "billion laughs" attack) and external references, and pictures
are read only from a local folder: nothing is ever fetched over the network.

Pictures keep their description and credit. The featured image becomes the hero
picture, credited from its attachment's caption (or the credit in its metadata).
A picture in the body (a block-editor <figure>, a [caption] shortcode or a bare
<img>) becomes an ArticleImage of the article, described by its alt text (else the
attachment's) and credited by its figcaption or caption (else the attachment's),
and is placed in the body as <img src alt>, which the page shows with its credit.

Links to the old blog (its host from the export's <link>, wp:base_site_url and
wp:base_blog_url, plus any the caller names; and relative links, which were
relative to it) are rewritten when their target is known: a post in this import,
by its slug (/2019/05/some-slug/) or its id (?p=123), or an article an earlier
import made, becomes that article's address here; a category archive becomes
its topic's page, and the blog's home page ours. Any other link to the old blog
would break when it is switched off, so its text is kept and the link removed,
and the report lists the old address for an editor to fix. Links to other sites
are left as they are.
"""

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

# Building only: parsing is defusedxml's (DefusedXMLParser below).
from xml.etree.ElementTree import Element, ParseError, TreeBuilder  # nosec B405
from xml.parsers import expat
from zoneinfo import ZoneInfo

from defusedxml import DefusedXmlException, EntitiesForbidden
from defusedxml.ElementTree import DefusedXMLParser
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import Storage
from django.db import transaction
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import slugify

from .html import sanitise_html
from .images import validate_hero_image
from .models import Article, ArticleImage, Topic
from .services import article_renditions_queue

WP_NAMESPACES = tuple(
    f"http://wordpress.org/export/{version}/" for version in ("1.2", "1.1", "1.0")
)
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
# Every export version names its excerpt namespace after itself; any is accepted.
EXCERPT_NAMESPACES = tuple(f"{ns}excerpt/" for ns in WP_NAMESPACES)
# post_date is the blog's wall-clock time, and the blog ran on UK time.
BLOG_TIMEZONE = ZoneInfo("Europe/London")
WP_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"

STATUSES = {
    "publish": Article.Status.PUBLISHED,
    "draft": Article.Status.DRAFT,
    "pending": Article.Status.DRAFT,
    "private": Article.Status.DRAFT,
    "future": Article.Status.SCHEDULED,
}
SKIPPED_STATUSES = {"trash", "auto-draft"}

SUMMARY_LENGTH = Article._meta.get_field("summary").max_length
SLUG_LENGTH = Article._meta.get_field("slug").max_length
ALT_LENGTH = Article._meta.get_field("hero_alt").max_length
CREDIT_LENGTH = min(
    Article._meta.get_field("hero_credit").max_length,
    ArticleImage._meta.get_field("credit").max_length,
)
TOPIC_NAME_LENGTH = Topic._meta.get_field("name").max_length
TOPIC_SLUG_LENGTH = Topic._meta.get_field("slug").max_length

# WordPress shortcodes mean nothing here and would show as literal text. A caption
# wraps a picture and its credit, which are kept (see _pictures_marked).
_CAPTION = re.compile(
    r"\[caption\b([^\]]*)\](.*?)\[/caption\]", re.IGNORECASE | re.DOTALL
)
_SHORTCODE = re.compile(
    r"\[/?(?:gallery|embed|video|audio|playlist|caption)\b[^\]]*\]", re.IGNORECASE
)
# The innermost <figure>: a gallery is a figure of figures.
_FIGURE = re.compile(
    r"<figure\b[^>]*>((?:(?!<figure\b).)*?)</figure\s*>", re.IGNORECASE | re.DOTALL
)
_FIGCAPTION = re.compile(r"<figcaption\b[^>]*>(.*?)</figcaption\s*>", re.I | re.DOTALL)
# A picture, with the link to its full-size file that WordPress often wraps it in.
_PICTURE = re.compile(r"<a\b[^>]*>\s*(<img\b[^>]*>)\s*</a\s*>|(<img\b[^>]*>)", re.I)
_ATTRIBUTE = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_WP_IMAGE_CLASS = re.compile(r"\bwp-image-(\d+)\b")
_ATTACHMENT_ID = re.compile(r"\battachment_(\d+)\b")
_RESIZED = re.compile(r"-\d+x\d+(\.\w+)$")
# Marks a picture's place in a body while it has no address here; the sanitiser
# keeps private-use characters, and no post has them.
_TOKEN = re.compile("\ue000\\d+\ue001")
# Run on sanitised HTML: one <a> never holds another, attributes are double-quoted.
_LINK = re.compile(r"(<a\b[^>]*>)(.*?)</a>", re.IGNORECASE | re.DOTALL)
_HREF = re.compile(r'\bhref="([^"]*)"')
# Old-blog addresses that are never a post, whatever their last part says.
_NOT_POSTS = {"author", "tag", "page", "feed", "search", "wp-content", "wp-admin"}
_HEADING = re.compile(r"<h([1-6])\b[^>]*>.*?</h\1\s*>", re.IGNORECASE | re.DOTALL)
_BLOCK_TAG = re.compile(
    r"<\s*/?\s*(?:p|div|h[1-6]|ul|ol|li|blockquote|figure|table|pre|hr)\b[^>]*>"
    r"|\n\s*\n",
    re.IGNORECASE,
)
_STARTS_WITH_BLOCK = re.compile(
    r"^<\s*(?:p|div|h[1-6]|ul|ol|blockquote|figure|table|pre|hr)\b", re.IGNORECASE
)
_LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


class WordPressImportError(Exception):
    """The export cannot be imported. The message names the problem and the post
    (by WordPress id and line), never anyone's personal data."""


@dataclass
class ImportReport:
    """What an import did (in a dry run, would have done). Warnings name posts by
    title, never by author; unresolved links are old addresses with anything that
    could name a person (author pages, query strings) left out."""

    created: int = 0
    updated: int = 0
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    pictures: int = 0  # placed: hero pictures and pictures in bodies
    pictures_credited: int = 0
    links_rewritten: int = 0
    unresolved_links: list[str] = field(default_factory=list)  # "'Title': old URL"


@dataclass(frozen=True)
class _Attachment:
    wordpress_id: int
    title: str
    alt: str
    url: str
    attached_file: str
    credit: str  # its caption, else the credit in its image metadata


@dataclass(frozen=True)
class _PictureRef:
    """A picture as the post's body has it; `token` marks its place in the body."""

    token: str
    src: str
    alt: str
    credit: str
    attachment_id: int | None


@dataclass
class _Post:
    wordpress_id: int
    line: int
    title: str
    slug: str
    summary: str
    body: str  # sanitised, with a token where each picture goes
    pictures: list[_PictureRef]
    status: str
    pub_date: datetime | None
    topics: list[tuple[str, str]]  # (slug, name)
    author_login: str
    thumbnail_id: int | None
    warnings: list[str]


@dataclass
class _Export:
    posts: list[_Post]
    attachments: dict[int, _Attachment]
    skipped: int
    site_urls: list[str]  # the old blog's addresses, as the export gives them


@dataclass(frozen=True)
class _Image:
    path: Path
    alt: str
    credit: str = ""


@dataclass
class _Target:
    """Where a post is going: its article (unsaved changes) and its new slug."""

    article: Article
    is_new: bool
    slug: str


@dataclass
class _Pending:
    """A saved article whose new picture files are still to be written."""

    article: Article
    hero: _Image | None
    body: str  # tokens left only where a new body picture goes
    new_pictures: dict[str, _Image]  # token: picture


@dataclass
class _Links:
    """What links to the old blog can become: new addresses by old slug and post id,
    and the topics a category link can go to."""

    old_hosts: set[str]
    base_url: str
    by_slug: dict[str, str]
    by_id: dict[int, str]
    topic_slugs: set[str]


def articles_import_wordpress(
    *,
    path: Path,
    media_dir: Path | None = None,
    old_sites: Sequence[str] = (),
    dry_run: bool = False,
) -> ImportReport:
    """Create or update an article for each post in the WXR export at `path`.

    Idempotent: articles are matched by `wordpress_id`, then by slug (an article
    with that slug and no `wordpress_id` is adopted), so a second run updates
    what the first made and creates nothing (a body picture already stored for
    the article, byte for byte, is reused). Only posts become articles; pages,
    menu items, trashed posts and auto-drafts are counted as skipped (attachments
    are read for pictures, and not counted).

    Pictures keep their alt text and credit, and links to the old blog are
    rewritten or unlinked, as the module docstring says; `old_sites` names more
    addresses of the old blog than the export does.

    All or nothing: the import runs in one transaction, picture files are written
    only once every post has been saved, and written files are deleted again if
    anything fails. Raises WordPressImportError for a file that is not XML, not a
    WordPress export, or has a post without an id or title. Pictures are read
    from `media_dir` (default: the export's folder) and nothing else; a missing or
    unreadable picture is a warning, and the post is imported without it.
    With `dry_run`, everything is checked and counted and nothing is saved.
    """
    path = Path(path)
    media_dir = Path(media_dir) if media_dir is not None else path.parent
    export = _read_export(path)
    report = ImportReport(skipped=export.skipped, dry_run=dry_run)
    written: list[tuple[Storage, str]] = []
    try:
        with transaction.atomic():
            targets = _targets(export.posts)
            links = _links(export, targets=targets, old_sites=old_sites)
            pending = [
                _import_post(
                    post=post,
                    target=targets[post.wordpress_id],
                    export=export,
                    links=links,
                    media_dir=media_dir,
                    report=report,
                )
                for post in export.posts
            ]
            if dry_run:
                transaction.set_rollback(True)
            else:
                for item in pending:
                    if item.hero is not None or item.new_pictures:
                        _write_pictures(item, written=written)
    except BaseException:
        # The rows are rolled back; the files are not, so remove them by hand.
        for storage, name in written:
            storage.delete(name)
        raise
    return report


def _targets(posts: list[_Post]) -> dict[int, _Target]:
    """Each post's article and slug, decided before anything is saved, so that a
    link to a post later in the export already knows its new address."""
    targets: dict[int, _Target] = {}
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
        targets[post.wordpress_id] = _Target(article=article, is_new=is_new, slug=slug)
    return targets


def _import_post(
    *,
    post: _Post,
    target: _Target,
    export: _Export,
    links: _Links,
    media_dir: Path,
    report: ImportReport,
) -> _Pending:
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

    image = _featured_image(post, export=export, media_dir=media_dir, report=report)
    if image is not None:
        article.hero_alt = image.alt
        if image.credit:
            # Without one in the export, an editor's credit is kept.
            article.hero_credit = image.credit
        _count_picture(image, report=report)
        if _same_image(article, image.path):
            image = None  # already there from an earlier run: keep the stored file

    body = _rewrite_links(post.body, post=post, links=links, report=report)
    body, new_pictures = _place_pictures(
        body,
        post=post,
        article=article,
        export=export,
        media_dir=media_dir,
        report=report,
    )
    # Saved now without the new pictures, which have no address until written.
    article.body = sanitise_html(_TOKEN.sub("", body))

    try:
        # Body may be empty (an unfinished draft); the sanitiser has already run.
        article.full_clean(exclude=["hero_image", "body"])
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
    return _Pending(article=article, hero=image, body=body, new_pictures=new_pictures)


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
        article.hero_alt,
        article.hero_credit,
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


def _author(post: _Post, *, report: ImportReport):
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


def _count_picture(image: _Image, *, report: ImportReport) -> None:
    report.pictures += 1
    if image.credit:
        report.pictures_credited += 1


def _featured_image(
    post: _Post, *, export: _Export, media_dir: Path, report: ImportReport
) -> _Image | None:
    if post.thumbnail_id is None:
        return None
    attachment = export.attachments.get(post.thumbnail_id)
    if attachment is None:
        report.warnings.append(
            f"{post.title!r}: its featured image (attachment {post.thumbnail_id}) is"
            " not in the export; imported without an image."
        )
        return None
    path = _local_file(_attachment_paths(attachment), media_dir=media_dir)
    if path is None:
        report.warnings.append(
            f"{post.title!r}: the file of its featured image (attachment"
            f" {attachment.wordpress_id}) was not found under the media folder;"
            " imported without an image."
        )
        return None
    if problem := _unusable(path):
        report.warnings.append(
            f"{post.title!r}: its featured image (attachment {attachment.wordpress_id})"
            f" cannot be used ({problem}); imported without an image."
        )
        return None
    alt = (attachment.alt or attachment.title)[:ALT_LENGTH].strip()
    if not alt:
        # The site requires a description with every picture; an editor adds both.
        report.warnings.append(
            f"{post.title!r}: its featured image (attachment {attachment.wordpress_id})"
            " has neither alt text nor a title; imported without an image."
        )
        return None
    return _Image(path=path, alt=alt, credit=_credit(attachment.credit))


def _place_pictures(
    body: str,
    *,
    post: _Post,
    article: Article,
    export: _Export,
    media_dir: Path,
    report: ImportReport,
) -> tuple[str, dict[str, _Image]]:
    """The body with each picture that can be used placed as <img src alt> (one
    already stored for the article), or its token kept (a new one, returned to be
    written); a picture that cannot be used is left out, with a warning."""
    stored = list(article.images.all()) if article.pk else []
    new: dict[str, _Image] = {}
    placed: dict[str, str] = {}
    for ref in post.pictures:
        image = _body_picture(
            ref, post=post, export=export, media_dir=media_dir, report=report
        )
        if image is None:
            placed[ref.token] = ""
            continue
        _count_picture(image, report=report)
        existing = next((p for p in stored if _same_file(p.image, image.path)), None)
        if existing is None:
            new[ref.token] = image
            continue
        if (existing.alt, existing.credit) != (image.alt, image.credit):
            existing.alt, existing.credit = image.alt, image.credit
            existing.save(update_fields=["alt", "credit"])
        placed[ref.token] = _img(existing.image.url, image.alt)
    return _TOKEN.sub(lambda m: placed.get(m.group(0), m.group(0)), body), new


def _body_picture(
    ref: _PictureRef,
    *,
    post: _Post,
    export: _Export,
    media_dir: Path,
    report: ImportReport,
) -> _Image | None:
    attachment = export.attachments.get(ref.attachment_id or 0)
    paths = _attachment_paths(attachment) if attachment else []
    paths += _upload_paths(ref.src)
    name = PurePosixPath(unquote(urlsplit(ref.src).path)).name or "no file name"
    path = _local_file(paths, media_dir=media_dir)
    if path is None:
        report.warnings.append(
            f"{post.title!r}: a picture in its body ({name}) was not found under the"
            " media folder; left out."
        )
        return None
    if problem := _unusable(path):
        report.warnings.append(
            f"{post.title!r}: a picture in its body ({name}) cannot be used"
            f" ({problem}); left out."
        )
        return None
    fallback = attachment.alt or attachment.title if attachment else ""
    alt = (ref.alt or fallback)[:ALT_LENGTH].strip()
    if not alt:
        report.warnings.append(
            f"{post.title!r}: a picture in its body ({name}) has no alt text; left"
            " out. Add it in the editor with a description."
        )
        return None
    credit = _credit(ref.credit or (attachment.credit if attachment else ""))
    return _Image(path=path, alt=alt, credit=credit)


def _credit(text: str) -> str:
    return _truncate(text, CREDIT_LENGTH)


def _img(url: str, alt: str) -> str:
    # The only picture markup the sanitiser keeps; the page adds the credit.
    return f'<img src="{html.escape(url)}" alt="{html.escape(alt)}">'


def _attachment_paths(attachment: _Attachment) -> list[str]:
    paths = []
    if attachment.attached_file:
        paths.append(attachment.attached_file)  # relative to uploads/
    return paths + _upload_paths(attachment.url)


def _upload_paths(url: str) -> list[str]:
    """Where under uploads/ a picture's address points: the original first, then
    the resized copy the post showed (WordPress names those name-300x200.jpg)."""
    url_path = unquote(urlsplit(url).path)
    if "/uploads/" not in url_path:
        return []
    relative = url_path.split("/uploads/", 1)[1]
    original = _RESIZED.sub(r"\1", relative)
    return [original, relative] if original != relative else [relative]


def _local_file(relative_paths: list[str], *, media_dir: Path) -> Path | None:
    """The first of `relative_paths` inside `media_dir`, or None. Never leaves that
    folder."""
    root = media_dir.resolve()
    for relative in relative_paths:
        relative = relative.lstrip("/\\")
        for folder in (root / "uploads", root / "wp-content" / "uploads", root):
            candidate = (folder / relative).resolve()
            # resolve() follows "..", and symlinks: both could point out of the folder.
            if candidate.is_relative_to(root) and candidate.is_file():
                return candidate
    return None


def _unusable(path: Path) -> str:
    """Why the picture at `path` fails the upload rules, or "" if it passes."""
    try:
        with path.open("rb") as source:
            validate_hero_image(File(source))  # the same rules as an upload
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


def _same_image(article: Article, path: Path) -> bool:
    return bool(article.hero_image) and _same_file(article.hero_image, path)


def _same_file(stored, path: Path) -> bool:
    try:
        with stored.open("rb") as file:
            return file.read() == path.read_bytes()
    except OSError:
        return False


def _write_pictures(pending: _Pending, *, written: list[tuple[Storage, str]]) -> None:
    """Write an article's new picture files, place them in its body, and save it."""
    article = pending.article
    if pending.hero is not None:
        with pending.hero.path.open("rb") as source:
            article.hero_image.save(pending.hero.path.name, File(source), save=False)
        written.append((article.hero_image.storage, article.hero_image.name))
    urls: dict[str, str] = {}
    by_path: dict[Path, ArticleImage] = {}  # the same picture twice is stored once
    for token, image in pending.new_pictures.items():
        picture = by_path.get(image.path)
        if picture is None:
            picture = ArticleImage(article=article, alt=image.alt, credit=image.credit)
            with image.path.open("rb") as source:
                picture.image.save(image.path.name, File(source), save=False)
            written.append((picture.image.storage, picture.image.name))
            picture.save()
            article_renditions_queue(image_id=picture.pk)  # sent once this commits
            by_path[image.path] = picture
        urls[token] = _img(picture.image.url, image.alt)
    if urls:
        article.body = sanitise_html(
            _TOKEN.sub(lambda m: urls.get(m.group(0), ""), pending.body)
        )
    article.save()
    if pending.hero is not None:
        article_renditions_queue(article_id=article.pk)  # sent only once this commits


# Links to the old blog ------------------------------------------------------------


def _links(
    export: _Export, *, targets: dict[int, _Target], old_sites: Sequence[str]
) -> _Links:
    site_urls = [*export.site_urls, *old_sites]
    old_hosts = {host for url in site_urls if (host := _host(url))}
    by_slug, by_id = {}, {}
    topic_slugs = {slug for post in export.posts for slug, _ in post.topics}
    for post in export.posts:
        url = reverse(
            "articles:article_detail", kwargs={"slug": targets[post.wordpress_id].slug}
        )
        by_slug.setdefault(post.slug, url)
        by_id[post.wordpress_id] = url
    base_url = next((url for url in site_urls if _host(url)), "")
    return _Links(
        old_hosts=old_hosts,
        base_url=base_url,
        by_slug=by_slug,
        by_id=by_id,
        topic_slugs=topic_slugs,
    )


def _host(url: str) -> str:
    """The host of `url`, lower case, without "www."; "" if it has none."""
    if "//" not in url:
        url = "//" + url  # "old-site.example" as a command option
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _rewrite_links(body: str, *, post: _Post, links: _Links, report: ImportReport):
    """Each link to the old blog pointed at its new address, or, with none known,
    replaced by its text (and reported)."""
    unresolved: list[str] = []

    def rewrite(match: re.Match) -> str:
        tag, text = match.group(1), match.group(2)
        href_match = _HREF.search(tag)
        if href_match is None:
            return match.group(0)
        href = html.unescape(href_match.group(1))
        if not _is_old_site(href, links=links):
            return match.group(0)  # another site's, a mailto:, or a #fragment
        new_url = _new_address(href, links=links)
        if new_url is None:
            old = _shown_url(urljoin(links.base_url, href))
            if old not in unresolved:
                unresolved.append(old)
            return text
        report.links_rewritten += 1
        new_href = f'href="{html.escape(new_url)}"'
        tag = tag[: href_match.start()] + new_href + tag[href_match.end() :]
        return f"{tag}{text}</a>"

    body = _LINK.sub(rewrite, body)
    report.unresolved_links.extend(f"{post.title!r}: {url}" for url in unresolved)
    return body


def _is_old_site(href: str, *, links: _Links) -> bool:
    try:
        parts = urlsplit(href.strip())
    except ValueError:
        return False
    if parts.scheme and parts.scheme not in {"http", "https"}:
        return False
    if parts.netloc:
        return _host(href) in links.old_hosts
    # A relative link was relative to the old blog; a bare #fragment is this page's.
    return bool(parts.path or parts.query)


def _new_address(href: str, *, links: _Links) -> str | None:
    parts = urlsplit(href.strip())
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    query = parse_qs(parts.query)
    if post_id := _int(next(iter(query.get("p", [])), "")):
        url = links.by_id.get(post_id)
        if url is None:
            # An earlier import's article (pages are never imported).
            article = Article.objects.filter(wordpress_id=post_id).first()
            url = article.get_absolute_url() if article else None
        return url + fragment if url else None
    if query:
        return None  # ?page_id=, ?cat=, ?s=: nothing here to match
    segments = [s for s in unquote(parts.path).split("/") if s]
    if not segments:
        return reverse("articles:home")  # the old blog's home page: ours
    if segments[0] == "category":
        # A category archive: the topic its posts were filed under here.
        slug = slugify(segments[-1])
        if slug in links.topic_slugs or Topic.objects.filter(slug=slug).exists():
            return reverse("articles:topic_detail", kwargs={"slug": slug})
        return None
    if segments[0] in _NOT_POSTS:
        return None
    url = links.by_slug.get(slugify(segments[-1]))
    return url + fragment if url else None


def _shown_url(url: str) -> str:
    """`url` for the report: no query but a post id, and an author page without its
    author, since either can name a person."""
    parts = urlsplit(url)
    segments = parts.path.split("/")
    if "author" in segments:
        path = "/".join(segments[: segments.index("author") + 1]) + "/…"
    else:
        path = parts.path
    query = parse_qs(parts.query)
    kept = "&".join(
        f"{key}={query[key][0]}"
        for key in ("p", "page_id", "cat")
        if key in query and query[key][0].isdigit()
    )
    shown = f"{parts.scheme}://{parts.netloc}{path}" if parts.netloc else path
    return f"{shown}?{kept}" if kept else shown


# Reading the export ---------------------------------------------------------------


class _LineRecorder:
    """A tree builder that notes the line each <item> starts on, for error messages
    (ElementTree's elements do not keep their position)."""

    def __init__(self) -> None:
        self._builder = TreeBuilder()
        self.expat = None  # the parser's expat object, set once the parser exists
        self.item_lines: dict[Element, int] = {}

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        element = self._builder.start(tag, attrs)
        if tag == "item":
            self.item_lines[element] = self.expat.CurrentLineNumber
        return element

    def end(self, tag: str) -> Element:
        return self._builder.end(tag)

    def data(self, data: str) -> None:
        self._builder.data(data)

    def close(self) -> Element:
        return self._builder.close()


def _read_export(path: Path) -> _Export:
    root, item_lines = _parse_xml(path)
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise WordPressImportError(
            f"{path.name} is not a WordPress export: it has no <rss><channel>."
        )
    wp_ns = next(
        (
            ns
            for ns in WP_NAMESPACES
            if channel.find(f"{{{ns}}}wxr_version") is not None
            or channel.find(f"item/{{{ns}}}post_type") is not None
        ),
        None,
    )
    if wp_ns is None:
        raise WordPressImportError(
            f"{path.name} is not a WordPress export: it has no wp:wxr_version and"
            " no items with a wp:post_type."
        )

    def wp(tag: str) -> str:
        return f"{{{wp_ns}}}{tag}"

    items = channel.findall("item")
    attachments = {}
    for item in items:
        if _text(item, wp("post_type")) == "attachment":
            attachment = _read_attachment(item, wp=wp)
            if attachment is not None:
                attachments[attachment.wordpress_id] = attachment

    posts: list[_Post] = []
    seen_ids: set[int] = set()
    skipped = 0
    for item in items:
        post_type = _text(item, wp("post_type"))
        if post_type == "attachment":
            continue
        if post_type != "post" or _text(item, wp("status")) in SKIPPED_STATUSES:
            skipped += 1
            continue
        post = _read_post(item, line=item_lines.get(item, 0), wp=wp)
        if post.wordpress_id in seen_ids:
            raise WordPressImportError(
                f"Post {post.wordpress_id} (line {post.line}) appears twice in the"
                " export."
            )
        seen_ids.add(post.wordpress_id)
        posts.append(post)
    site_urls = [
        url
        for tag in ("link", wp("base_site_url"), wp("base_blog_url"))
        if (url := _text(channel, tag))
    ]
    return _Export(
        posts=posts, attachments=attachments, skipped=skipped, site_urls=site_urls
    )


def _parse_xml(path: Path) -> tuple[Element, dict[Element, int]]:
    recorder = _LineRecorder()
    parser = DefusedXMLParser(target=recorder)
    recorder.expat = parser.parser
    try:
        with path.open("rb") as export:
            while chunk := export.read(64 * 1024):
                parser.feed(chunk)
        root = parser.close()
    except OSError as error:
        raise WordPressImportError(
            f"Cannot read {path}: {error.strerror or error}"
        ) from error
    except ParseError as error:
        line, column = error.position
        reason = expat.ErrorString(error.code) if error.code else str(error)
        raise WordPressImportError(
            f"{path.name} is not valid XML: {reason} at line {line}, column {column}."
        ) from error
    except EntitiesForbidden as error:
        raise WordPressImportError(
            f"{path.name} was refused: it declares an XML entity ({error.name!r}),"
            " which a WordPress export never does and an entity-expansion attack"
            f" does (line {parser.parser.CurrentLineNumber})."
        ) from error
    except DefusedXmlException as error:
        raise WordPressImportError(
            f"{path.name} was refused: it refers to an external file or DTD"
            f" (line {parser.parser.CurrentLineNumber})."
        ) from error
    return root, recorder.item_lines


def _text(element: Element, tag: str) -> str:
    found = element.find(tag)
    return (found.text or "").strip() if found is not None else ""


def _postmeta(item: Element, *, wp) -> dict[str, str]:
    return {
        _text(meta, wp("meta_key")): _text(meta, wp("meta_value"))
        for meta in item.findall(wp("postmeta"))
    }


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() and int(value) > 0 else None


def _read_attachment(item: Element, *, wp) -> _Attachment | None:
    wordpress_id = _int(_text(item, wp("post_id")))
    if wordpress_id is None:
        return None  # nothing can point at it
    meta = _postmeta(item, wp=wp)
    # An attachment's caption is its excerpt; a camera's credit is in its metadata.
    caption = _plain_text(_excerpt(item))
    return _Attachment(
        wordpress_id=wordpress_id,
        title=html.unescape(_text(item, "title")),
        alt=html.unescape(meta.get("_wp_attachment_image_alt", "")),
        url=_text(item, wp("attachment_url")),
        attached_file=meta.get("_wp_attached_file", ""),
        credit=caption
        or _plain_text(_php_string(meta.get("_wp_attachment_metadata", ""), "credit")),
    )


def _excerpt(item: Element) -> str:
    return next(
        (
            text
            for ns in EXCERPT_NAMESPACES
            if (text := _text(item, f"{{{ns}}}encoded"))
        ),
        "",
    )


def _php_string(serialised: str, key: str) -> str:
    """The string stored under `key` in PHP's serialize() format, which WordPress
    uses for an attachment's metadata: ...s:6:"credit";s:9:"A. Person";..."""
    data = serialised.encode()
    marker = f's:{len(key.encode())}:"{key}";s:'.encode()
    start = data.find(marker)
    if start < 0:
        return ""
    length, _, rest = data[start + len(marker) :].partition(b':"')
    if not length.isdigit():
        return ""
    return rest[: int(length)].decode(errors="replace")


def _read_post(item: Element, *, line: int, wp) -> _Post:
    wordpress_id = _int(_text(item, wp("post_id")))
    if wordpress_id is None:
        raise WordPressImportError(
            f"The post on line {line} has no wp:post_id (a positive number)."
        )
    title = html.unescape(strip_tags(_text(item, "title"))).strip()
    if not title:
        raise WordPressImportError(f"Post {wordpress_id} (line {line}) has no title.")
    wp_status = _text(item, wp("status"))
    if wp_status not in STATUSES:
        raise WordPressImportError(
            f"Post {wordpress_id} (line {line}) has an unknown status {wp_status!r}."
        )

    warnings = []
    raw_body = _text(item, f"{{{CONTENT_NS}}}encoded")
    marked, pictures = _pictures_marked(_paragraphs(raw_body))
    body = sanitise_html(_SHORTCODE.sub("", marked))
    if _SHORTCODE.search(marked):
        warnings.append(
            f"{title!r}: WordPress shortcodes (galleries, embeds) were removed from"
            " the body."
        )
    summary = _truncate(_plain_text(_without_shortcodes(_excerpt(item))))
    if not summary:
        summary = _truncate(_first_paragraph(raw_body))
    if not summary:
        summary = _truncate(title)
        warnings.append(f"{title!r}: has no text; its title is used as the summary.")

    topics: dict[str, str] = {}
    for category in item.findall("category"):
        if category.get("domain") != "category":
            continue  # tags and custom taxonomies are not topics
        name = html.unescape((category.text or "").strip())[:TOPIC_NAME_LENGTH]
        slug = slugify(unquote(category.get("nicename") or name))[:TOPIC_SLUG_LENGTH]
        if slug and name:
            topics.setdefault(slug, name)

    slug = slugify(unquote(_text(item, wp("post_name")))) or slugify(title)
    return _Post(
        wordpress_id=wordpress_id,
        line=line,
        title=title,
        slug=(slug or f"post-{wordpress_id}")[:SLUG_LENGTH],
        summary=summary,
        body=body,
        pictures=pictures,
        status=STATUSES[wp_status],
        pub_date=_pub_date(item, wp=wp, wordpress_id=wordpress_id, line=line),
        topics=list(topics.items()),
        author_login=_text(item, f"{{{DC_NS}}}creator"),
        thumbnail_id=_int(_postmeta(item, wp=wp).get("_thumbnail_id", "")),
        warnings=warnings,
    )


def _pub_date(item: Element, *, wp, wordpress_id: int, line: int) -> datetime | None:
    """post_date_gmt in UTC; else post_date on UK time; None when neither is set
    (WordPress leaves both empty or zero on some drafts)."""
    for tag, zone in (("post_date_gmt", UTC), ("post_date", BLOG_TIMEZONE)):
        value = _text(item, wp(tag))
        if not value or value.startswith("0000-00-00"):
            continue
        try:
            return datetime.strptime(value, WP_DATE_FORMAT).replace(tzinfo=zone)
        except ValueError as error:
            raise WordPressImportError(
                f"Post {wordpress_id} (line {line}) has an unreadable wp:{tag}"
                f" {value!r} (expected YYYY-MM-DD HH:MM:SS)."
            ) from error
    return None


def _without_shortcodes(text: str) -> str:
    return _SHORTCODE.sub("", _CAPTION.sub("", text))


def _pictures_marked(body: str) -> tuple[str, list[_PictureRef]]:
    """`body` with a token in place of each picture (with its caption), and the
    pictures. A figure's or caption's picture becomes a paragraph of its own."""
    pictures: list[_PictureRef] = []

    def mark(img: str, *, credit: str = "", attachment_id: int | None = None) -> str:
        attributes = _attributes(img)
        if attachment_id is None:
            found = _WP_IMAGE_CLASS.search(attributes.get("class", ""))
            attachment_id = int(found.group(1)) if found else None
        token = f"\ue000{len(pictures)}\ue001"
        pictures.append(
            _PictureRef(
                token=token,
                src=attributes.get("src", ""),
                alt=" ".join(attributes.get("alt", "").split()),
                credit=_plain_text(credit),
                attachment_id=attachment_id,
            )
        )
        return token

    def caption(match: re.Match) -> str:
        attributes, inner = _attributes(match.group(1)), match.group(2)
        found = _ATTACHMENT_ID.search(attributes.get("id", ""))
        # Older WordPress puts the caption after the picture, newer in an attribute.
        text = attributes.get("caption") or _PICTURE.sub("", inner)
        picture = _PICTURE.search(inner)
        if picture is None:
            return inner
        # Its text is the credit, so the picture alone is left in its place.
        return mark(
            picture.group(1) or picture.group(2),
            credit=text,
            attachment_id=int(found.group(1)) if found else None,
        )

    def figure(match: re.Match) -> str:
        inner = match.group(1)
        if not _PICTURE.search(inner):
            return match.group(0)  # a quote or a table: the sanitiser unwraps it
        found = _FIGCAPTION.search(inner)
        text = found.group(1) if found else ""
        tokens = [
            mark(m.group(1) or m.group(2), credit=text)
            for m in _PICTURE.finditer(inner)
        ]
        return f"<p>{' '.join(tokens)}</p>"

    body = _CAPTION.sub(caption, body)
    body = _FIGURE.sub(figure, body)
    body = _PICTURE.sub(lambda m: mark(m.group(1) or m.group(2)), body)
    return body, pictures


def _attributes(tag: str) -> dict[str, str]:
    return {
        match.group(1).lower(): html.unescape(
            next(value for value in match.groups()[1:] if value is not None)
        )
        for match in _ATTRIBUTE.finditer(tag)
    }


def _paragraphs(body: str) -> str:
    """Wrap blank-line-separated text in <p>, as WordPress does when it shows a
    classic-editor post (the export has the text as typed, without the tags)."""
    if re.search(r"<p[\s>]", body, re.IGNORECASE):
        return body  # the block editor, or an author who wrote the tags
    chunks = [chunk.strip() for chunk in re.split(r"\n\s*\n", body)]
    return "\n".join(
        chunk
        if _STARTS_WITH_BLOCK.match(chunk)
        else "<p>" + chunk.replace("\n", "<br>\n") + "</p>"
        for chunk in chunks
        if chunk
    )


def _plain_text(markup: str) -> str:
    # Sanitised first so that script and style contents go, not just their tags.
    text = strip_tags(_LINE_BREAK.sub(" ", sanitise_html(markup)))
    return " ".join(html.unescape(text).split())


def _first_paragraph(body: str) -> str:
    """The first paragraph's text: headings are not paragraphs, so they are dropped."""
    body = _HEADING.sub("\n\n", _without_shortcodes(body))
    while _FIGURE.search(body):
        body = _FIGURE.sub("\n\n", body)  # pictures and their credits
    for chunk in _BLOCK_TAG.split(sanitise_html(body)):
        if text := _plain_text(chunk):
            return text
    return ""


def _truncate(text: str, limit: int = SUMMARY_LENGTH) -> str:
    """`text` if it fits, else cut at a word boundary with an ellipsis, in `limit`."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and not text[limit - 1].isspace():
        cut = cut.rsplit(" ", 1)[0] or cut
    return cut.rstrip(" ,;:.-") + "…"
