"""Resized copies of article pictures, recorded on their rows: what the renditions
task runs (articles/tasks.py). The copies themselves are made by articles/images.py,
which the models import; this module imports the models."""

from .images import resized_copies
from .models import ArticleImage
from .page_cache import pages_changed


def article_image_make_renditions(*, image_id: int) -> list[dict]:
    """Make the resized copies of one of an article's pictures (its hero or one in
    its body) and record them on its row. Safe to run twice: existing copies are
    reused, and the result is stored only if the picture is unchanged, which raises
    the page generation (pages_changed): the page now offers the copies. A picture
    deleted meanwhile is skipped."""
    picture = ArticleImage.objects.filter(pk=image_id).only("image").first()
    name = picture.image.name if picture is not None else None
    if not name:
        return []
    # Filed where body pictures' copies always were (the folder is only a name):
    # a picture resized again, from before the hero became a row, reuses them.
    renditions = resized_copies(name, f"body-{image_id}")
    if ArticleImage.objects.filter(pk=image_id, image=name).update(
        renditions=renditions
    ):
        pages_changed()
    return renditions
