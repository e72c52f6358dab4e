"""Article pictures as files: an upload checked, and a stored one resized.

The upload is checked by its content, not its name (`validate_hero_image`, the
models' validator). Resized WebP copies are made once, by a Celery task, and the
page offers them with srcset; the original is kept. This module knows no model, so
the models import it: recording the copies on their rows is articles/renditions.py.
"""

import hashlib
import logging
import warnings
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


def _open(source) -> Image.Image:
    """Image.open, lazily as ever (nothing is decoded yet), without Pillow's bomb
    warning: it comes at a higher count than our limit, and ours decides."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        return Image.open(source)


def _too_many_pixels(image: Image.Image) -> bool:
    # Read from the header: nothing is decoded yet.
    return image.width * image.height > settings.ARTICLE_IMAGE_MAX_PIXELS


def validate_hero_image(upload) -> None:
    """A JPEG, PNG or WebP within the size limits, whatever the file is called.

    Pixels are counted as well as bytes: a small file can unpack to a huge picture
    (a decompression bomb), which would take the resizing worker's memory and time.
    """
    limit = settings.ARTICLE_IMAGE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"This picture is {upload.size / 1_048_576:.1f} MB; the largest we take is"
            f" {limit / 1_048_576:.0f} MB. Make it smaller and upload it again."
        )
    try:
        upload.seek(0)
        with _open(upload) as image:
            found = image.format
            if _too_many_pixels(image):
                raise ValidationError(
                    f"This picture is {image.width} x {image.height} pixels; the"
                    f" largest we take is {settings.ARTICLE_IMAGE_MAX_PIXELS / 1e6:.0f}"
                    " million pixels (such as 6000 x 4000). Make it smaller and"
                    " upload it again."
                )
            image.verify()
    except Image.DecompressionBombError as error:  # far past even Pillow's limit
        raise ValidationError(
            "This picture is far too large in pixels. Make it smaller and upload it"
            " again."
        ) from error
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


def resized_copies(name: str, owner: int | str) -> list[dict]:
    """Resized WebP copies of the stored picture `name`, each as its width, height
    and URL, filed under `owner`. Safe to run twice: existing copies are reused."""
    digest = hashlib.sha256(name.encode()).hexdigest()[:12]
    made = []
    with default_storage.open(name) as source, _open(source) as original:
        if _too_many_pixels(original):
            # Uploaded before the limit, or put in storage by other means.
            logger.warning("Picture %s has too many pixels to resize; skipped.", name)
            return []
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
