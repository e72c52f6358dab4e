from django.db import models
from django.urls import reverse
from django.utils import timezone

from .html import sanitise_html


class ArticleQuerySet(models.QuerySet):
    def published(self) -> "ArticleQuerySet":
        """What the public may see: marked published, and its date has come."""
        return self.filter(is_published=True, pub_date__lte=timezone.now())


class Article(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The article's address: /articles/<slug>/.",
    )
    summary = models.TextField(
        max_length=300,
        help_text="One or two sentences: the teaser in lists and the search snippet.",
    )
    body = models.TextField(
        help_text="HTML. Headings, lists, links, bold and quotes are kept; anything"
        " else is removed when the article is saved."
    )
    is_published = models.BooleanField(
        "published",
        default=False,
        help_text="Tick to show the article to the public from its publication date.",
    )
    pub_date = models.DateTimeField(
        "publication date",
        default=timezone.now,
        help_text="The article stays hidden until this time, even when published.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-pub_date"]
        indexes = [models.Index(fields=["is_published", "-pub_date"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        # Sanitised here, not in a form, so the admin, imports and the shell all agree.
        self.body = sanitise_html(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:article_detail", kwargs={"slug": self.slug})
