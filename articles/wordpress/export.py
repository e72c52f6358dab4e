"""Reading the export: its posts and attachments, as the importer needs them.

Only posts are read as posts; pages, menu items, trashed posts and auto-drafts are
counted as skipped, and attachments are read for the pictures they describe.
"""

import html
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote

# A type only: parsing is defusedxml's, in wxr.
from xml.etree.ElementTree import Element  # nosec B405
from zoneinfo import ZoneInfo

from django.utils.html import strip_tags
from django.utils.text import slugify

from ..html import sanitise_html
from ..models import Article, Topic
from .markup import (
    SHORTCODE,
    PictureRef,
    first_paragraph,
    paragraphs,
    pictures_marked,
    plain_text,
    truncate,
    without_shortcodes,
)
from .report import WordPressImportError
from .wxr import parse_xml

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

SLUG_LENGTH = Article._meta.get_field("slug").max_length

TOPIC_NAME_LENGTH = Topic._meta.get_field("name").max_length
TOPIC_SLUG_LENGTH = Topic._meta.get_field("slug").max_length


@dataclass(frozen=True)
class Attachment:
    wordpress_id: int
    title: str
    alt: str
    url: str
    attached_file: str
    credit: str  # its caption, else the credit in its image metadata


@dataclass
class Post:
    wordpress_id: int
    line: int
    title: str
    slug: str
    summary: str
    body: str  # sanitised, with a token where each picture goes
    pictures: list[PictureRef]
    status: str
    pub_date: datetime | None
    topics: list[tuple[str, str]]  # (slug, name)
    author_login: str
    thumbnail_id: int | None
    warnings: list[str]


@dataclass
class Export:
    posts: list[Post]
    attachments: dict[int, Attachment]
    skipped: int
    site_urls: list[str]  # the old blog's addresses, as the export gives them


def read_export(path: Path) -> Export:
    root, item_lines = parse_xml(path)
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

    posts: list[Post] = []
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
    return Export(
        posts=posts, attachments=attachments, skipped=skipped, site_urls=site_urls
    )


def _text(element: Element, tag: str) -> str:
    found = element.find(tag)
    return (found.text or "").strip() if found is not None else ""


def _postmeta(item: Element, *, wp) -> dict[str, str]:
    return {
        _text(meta, wp("meta_key")): _text(meta, wp("meta_value"))
        for meta in item.findall(wp("postmeta"))
    }


def positive_int(value: str) -> int | None:
    return int(value) if value.isdigit() and int(value) > 0 else None


def _read_attachment(item: Element, *, wp) -> Attachment | None:
    wordpress_id = positive_int(_text(item, wp("post_id")))
    if wordpress_id is None:
        return None  # nothing can point at it
    meta = _postmeta(item, wp=wp)
    # An attachment's caption is its excerpt; a camera's credit is in its metadata.
    caption = plain_text(_excerpt(item))
    return Attachment(
        wordpress_id=wordpress_id,
        title=html.unescape(_text(item, "title")),
        alt=html.unescape(meta.get("_wp_attachment_image_alt", "")),
        url=_text(item, wp("attachment_url")),
        attached_file=meta.get("_wp_attached_file", ""),
        credit=caption
        or plain_text(_php_string(meta.get("_wp_attachment_metadata", ""), "credit")),
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


def _read_post(item: Element, *, line: int, wp) -> Post:
    wordpress_id = positive_int(_text(item, wp("post_id")))
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
    marked, pictures = pictures_marked(paragraphs(raw_body))
    body = sanitise_html(SHORTCODE.sub("", marked))
    if SHORTCODE.search(marked):
        warnings.append(
            f"{title!r}: WordPress shortcodes (galleries, embeds) were removed from"
            " the body."
        )
    summary = truncate(plain_text(without_shortcodes(_excerpt(item))))
    if not summary:
        summary = truncate(first_paragraph(raw_body))
    if not summary:
        summary = truncate(title)
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
    return Post(
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
        thumbnail_id=positive_int(_postmeta(item, wp=wp).get("_thumbnail_id", "")),
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
