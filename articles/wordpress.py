"""Importing the old WordPress blog: a WXR export ("WordPress eXtended RSS") becomes
articles.

An export is untrusted input. It is parsed with defusedxml, which refuses entity
declarations (the "billion laughs" attack) and external references, and featured
images are read only from a local folder: nothing is ever fetched over the network.
"""

import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Building only: parsing is defusedxml's (DefusedXMLParser below).
from xml.etree.ElementTree import Element, ParseError, TreeBuilder  # nosec B405
from xml.parsers import expat
from zoneinfo import ZoneInfo

from defusedxml import DefusedXmlException, EntitiesForbidden
from defusedxml.ElementTree import DefusedXMLParser
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.html import strip_tags
from django.utils.text import slugify

from .html import sanitise_html
from .images import validate_hero_image
from .models import Article, Topic
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
TOPIC_NAME_LENGTH = Topic._meta.get_field("name").max_length
TOPIC_SLUG_LENGTH = Topic._meta.get_field("slug").max_length

# WordPress shortcodes mean nothing here and would show as literal text. A caption
# wraps an <img> (removed by the sanitiser) and its caption, which would be orphaned.
_CAPTION = re.compile(r"\[caption\b[^\]]*\].*?\[/caption\]", re.IGNORECASE | re.DOTALL)
_SHORTCODE = re.compile(
    r"\[/?(?:gallery|embed|video|audio|playlist|caption)\b[^\]]*\]", re.IGNORECASE
)
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
    title, never by author."""

    created: int = 0
    updated: int = 0
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False


@dataclass(frozen=True)
class _Attachment:
    wordpress_id: int
    title: str
    alt: str
    url: str
    attached_file: str


@dataclass
class _Post:
    wordpress_id: int
    line: int
    title: str
    slug: str
    summary: str
    body: str
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


@dataclass(frozen=True)
class _Image:
    path: Path
    alt: str


def articles_import_wordpress(
    *, path: Path, media_dir: Path | None = None, dry_run: bool = False
) -> ImportReport:
    """Create or update an article for each post in the WXR export at `path`.

    Idempotent: articles are matched by `wordpress_id`, then by slug (an article
    with that slug and no `wordpress_id` is adopted), so a second run updates
    what the first made and creates nothing. Only posts become articles; pages,
    menu items, trashed posts and auto-drafts are counted as skipped (attachments
    are read for featured images, and not counted).

    All or nothing: the import runs in one transaction, image files are written
    only once every post has been saved, and written files are deleted again if
    anything fails. Raises WordPressImportError for a file that is not XML, not a
    WordPress export, or has a post without an id or title. Featured images are
    read from `media_dir` (default: the export's folder) and nothing else; a
    missing or unreadable image is a warning, and the post is imported without it.
    With `dry_run`, everything is checked and counted and nothing is saved.
    """
    path = Path(path)
    media_dir = Path(media_dir) if media_dir is not None else path.parent
    export = _read_export(path)
    report = ImportReport(skipped=export.skipped, dry_run=dry_run)
    written: list[tuple[Article, str]] = []
    try:
        with transaction.atomic():
            pending = [
                _import_post(
                    post=post, export=export, media_dir=media_dir, report=report
                )
                for post in export.posts
            ]
            if dry_run:
                transaction.set_rollback(True)
            else:
                for article, image in pending:
                    if image is not None:
                        _write_image(article=article, image=image, written=written)
    except BaseException:
        # The rows are rolled back; the files are not, so remove them by hand.
        for article, name in written:
            article.hero_image.storage.delete(name)
        raise
    return report


def _import_post(
    *, post: _Post, export: _Export, media_dir: Path, report: ImportReport
) -> tuple[Article, _Image | None]:
    """Save one post's article (without a new image file, written later)."""
    report.warnings.extend(post.warnings)
    article = Article.objects.filter(wordpress_id=post.wordpress_id).first()
    if article is None:
        article = Article.objects.filter(
            slug=post.slug, wordpress_id__isnull=True
        ).first()
    is_new = article is None
    if article is None:
        article = Article()
    before = _snapshot(article)

    article.wordpress_id = post.wordpress_id
    article.title = post.title
    article.slug = _unique_slug(post.slug, article=article)
    article.summary = post.summary
    article.body = post.body
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
        if _same_image(article, image.path):
            image = None  # already there from an earlier run: keep the stored file

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
    return article, image


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
    )


def _unique_slug(base: str, *, article: Article) -> str:
    """`base`, or `base-2`, `base-3`... whichever no other article has."""
    others = Article.objects.exclude(pk=article.pk) if article.pk else Article.objects
    slug, number = base, 1
    while others.filter(slug=slug).exists():
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
    path = _local_file(attachment, media_dir=media_dir)
    if path is None:
        report.warnings.append(
            f"{post.title!r}: the file of its featured image (attachment"
            f" {attachment.wordpress_id}) was not found under the media folder;"
            " imported without an image."
        )
        return None
    try:
        with path.open("rb") as source:
            validate_hero_image(File(source))  # the same rules as an upload
    except ValidationError as error:
        report.warnings.append(
            f"{post.title!r}: its featured image (attachment {attachment.wordpress_id})"
            f" cannot be used ({' '.join(error.messages)}); imported without an image."
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
    return _Image(path=path, alt=alt)


def _local_file(attachment: _Attachment, *, media_dir: Path) -> Path | None:
    """The attachment's file inside `media_dir`, or None. Never leaves that folder."""
    relative_paths = []
    if attachment.attached_file:
        relative_paths.append(attachment.attached_file)  # relative to uploads/
    if attachment.url:
        url_path = unquote(urlsplit(attachment.url).path)
        if "/uploads/" in url_path:
            relative_paths.append(url_path.split("/uploads/", 1)[1])
    root = media_dir.resolve()
    for relative in relative_paths:
        relative = relative.lstrip("/\\")
        for folder in (root / "uploads", root / "wp-content" / "uploads", root):
            candidate = (folder / relative).resolve()
            # resolve() follows "..", and symlinks: both could point out of the folder.
            if candidate.is_relative_to(root) and candidate.is_file():
                return candidate
    return None


def _same_image(article: Article, path: Path) -> bool:
    if not article.hero_image:
        return False
    try:
        with article.hero_image.open("rb") as stored:
            return stored.read() == path.read_bytes()
    except OSError:
        return False


def _write_image(
    *, article: Article, image: _Image, written: list[tuple[Article, str]]
) -> None:
    with image.path.open("rb") as source:
        article.hero_image.save(image.path.name, File(source), save=False)
    written.append((article, article.hero_image.name))
    article.save()
    article_renditions_queue(article_id=article.pk)  # sent only once this commits


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
    return _Export(posts=posts, attachments=attachments, skipped=skipped)


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
    return _Attachment(
        wordpress_id=wordpress_id,
        title=html.unescape(_text(item, "title")),
        alt=html.unescape(meta.get("_wp_attachment_image_alt", "")),
        url=_text(item, wp("attachment_url")),
        attached_file=meta.get("_wp_attached_file", ""),
    )


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
    body = sanitise_html(_paragraphs(_without_shortcodes(raw_body)))
    if raw_body and _SHORTCODE.search(raw_body):
        warnings.append(
            f"{title!r}: WordPress shortcodes (captions, galleries, embeds) were"
            " removed from the body."
        )
    excerpt = next(
        (
            text
            for ns in EXCERPT_NAMESPACES
            if (text := _text(item, f"{{{ns}}}encoded"))
        ),
        "",
    )
    summary = _truncate(_plain_text(_without_shortcodes(excerpt)))
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
