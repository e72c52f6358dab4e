import math
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres import search
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from simple_history.models import HistoricalRecords

from .html import sanitise_html
from .images import validate_hero_image

WORDS_PER_MINUTE = 200
REVIEW_INTERVAL = timedelta(days=365)
# The route of an article's page (its slug the one argument): search builds its
# results' addresses from it too.
ARTICLE_ROUTE = "articles:article_detail"
# Every picture is described: the admin shows this beside the description.
PICTURE_NEEDS_DESCRIPTION = "Describe the picture for people who cannot see it."


class TopicQuerySet(models.QuerySet):
    def with_published_articles(self) -> "TopicQuerySet":
        """Topics the public can reach an article from: one published, and its
        date has come (`Article.objects.published()`, the one rule)."""
        return self.filter(articles__in=Article.objects.published()).distinct()


class Topic(models.Model):
    """What an article is about (heroin, alcohol, ...). Edited by staff."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(
        blank=True, help_text="A sentence or two shown at the top of the topic's page."
    )
    safety_information = models.TextField(
        blank=True,
        help_text="HTML shown first on the Get help form to someone who came from an"
        " article on this topic: the danger signs and what to do (for heroin:"
        " overdose signs and naloxone). Sanitised when saved.",
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.safety_information = sanitise_html(self.safety_information)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:topic_detail", kwargs={"slug": self.slug})


class RegistrationBody(models.TextChoices):
    """The registers a UK clinician in this field may be on (used by clinicians too)."""

    GMC = "GMC", "General Medical Council (GMC)"
    NMC = "NMC", "Nursing and Midwifery Council (NMC)"
    HCPC = "HCPC", "Health and Care Professions Council (HCPC)"
    GPHC = "GPhC", "General Pharmaceutical Council (GPhC)"
    BACP = "BACP", "British Association for Counselling and Psychotherapy (BACP)"
    UKCP = "UKCP", "UK Council for Psychotherapy (UKCP)"
    SWE = "SWE", "Social Work England (SWE)"


class ReviewerBio(models.Model):
    """The public page of a clinician who reviews articles: content, not staff data."""

    name = models.CharField(max_length=100, help_text="As it appears on the register.")
    slug = models.SlugField(max_length=100, unique=True)
    role = models.CharField(max_length=150, help_text="Such as 'Addictions nurse'.")
    registration_body = models.CharField(max_length=10, choices=RegistrationBody)
    registration_number = models.CharField(max_length=30)
    bio = models.TextField(help_text="A short public biography. Plain text.")
    email = models.EmailField(
        blank=True,
        help_text="Private: used only to remind them when a review falls due.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "reviewer bio"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:reviewer_detail", kwargs={"slug": self.slug})


class StoredSearchVectorField(search.SearchVectorField):
    """contrib.postgres's tsvector column, without its check that
    django.contrib.postgres is in INSTALLED_APPS: the column needs nothing that app
    sets up (its `=` lookup, which becomes @@, registers when the module imported
    above loads), and off PostgreSQL it is an unused, empty column."""

    def _check_postgres_installed(self, *args):
        return []


class PostgresGinIndex(models.Index):
    """A GIN index on PostgreSQL and nothing on SQLite, which has no GIN: the
    project runs on both. Not contrib.postgres's GinIndex, which would need
    django.contrib.postgres installed and emits USING gin everywhere."""

    suffix = "gin"

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            # The schema editor runs whatever this returns (None would be run as
            # "None"); an empty statement is a no-op.
            return ""
        return super().create_sql(model, schema_editor, using=" USING gin", **kwargs)

    def remove_sql(self, model, schema_editor, **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return ""
        return super().remove_sql(model, schema_editor, **kwargs)


class ArticleQuerySet(models.QuerySet):
    def published(self) -> "ArticleQuerySet":
        """What the public may see: published, and its date has come."""
        return self.filter(
            status=Article.Status.PUBLISHED, pub_date__lte=timezone.now()
        )

    def due_to_publish(self) -> "ArticleQuerySet":
        return self.filter(
            status=Article.Status.SCHEDULED, pub_date__lte=timezone.now()
        )

    def review_overdue(self) -> "ArticleQuerySet":
        return self.filter(
            status=Article.Status.PUBLISHED, next_review_due__lte=timezone.localdate()
        )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The article's address: /articles/this-part/.",
    )
    summary = models.TextField(
        max_length=300,
        help_text="One or two sentences: the teaser in lists and the search snippet.",
    )
    body = models.TextField(
        help_text="Headings, lists, links, bold and quotes are kept; anything else is"
        " removed when the article is saved."
    )
    hero = models.OneToOneField(
        "ArticleImage",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The picture at the top of the article: one of its own pictures,"
        " changed only through the services (article_hero_replace).",
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="articles")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewer = models.ForeignKey(
        ReviewerBio,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
        help_text="The clinician who checked it.",
    )
    last_reviewed_on = models.DateField(null=True, blank=True)
    next_review_due = models.DateField(
        null=True,
        blank=True,
        help_text="Left empty, it is set 12 months after the last review.",
    )
    review_reminded_for = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="The review due date a reminder was last sent for.",
    )
    references = models.TextField(
        blank=True,
        help_text="The sources the article cites, one per line; shown as a numbered"
        " list.",
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    pub_date = models.DateTimeField(
        "publish at",
        default=timezone.now,
        help_text="A scheduled article is published at this time, by itself.",
    )
    replaced_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="When archived, readers are sent here instead.",
    )
    featured = models.BooleanField(default=False, help_text="Shown on the home page.")
    related = models.ManyToManyField(
        "self",
        blank=True,
        symmetrical=False,
        help_text="Chosen related articles; left empty, articles sharing a topic.",
    )
    seo_title = models.CharField(
        "search engine title",
        max_length=70,
        blank=True,
        help_text="Defaults to the title.",
    )
    seo_description = models.CharField(
        "search engine description",
        max_length=160,
        blank=True,
        help_text="Defaults to the summary.",
    )
    wordpress_id = models.PositiveIntegerField(
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="The post's id in the old WordPress blog, for re-imports.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = StoredSearchVectorField(
        null=True,
        editable=False,
        help_text="Title, summary and body as PostgreSQL full-text search reads"
        " them; kept current by a database trigger. Empty on SQLite.",
    )

    objects = ArticleQuerySet.as_manager()
    # The search vector is derived from fields the history already keeps. The hero
    # is a row of its own, replaced (and the old row deleted) by the services: a
    # revision keeps the words, and restoring one keeps today's picture rather than
    # pointing at a row that may be gone.
    history = HistoricalRecords(excluded_fields=["hero", "search_vector"])

    class Meta:
        ordering = ["-pub_date"]
        indexes = [
            models.Index(fields=["status", "-pub_date"]),
            PostgresGinIndex(fields=["search_vector"]),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        # Sanitised here, not in a form, so the admin, imports and the shell all agree.
        self.body = sanitise_html(self.body)
        if self.last_reviewed_on and not self.next_review_due:
            self.next_review_due = self.last_reviewed_on + REVIEW_INTERVAL
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse(ARTICLE_ROUTE, kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.status == self.Status.ARCHIVED and self.replaced_by_id == self.pk:
            raise ValidationError({"replaced_by": "An article cannot replace itself."})

    @property
    def body_pictures(self) -> list["ArticleImage"]:
        """Its pictures but the hero: those an editor places in the body with the
        picture button (uses a prefetch of `images` when there is one)."""
        return [picture for picture in self.images.all() if picture.pk != self.hero_id]

    @property
    def help_topic(self) -> Topic | None:
        """The topic the Get help form is told the reader came from (the project's
        `help_url` is the form's address: articles do not name enquiries' URLs)."""
        return next(iter(self.topics.all()), None)  # uses a prefetch when there is one

    @property
    def is_review_overdue(self) -> bool:
        """Past its next review date: readers are told it is being checked."""
        due = self.next_review_due
        return due is not None and due <= timezone.localdate()

    @property
    def reading_minutes(self) -> int:
        words = len(strip_tags(self.body).split())
        return max(1, math.ceil(words / WORDS_PER_MINUTE))

    @property
    def reference_list(self) -> list[str]:
        return [line.strip() for line in self.references.splitlines() if line.strip()]

    @property
    def needs_governance(self) -> list[str]:
        """What clinical governance expects and this article lacks (a warning)."""
        missing = []
        if not self.reviewer_id:
            missing.append("a clinical reviewer")
        if not self.reference_list:
            missing.append("references")
        return missing


class ArticleImage(models.Model):
    """A picture of an article: its hero (`Article.hero`), or one to use inside its
    body, uploaded here and placed with the editor's picture button using its
    address. Either way resized by the same task and shown by the same markup
    (templates/articles/_picture.html)."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="images"
    )
    image = models.ImageField(
        upload_to="articles/originals/%Y/%m/",
        validators=[validate_hero_image],
        help_text="JPEG, PNG or WebP, up to 5 MB.",
    )
    alt = models.CharField(
        "description",
        max_length=250,
        help_text="What the picture shows, for people who cannot see it.",
    )
    credit = models.CharField(max_length=200, blank=True)
    renditions = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="The resized copies (made by a background task): width, height and"
        " address.",
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.alt

    def clean(self) -> None:
        if not self.alt.strip():
            raise ValidationError({"alt": PICTURE_NEEDS_DESCRIPTION})


class PageGeneration(models.Model):
    """One row: a number raised, in the same transaction, by every change to what the
    reading pages show (articles/page_cache.py). Kept pages carry the number they
    were made under; in the database, not the cache, so that a cache that was down
    or frozen during a change can never bring the old pages back."""

    number = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"generation {self.number}"
