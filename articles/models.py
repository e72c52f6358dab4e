from django.db import models
from django.urls import reverse
from django.utils import timezone

from .html import sanitise_html


class Topic(models.Model):
    """What an article is about (heroin, alcohol, ...). Edited by staff."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    safety_information = models.TextField(
        blank=True,
        help_text="HTML shown first on the Get help form to someone who came from an"
        " article on this topic: the danger signs and what to do (for heroin:"
        " overdose signs and naloxone). Sanitised when saved.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.safety_information = sanitise_html(self.safety_information)
        super().save(*args, **kwargs)


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
    topics = models.ManyToManyField(Topic, blank=True, related_name="articles")
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

    def get_help_url(self) -> str:
        """The Get help form, told which topic the reader came from."""
        topic = self.topics.first()
        url = reverse("enquiries:enquiry_create")
        return f"{url}?topic={topic.slug}" if topic else url
