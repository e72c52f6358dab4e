"""Pictures: found under the media folder, checked, placed in the body and written.

Pictures keep their description and credit. The featured image becomes the hero
picture (an ArticleImage the article points at, replaced by the one service that
replaces it), credited from its attachment's caption (or the credit in its
metadata).
A picture in the body (a block-editor <figure>, a [caption] shortcode or a bare
<img>) becomes an ArticleImage of the article, described by its alt text (else the
attachment's) and credited by its figcaption or caption (else the attachment's),
and is placed in the body as <img src alt>, which the page shows with its credit.

Pictures are read only from the media folder, never fetched, and each passes the
same checks as an upload. Files are written only once every post has been saved.
"""

import html
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import Storage

from ..html import sanitise_html
from ..images import validate_hero_image
from ..models import Article, ArticleImage
from ..services import article_hero_replace, article_image_renditions_queue
from .export import Attachment, Export, Post
from .markup import TOKEN, PictureRef, truncate
from .report import ImportReport

ALT_LENGTH = ArticleImage._meta.get_field("alt").max_length
CREDIT_LENGTH = ArticleImage._meta.get_field("credit").max_length

_RESIZED = re.compile(r"-\d+x\d+(\.\w+)$")


@dataclass(frozen=True)
class Picture:
    """A picture file found under the media folder, with what describes it."""

    path: Path
    alt: str
    credit: str = ""


@dataclass
class Pending:
    """A saved article whose new picture files are still to be written."""

    article: Article
    hero: Picture | None
    body: str  # tokens left only where a new body picture goes
    new_pictures: dict[str, Picture]  # token: picture


def count_picture(image: Picture, *, report: ImportReport) -> None:
    report.pictures += 1
    if image.credit:
        report.pictures_credited += 1


def featured_image(
    post: Post, *, export: Export, media_dir: Path, report: ImportReport
) -> Picture | None:
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
    return Picture(path=path, alt=alt, credit=_credit(attachment.credit))


def place_pictures(
    body: str,
    *,
    post: Post,
    article: Article,
    export: Export,
    media_dir: Path,
    report: ImportReport,
) -> tuple[str, dict[str, Picture]]:
    """The body with each picture that can be used placed as <img src alt> (one
    already stored for the article), or its token kept (a new one, returned to be
    written); a picture that cannot be used is left out, with a warning."""
    stored = article.body_pictures if article.pk else []
    new: dict[str, Picture] = {}
    placed: dict[str, str] = {}
    for ref in post.pictures:
        image = _body_picture(
            ref, post=post, export=export, media_dir=media_dir, report=report
        )
        if image is None:
            placed[ref.token] = ""
            continue
        count_picture(image, report=report)
        existing = next((p for p in stored if _same_file(p.image, image.path)), None)
        if existing is None:
            new[ref.token] = image
            continue
        if (existing.alt, existing.credit) != (image.alt, image.credit):
            existing.alt, existing.credit = image.alt, image.credit
            existing.save(update_fields=["alt", "credit"])
        placed[ref.token] = _img(existing.image.url, image.alt)
    return TOKEN.sub(lambda m: placed.get(m.group(0), m.group(0)), body), new


def _body_picture(
    ref: PictureRef,
    *,
    post: Post,
    export: Export,
    media_dir: Path,
    report: ImportReport,
) -> Picture | None:
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
    return Picture(path=path, alt=alt, credit=credit)


def _credit(text: str) -> str:
    return truncate(text, CREDIT_LENGTH)


def _img(url: str, alt: str) -> str:
    # The only picture markup the sanitiser keeps; the page adds the credit.
    return f'<img src="{html.escape(url)}" alt="{html.escape(alt)}">'


def _attachment_paths(attachment: Attachment) -> list[str]:
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


def same_image(picture: ArticleImage | None, path: Path) -> bool:
    return picture is not None and _same_file(picture.image, path)


def _same_file(stored, path: Path) -> bool:
    try:
        with stored.open("rb") as file:
            return file.read() == path.read_bytes()
    except OSError:
        return False


def write_pictures(pending: Pending, *, written: list[tuple[Storage, str]]) -> None:
    """Write an article's new picture files, place them in its body, and save it."""
    article = pending.article
    if pending.hero is not None:
        with pending.hero.path.open("rb") as source:
            hero = article_hero_replace(  # resized once this commits
                article=article,
                upload=File(source, name=pending.hero.path.name),
                alt=pending.hero.alt,
                credit=pending.hero.credit,
            )
        written.append((hero.image.storage, hero.image.name))
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
            article_image_renditions_queue(image_id=picture.pk)  # once this commits
            by_path[image.path] = picture
        urls[token] = _img(picture.image.url, image.alt)
    if urls:
        article.body = sanitise_html(
            TOKEN.sub(lambda m: urls.get(m.group(0), ""), pending.body)
        )
        article.save()
