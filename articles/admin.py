from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminFileWidget, AdminTextInputWidget
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, JsonResponse
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django_prose_editor.widgets import AdminProseEditorWidget
from simple_history.admin import SimpleHistoryAdmin

from .images import validate_hero_image
from .models import PICTURE_NEEDS_DESCRIPTION, Article, ArticleImage, ReviewerBio, Topic
from .services import (
    article_hero_describe,
    article_hero_remove,
    article_hero_replace,
    article_image_renditions_queue,
)


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
    # Every group as buttons: the vendor's dropdown cannot be reached by keyboard.
    "Menu": {
        "groups": [
            {"group": "blockType -lists"},
            {"group": "lists"},
            {"group": "nodes -blockType -lists"},
            {"group": "marks"},
            {"group": "link"},
            {"group": "history"},
        ]
    },
    "NoSpellCheck": False,  # the vendor's default turns the spellchecker off
    "ArticleBody": True,  # labelled, described, spell-checked in en-GB
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
    # <img src alt> only: the picture button lists the pictures uploaded below, and
    # the page adds each one's credit and resized copies from its row.
    "ArticlePicture": {"picturesUrl": ""},
}
EDITOR_MODULE = "articles/editor/article-editor.js"


class ArticleBodyWidget(AdminProseEditorWidget):
    """The prose editor with our own extensions (static/articles/editor/) loaded.

    The vendor's documented way is a DJANGO_PROSE_EDITOR_EXTENSIONS setting; naming
    the module here keeps the editor's whole configuration in this file."""

    def get_config(self) -> dict:
        config = super().get_config()
        return config | {"js_modules": [*config["js_modules"], static(EDITOR_MODULE)]}

    @property
    def media(self):
        return super().media + forms.Media(
            css={"all": ["articles/editor/article-editor.css"]}
        )


class LabelledFileWidget(AdminFileWidget):
    """A file input with a real <label>: in a fieldset, only the legend names the
    group, and the input itself has no name (axe: label)."""

    use_fieldset = False


class ArticleImageInline(admin.StackedInline):
    # Stacked, not tabular: a table's inputs have no labels, only column headings.
    model = ArticleImage
    extra = 0
    formfield_overrides = {models.ImageField: {"widget": LabelledFileWidget}}
    fields = ["image", "alt", "credit"]
    verbose_name = "picture for the body"
    verbose_name_plural = (
        "pictures for the body: upload one with its description and credit, save,"
        " then place it with the picture button in the body's toolbar"
    )


def _picture_max_length(name: str) -> int | None:
    return ArticleImage._meta.get_field(name).max_length


class ArticleAdminForm(forms.ModelForm):
    # The hero picture is a row of its own (Article.hero, an ArticleImage): these
    # three fields show it as part of the article, and ArticleAdmin.save_model
    # hands them to the services.
    hero_image = forms.ImageField(
        label="Hero image",
        required=False,
        max_length=_picture_max_length("image"),
        validators=[validate_hero_image],
        widget=LabelledFileWidget,
        help_text="JPEG, PNG or WebP, up to 5 MB. Smaller copies are made for phones.",
        error_messages={
            "invalid_image": "This file is not a picture we can use."
            " Upload a JPEG, PNG or WebP."
        },
    )
    hero_alt = forms.CharField(
        label="Hero image description",
        required=False,
        max_length=_picture_max_length("alt"),
        widget=AdminTextInputWidget,
        help_text="What the picture shows, for people who cannot see it. Required"
        " with an image.",
    )
    hero_credit = forms.CharField(
        label="Hero credit",
        required=False,
        max_length=_picture_max_length("credit"),
        widget=AdminTextInputWidget,
        help_text="Such as 'Photo by A. Person on Pexels'.",
    )

    class Meta:
        model = Article
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose what shows
        widgets = {
            "body": ArticleBodyWidget(
                config={"extensions": EDITOR_EXTENSIONS}, preset="configurable"
            ),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        hero = self.instance.hero if self.instance.hero_id else None
        if hero is not None:
            self.initial.setdefault("hero_image", hero.image)
            self.initial.setdefault("hero_alt", hero.alt)
            self.initial.setdefault("hero_credit", hero.credit)

    def clean(self) -> dict:
        cleaned = super().clean()
        # A new picture, or the one kept (False: "Clear" was ticked).
        if cleaned.get("hero_image") and cleaned.get("hero_alt") == "":
            self.add_error("hero_alt", PICTURE_NEEDS_DESCRIPTION)
        return cleaned

    def save_hero(self, article: Article) -> None:
        """What the Picture section asks of the saved `article`, through the
        services: a new upload replaces the hero, "Clear" removes it, and a changed
        description or credit is kept on it."""
        data, changed = self.cleaned_data, self.changed_data
        if data["hero_image"] is False:
            article_hero_remove(article=article)
        elif "hero_image" in changed:
            article_hero_replace(
                article=article,
                upload=data["hero_image"],
                alt=data["hero_alt"],
                credit=data["hero_credit"],
            )
        elif {"hero_alt", "hero_credit"} & set(changed):
            article_hero_describe(
                article=article, alt=data["hero_alt"], credit=data["hero_credit"]
            )


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

    class Media:
        js = ["articles/admin/article-form.js"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "body" in form.base_fields:
            # Each form class has its own copy of the widget: safe to change.
            widget = form.base_fields["body"].widget
            url = (
                reverse("admin:articles_article_pictures", args=[obj.pk]) if obj else ""
            )
            extensions = widget.config["extensions"]
            widget.config = widget.config | {
                "extensions": extensions | {"ArticlePicture": {"picturesUrl": url}}
            }
        return form

    def get_urls(self):
        pictures = path(
            "<path:object_id>/pictures/",
            self.admin_site.admin_view(self.pictures_view),
            name="articles_article_pictures",
        )
        return [pictures, *super().get_urls()]

    def pictures_view(self, request: HttpRequest, object_id: str) -> JsonResponse:
        """The article's pictures for the body, for the editor's picture button:
        content only (address, thumbnail, description, credit), to staff who may
        change the article."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        pictures = [
            {
                "url": picture.image.url,
                "thumbnail": (
                    picture.renditions[0]["url"]
                    if picture.renditions
                    else picture.image.url
                ),
                "description": picture.alt,
                "credit": picture.credit,
            }
            for picture in article.body_pictures
        ]
        return JsonResponse({"pictures": pictures})

    @admin.display(description="Governance")
    def governance(self, obj: Article) -> str:
        missing = obj.needs_governance
        if obj.is_review_overdue:
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

    def get_formset_kwargs(self, request, obj, inline, prefix) -> dict:
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, ArticleImageInline) and obj is not None and obj.hero_id:
            # The hero is edited in the Picture section, not among the body's.
            kwargs["queryset"] = kwargs["queryset"].exclude(pk=obj.hero_id)
        return kwargs

    def save_model(self, request, obj: Article, form, change: bool) -> None:
        if obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)
        form.save_hero(obj)  # the article has its id now

    def save_formset(self, request, form, formset, change) -> None:
        super().save_formset(request, form, formset, change)
        for picture_form in formset.forms:
            picture = picture_form.instance
            if picture.pk and "image" in picture_form.changed_data:
                article_image_renditions_queue(image_id=picture.pk)

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
