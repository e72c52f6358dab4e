"""Article pictures: checked on upload, resized in the background.

The upload is checked by its content, not its name. Resized WebP copies are made
once, by a Celery task, and the page offers them with srcset; the original is kept.
"""

import hashlib
import logging
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

ALLOWED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
RENDITION_WIDTHS = (480, 800, 1200)
WEBP_QUALITY = 80


def validate_hero_image(upload) -> None:
    """A JPEG, PNG or WebP within the size limit, whatever the file is called."""
    limit = settings.ARTICLE_IMAGE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"This picture is {upload.size / 1_048_576:.1f} MB; the largest we take is"
            f" {limit / 1_048_576:.0f} MB. Make it smaller and upload it again."
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            found = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ValidationError(
            "This file is not a picture we can use. Upload a JPEG, PNG or WebP."
        ) from error
    finally:
        upload.seek(0)
    if found not in ALLOWED_FORMATS:
        raise ValidationError(
            f"This is a {found} file. Upload a JPEG, PNG or WebP instead."
        )


def _renditions_of(name: str, owner: int | str) -> list[dict]:
    digest = hashlib.sha256(name.encode()).hexdigest()[:12]
    made = []
    with default_storage.open(name) as source, Image.open(source) as original:
        image = ImageOps.exif_transpose(original)
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        widths = [w for w in RENDITION_WIDTHS if w < image.width] or [image.width]
        for width in widths:
            height = round(image.height * width / image.width)
            path = f"articles/renditions/{owner}/{digest}-{width}.webp"
            if not default_storage.exists(path):
                buffer = BytesIO()
                image.resize((width, height), Image.Resampling.LANCZOS).save(
                    buffer, "WEBP", quality=WEBP_QUALITY
                )
                default_storage.save(path, ContentFile(buffer.getvalue()))
            made.append(
                {"width": width, "height": height, "url": default_storage.url(path)}
            )
    return made


def article_make_renditions(*, article_id: int) -> list[dict]:
    """Make the resized copies of an article's picture. Safe to run twice: existing
    copies are reused, and the result is stored only if the picture is unchanged."""
    from .models import Article

    article = Article.objects.filter(pk=article_id).only("hero_image").first()
    if article is None or not article.hero_image:
        return []
    name = article.hero_image.name
    renditions = _renditions_of(name, article_id)
    Article.objects.filter(pk=article_id, hero_image=name).update(
        hero_renditions=renditions
    )
    return renditions


def article_image_make_renditions(*, image_id: int) -> list[dict]:
    """The same for a picture inside an article's body."""
    from .models import ArticleImage

    picture = ArticleImage.objects.filter(pk=image_id).only("image").first()
    if picture is None:
        return []
    name = picture.image.name
    renditions = _renditions_of(name, f"body-{image_id}")
    ArticleImage.objects.filter(pk=image_id, image=name).update(renditions=renditions)
    return renditions
