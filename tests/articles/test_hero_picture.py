"""The article's hero picture is an ArticleImage of the article (`Article.hero`):
replaced, described and removed by the services, which the admin, the WordPress
import and seed_demo share; resized by the one renditions task; shown by the one
picture include (templates/articles/_picture.html)."""

from datetime import timedelta
from io import BytesIO
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from articles import page_cache
from articles.models import Article, ArticleImage, PageGeneration
from articles.renditions import article_image_make_renditions as make_renditions
from articles.services import (
    article_hero_describe,
    article_hero_remove,
    article_hero_replace,
)
from articles.tasks import article_image_make_renditions
from tests.articles.factories import ARTICLE_ADD, ArticleFactory, article_form

pytestmark = pytest.mark.django_db


def _png(width=1000, height=600, colour=(120, 170, 150)) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


def _upload(name="hills.png", **size) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _png(**size), content_type="image/png")


def _stored() -> set[str]:
    """Every file name in the (in-memory) storage."""

    def walk(folder: str) -> set[str]:
        folders, files = default_storage.listdir(folder)
        found = {f"{folder}/{name}".lstrip("/") for name in files}
        for name in folders:
            found |= walk(f"{folder}/{name}".lstrip("/"))
        return found

    return walk("")


def _row(html: str, field: str) -> str:
    """The admin's form row of `field`, up to the next row."""
    return html.split(f"field-{field}", 1)[1].split('class="form-row', 1)[0]


def _generation() -> int:
    found = PageGeneration.objects.filter(pk=1).first()
    return found.number if found else 0


@pytest.fixture
def article_with_hero() -> Article:
    article = ArticleFactory()
    article_hero_replace(
        article=article, upload=_upload("first.png"), alt="Old hills", credit="Old"
    )
    return Article.objects.select_related("hero").get(pk=article.pk)


def _change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


# The service -----------------------------------------------------------------


def test_replacing_the_hero_makes_a_picture_of_the_article_and_drops_the_old_row(
    article_with_hero, django_capture_on_commit_callbacks
):
    article = article_with_hero
    old = article.hero
    revisions = article.history.count()
    before = (_generation(), article.updated_at)

    with mock.patch.object(article_image_make_renditions, "delay") as delay:
        with django_capture_on_commit_callbacks() as callbacks:
            picture = article_hero_replace(
                article=article,
                upload=_upload("new.png"),
                alt="New hills",
                credit="Ours",
            )
        delay.assert_not_called()  # not before the change commits
        assert len(callbacks) == 1
        for callback in callbacks:  # as the commit runs them
            callback()

    delay.assert_called_once_with(picture.pk)
    article.refresh_from_db()
    assert article.hero == picture
    assert (picture.article, picture.alt, picture.credit) == (
        article,
        "New hills",
        "Ours",
    )
    assert not ArticleImage.objects.filter(pk=old.pk).exists()
    # Its files are kept, as an uploaded file always was: a rolled-back change, or
    # a page kept for a moment, may still name them.
    assert default_storage.exists(old.image.name)
    assert _generation() > before[0]
    assert article.updated_at > before[1]  # the page's Last-Modified and ETag move on
    assert article.history.count() == revisions  # the history keeps the words


def test_a_picture_without_a_description_is_refused_and_nothing_is_stored(
    article_with_hero,
):
    article = article_with_hero
    stored = _stored()

    with pytest.raises(ValidationError) as refused:
        article_hero_replace(article=article, upload=_upload("new.png"), alt="  ")

    assert refused.value.message_dict["alt"][-1] == (
        "Describe the picture for people who cannot see it."
    )
    assert list(ArticleImage.objects.all()) == [article.hero]
    assert _stored() == stored


def test_a_file_that_is_not_a_picture_is_refused_by_the_service_too():
    article = ArticleFactory()
    upload = SimpleUploadedFile("notes.png", b"not a picture")

    with pytest.raises(ValidationError, match="not a picture we can use"):
        article_hero_replace(article=article, upload=upload, alt="Notes")

    assert not ArticleImage.objects.exists()


def test_a_replacement_that_fails_once_its_file_is_written_deletes_the_file(
    article_with_hero,
):
    article = article_with_hero
    stored = _stored()

    with (
        mock.patch(
            "articles.services.article_image_renditions_queue",
            side_effect=OSError("broken"),
        ),
        pytest.raises(OSError, match="broken"),
    ):
        article_hero_replace(article=article, upload=_upload("new.png"), alt="New")

    assert _stored() == stored


