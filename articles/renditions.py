"""Resized copies of article pictures, recorded on their rows: what the renditions
tasks run (articles/tasks.py). The copies themselves are made by articles/images.py,
which the models import; this module imports the models."""

from .images import resized_copies
from .models import Article, ArticleImage
from .page_cache import pages_changed


def article_make_renditions(*, article_id: int) -> list[dict]:
    """Make the resized copies of an article's picture. Safe to run twice: existing
    copies are reused, and the result is stored only if the picture is unchanged."""
    article = Article.objects.filter(pk=article_id).only("hero_image").first()
    if article is None or not article.hero_image:
        return []
    name = article.hero_image.name
    renditions = resized_copies(name, article_id)
    if Article.objects.filter(pk=article_id, hero_image=name).update(
        hero_renditions=renditions
    ):
        pages_changed()  # the page now offers the resized copies
    return renditions


def article_image_make_renditions(*, image_id: int) -> list[dict]:
    """The same for a picture inside an article's body."""
    picture = ArticleImage.objects.filter(pk=image_id).only("image").first()
    if picture is None:
        return []
    name = picture.image.name
    renditions = resized_copies(name, f"body-{image_id}")
    if ArticleImage.objects.filter(pk=image_id, image=name).update(
        renditions=renditions
    ):
        pages_changed()
    return renditions
