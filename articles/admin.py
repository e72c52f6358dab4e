from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django_prose_editor.widgets import AdminProseEditorWidget
from simple_history.admin import SimpleHistoryAdmin

from .models import Article, ArticleImage, ReviewerBio, Topic
from .services import article_renditions_queue


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(ReviewerBio)
class ReviewerBioAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "registration_body", "registration_number"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "role"]


class ReviewFilter(admin.SimpleListFilter):
    title = "clinical review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("overdue", "Review overdue"), ("unreviewed", "No reviewer")]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.review_overdue()
        if self.value() == "unreviewed":
            return queryset.filter(reviewer__isnull=True)
        return queryset


# What the editor's toolbar offers: exactly what articles/html.py keeps on save.
EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto", "tel"]},
    "HorizontalRule": True,
    "HardBreak": True,
    # Pictures uploaded below, placed by their address; any other is removed.
    "Image": True,
}


class ArticleImageInline(admin.TabularInline):
    model = ArticleImage
    extra = 0
    fields = ["image", "alt", "credit", "address"]
    readonly_fields = ["address"]
    verbose_name = "picture for the body"
    verbose_name_plural = (
        "pictures for the body: upload one, save, then paste its address into the"
        " editor's picture button"
    )

    @admin.display(description="Address to paste")
    def address(self, obj: ArticleImage) -> str:
        return obj.image.url if obj.pk and obj.image else "Save first"


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose what shows
        widgets = {
            "body": AdminProseEditorWidget(
                config={"extensions": EDITOR_EXTENSIONS}, preset="configurable"
            )
        }
        error_messages = {
            "hero_image": {
                "invalid_image": "This file is not a picture we can use."
                " Upload a JPEG, PNG or WebP."
            }
        }


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    """Write, schedule and publish; every save keeps a revision (History button)."""

    form = ArticleAdminForm
    inlines = [ArticleImageInline]
    list_display = ["title", "status", "pub_date", "reviewer", "next_review_due",
                    "governance"]  # fmt: skip
    list_filter = ["status", ReviewFilter, "topics", "featured"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "pub_date"
    filter_horizontal = ["topics", "related"]
    autocomplete_fields = ["reviewer", "replaced_by"]
    readonly_fields = ["preview_link"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "preview_link"]}),
        ("Picture", {"fields": ["hero_image", "hero_alt", "hero_credit"]}),
        ("Clinical review", {"fields": ["reviewer", "last_reviewed_on",
                                        "next_review_due", "references"]}),
        ("Publishing", {"fields": ["status", "pub_date", "featured", "topics",
                                   "related", "replaced_by"]}),
        ("Search engines", {"classes": ["collapse"],
                            "fields": ["seo_title", "seo_description"]}),
    ]  # fmt: skip

    @admin.display(description="Governance")
    def governance(self, obj: Article) -> str:
        missing = obj.needs_governance
        if obj.next_review_due and obj.next_review_due <= timezone.localdate():
            missing = [*missing, "a review (overdue)"]
        return "Needs " + ", ".join(missing) if missing else "OK"

    @admin.display(description="Preview")
    def preview_link(self, obj: Article) -> str:
        if not obj.pk:
            return "Save the article to preview it."
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">Preview this version</a>'
            " (only staff can open it)",
            reverse("articles:article_preview", kwargs={"slug": obj.slug}),
        )

    def save_model(self, request, obj: Article, form, change: bool) -> None:
        if obj.author_id is None:
            obj.author = request.user
        new_picture = "hero_image" in form.changed_data
        if new_picture:
            obj.hero_renditions = []  # the old copies belong to the old picture
        super().save_model(request, obj, form, change)
        if new_picture and obj.hero_image:
            article_renditions_queue(article_id=obj.pk)

    def save_formset(self, request, form, formset, change) -> None:
        super().save_formset(request, form, formset, change)
        for picture_form in formset.forms:
            picture = picture_form.instance
            if picture.pk and "image" in picture_form.changed_data:
                article_renditions_queue(image_id=picture.pk)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        article = form.instance
        if article.status in {Article.Status.PUBLISHED, Article.Status.SCHEDULED} and (
            article.needs_governance
        ):
            # A warning, not a block: the editors decide.
            messages.warning(
                request,
                f"“{article}” is live or scheduled without "
                + " and ".join(article.needs_governance)
                + ". Add them when you can.",
            )