def test_describing_the_hero_changes_its_row_and_the_page(client, article_with_hero):
    article = article_with_hero
    before = _generation()

    article_hero_describe(article=article, alt="Hills at dawn", credit="A volunteer")

    article.hero.refresh_from_db()
    assert (article.hero.alt, article.hero.credit) == ("Hills at dawn", "A volunteer")
    assert _generation() > before
    page = client.get(article.get_absolute_url()).text
    assert 'alt="Hills at dawn"' in page
    assert "<figcaption>A volunteer</figcaption>" in page


def test_removing_the_hero_deletes_its_row(client, article_with_hero):
    article = article_with_hero
    old = article.hero

    article_hero_remove(article=article)

    article.refresh_from_db()
    assert article.hero is None
    assert not ArticleImage.objects.filter(pk=old.pk).exists()
    assert 'class="hero"' not in client.get(article.get_absolute_url()).text


def test_deleting_an_article_deletes_its_hero_and_body_pictures(article_with_hero):
    article = article_with_hero
    ArticleImage.objects.create(
        article=article, image="articles/originals/x.png", alt="A pharmacy"
    )

    article.delete()

    assert not ArticleImage.objects.exists()


def test_seed_demo_gives_the_first_article_its_hero_once(
    settings, django_capture_on_commit_callbacks
):
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", verbosity=0)
        call_command("seed_demo", verbosity=0)

    heroes = Article.objects.filter(hero__isnull=False).select_related("hero")
    assert len(heroes) == 1
    assert heroes[0].hero.alt and heroes[0].hero.article == heroes[0]
    assert heroes[0].hero.renditions  # made by the task (eager under test settings)
    assert ArticleImage.objects.count() == 1


# The admin ---------------------------------------------------------------------


def test_an_editor_uploads_a_hero_and_its_copies_are_made_once(
    client, editor, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(
            article_image_make_renditions,
            "delay",
            wraps=article_image_make_renditions.delay,
        ) as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            ARTICLE_ADD,
            article_form(
                hero_image=_upload(width=1400, height=800),
                hero_alt="Green hills",
                hero_credit="Photo: our team",
            ),
        )

    assert response.status_code == 302
    article = Article.objects.select_related("hero").get()
    hero = article.hero
    delay.assert_called_once_with(hero.pk)
    assert (hero.article, hero.alt, hero.credit) == (
        article, "Green hills", "Photo: our team",
    )  # fmt: skip
    assert [r["width"] for r in hero.renditions] == [480, 800, 1200]
    assert article.history.count() == 1  # one save, one revision


def test_the_change_form_shows_the_hero_in_the_picture_section_and_not_the_body(
    client, editor, article_with_hero
):
    article = article_with_hero
    body = ArticleImage(article=article, alt="A pharmacy", credit="")
    body.image.save("pharmacy.png", ContentFile(_png(600, 400)), save=False)
    body.save()

    response = client.get(_change_url(article))
    text = response.text

    form = response.context["adminform"].form
    assert form.initial["hero_alt"] == "Old hills"
    assert form.initial["hero_credit"] == "Old"
    assert f'href="{article.hero.image.url}"' in text  # "Currently:" with a link
    assert 'name="hero_image-clear"' in text
    assert "JPEG, PNG or WebP, up to 5 MB. Smaller copies are made for phones." in (
        _row(text, "hero_image")
    )
    assert "Required with an image." in _row(text, "hero_alt")
    assert "Photo by A. Person on Pexels" in _row(text, "hero_credit")
    inline = response.context["inline_admin_formsets"][0].formset
    assert [f.instance for f in inline.initial_forms] == [body]  # not the hero
    pictures = client.get(
        reverse("admin:articles_article_pictures", args=[article.pk])
    ).json()["pictures"]
    assert [p["description"] for p in pictures] == ["A pharmacy"]


def _change_form(article: Article, **changes) -> dict:
    local = timezone.localtime(article.pub_date)
    return (
        article_form(
            title=article.title,
            slug=article.slug,
            summary=article.summary,
            body=article.body,
            pub_date_0=local.date().isoformat(),
            pub_date_1=local.strftime("%H:%M:%S"),
            hero_alt=article.hero.alt,
            hero_credit=article.hero.credit,
        )
        | changes
    )


def test_a_new_upload_in_the_change_form_replaces_the_hero(
    client, editor, article_with_hero, django_capture_on_commit_callbacks
):
    article = article_with_hero
    old = article.hero

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _change_url(article),
            _change_form(article, hero_image=_upload("new.png"), hero_alt="New"),
        )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.hero != old and article.hero.alt == "New"
    assert article.hero.renditions
    assert list(article.images.all()) == [article.hero]


def test_a_changed_description_is_kept_on_the_hero(client, editor, article_with_hero):
    article = article_with_hero
    hero = article.hero

    response = client.post(
        _change_url(article), _change_form(article, hero_alt="Hills in the rain")
    )

    assert response.status_code == 302
    hero.refresh_from_db()
    assert hero.alt == "Hills in the rain"
    article.refresh_from_db()
    assert article.hero == hero  # the same picture, described anew


def test_clear_removes_the_hero(client, editor, article_with_hero):
    article = article_with_hero

    response = client.post(
        _change_url(article), _change_form(article, **{"hero_image-clear": "on"})
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.hero is None
    assert not ArticleImage.objects.exists()


def test_the_description_error_is_shown_beside_the_description(
    client, editor, article_with_hero
):
    response = client.post(
        _change_url(article_with_hero), _change_form(article_with_hero, hero_alt="")
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors == {
        "hero_alt": ["Describe the picture for people who cannot see it."]
    }
    row = _row(response.text, "hero_alt")
    assert "Describe the picture for people who cannot see it." in row
    # Read out with the field, as Django's own errors are.
    assert 'aria-describedby="id_hero_alt_helptext id_hero_alt_error"' in row
    article_with_hero.hero.refresh_from_db()
    assert article_with_hero.hero.alt == "Old hills"  # nothing saved


def test_an_invalid_upload_is_shown_beside_the_upload(client, editor):
    response = client.post(
        ARTICLE_ADD,
        article_form(
            hero_image=SimpleUploadedFile("anim.png", b"GIF89a not really"),
            hero_alt="Hills",
        ),
    )

    form = response.context["adminform"].form
    assert list(form.errors) == ["hero_image"]
    assert "not a picture we can use" in _row(response.text, "hero_image")
    assert not Article.objects.exists() and not ArticleImage.objects.exists()


# The page ------------------------------------------------------------------------


def test_the_hero_is_shown_resized_described_and_credited(
    client, settings, article_with_hero
):
    article = article_with_hero
    renditions = make_renditions(image_id=article.hero.pk)

    text = client.get(article.get_absolute_url()).text

    first, second = renditions
    assert (
        f'<figure class="hero"><img src="{first["url"]}" srcset="{first["url"]} 480w,'
        f' {second["url"]} 800w" sizes="(min-width: 44rem) 42rem, 100vw" width="480"'
        ' height="288" alt="Old hills" class="img-fluid"><figcaption>Old</figcaption>'
        "</figure>"
    ) in text
    site = settings.SITE_URL.rstrip("/")
    assert f'<meta property="og:image" content="{site}{article.hero.image.url}">' in (
        text
    )


def test_before_its_copies_the_hero_is_the_original_with_its_size(client):
    article = ArticleFactory()
    with mock.patch("articles.services.article_image_renditions_queue"):
        article_hero_replace(article=article, upload=_upload(), alt="Hills")
    hero = Article.objects.get().hero

    text = client.get(article.get_absolute_url()).text

    assert (
        f'<figure class="hero"><img src="{hero.image.url}" width="1000" height="600"'
        ' alt="Hills" class="img-fluid"></figure>'
    ) in text


def test_a_body_picture_uses_the_same_markup_inline(client, article_with_hero):
    article = article_with_hero
    picture = ArticleImage(article=article, alt="A pharmacy", credit="Ours")
    picture.image.save("pharmacy.png", ContentFile(_png(600, 400)), save=False)
    picture.save()
    article.body = f'<p>Ask here.<img src="{picture.image.url}"></p>'
    article.save()

    text = client.get(article.get_absolute_url()).text

    assert (
        f'<p>Ask here.<img src="{picture.image.url}" width="600" height="400"'
        ' alt="A pharmacy" loading="lazy" decoding="async" class="body-picture">'
        '<small class="d-block text-body-secondary">Ours</small></p>'
    ) in text


def test_the_hero_placed_in_the_body_is_not_shown_there(client, article_with_hero):
    # It is not offered by the picture button; its row goes when it is replaced.
    article = article_with_hero
    article.body = f'<p>Text.<img src="{article.hero.image.url}"></p>'
    article.save()

    text = client.get(article.get_absolute_url()).text

    assert "<p>Text.</p>" in text


def test_an_article_with_a_hero_takes_no_more_queries(
    client, settings, monkeypatch, django_assert_max_num_queries, article_with_hero
):
    settings.PAGE_CACHE_SECONDS = 0
    monkeypatch.setattr(page_cache, "GENERATION_CHECK_SECONDS", 60)
    plain = ArticleFactory(pub_date=timezone.now() - timedelta(days=1))
    for article in (plain, article_with_hero):
        client.get(article.get_absolute_url())  # the templates, once

    counts = []
    for article in (plain, article_with_hero):
        page_cache.forget_local()
        with django_assert_max_num_queries(7) as queries:  # as test_views' budget
            assert client.get(article.get_absolute_url()).status_code == 200
        counts.append(len(queries))

    assert counts[1] == counts[0]  # the hero comes with the article's own row
