"""Editing in the admin: the editor's reach, revisions, governance, pictures, and
the list behind the body editor's picture button."""

from io import BytesIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from articles.models import Article, ArticleImage
from articles.renditions import article_image_make_renditions
from referral_site.roles import CLINICIAN
from tests.articles.factories import (
    ARTICLE_ADD as ADD,
)
from tests.articles.factories import (
    ArticleFactory,
    ReviewerBioFactory,
)
from tests.articles.factories import article_form as _form
from tests.clinicians.factories import UserFactory

pytestmark = pytest.mark.django_db


def _png(width=1400, height=800, fmt="PNG") -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (width, height), (120, 170, 150)).save(buffer, fmt)
    return buffer.getvalue()


def test_an_editor_reaches_articles_topics_and_reviewer_bios_only(client, editor):
    for path in ("/admin/articles/article/", "/admin/articles/topic/",
                 "/admin/articles/reviewerbio/", ADD):  # fmt: skip
        assert client.get(path).status_code == 200, path
    for path in ("/admin/clinicians/callback/", "/admin/clinicians/clinician/",
                 "/admin/clinicians/provider/", "/admin/enquiries/enquiry/",
                 "/admin/enquiries/auditevent/", "/admin/enquiries/privacynotice/",
                 "/admin/auth/user/"):  # fmt: skip
        assert client.get(path).status_code == 403, path


def test_an_editor_publishes_an_article_with_a_warning_when_it_lacks_governance(
    client, editor
):
    response = client.post(ADD, _form(), follow=True)

    article = Article.objects.get()
    assert article.author == editor
    assert "without a clinical reviewer and references" in response.text
    assert client.get(article.get_absolute_url()).status_code == 200


def test_every_save_is_a_revision_staff_can_see_and_restore(client, editor):
    client.post(ADD, _form(title="First version"))
    article = Article.objects.get()
    base = f"/admin/articles/article/{article.pk}/"
    client.post(f"{base}change/", _form(title="Second version"))
    first = article.history.order_by("history_id").first()

    history = client.get(f"{base}history/")
    assert history.status_code == 200
    revisions = history.context["page_obj"].object_list
    assert [r.history_user for r in revisions] == [editor, editor]  # who, each time
    restore = client.post(
        f"{base}history/{first.history_id}/", _form(title="First version")
    )

    assert restore.status_code == 302
    article.refresh_from_db()
    assert article.title == "First version"
    assert article.history.count() == 3


def test_the_overdue_review_list(client, editor):
    ArticleFactory(title="Overdue", next_review_due=timezone.localdate())
    ArticleFactory(title="Fine", reviewer=ReviewerBioFactory(), references="x")

    listed = client.get("/admin/articles/article/", {"review": "overdue"})

    assert [a.title for a in listed.context["cl"].result_list] == ["Overdue"]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("notes.png", b"not a picture"), "not a picture we can use"),
        (SimpleUploadedFile("anim.png", _png(fmt="GIF")), "This is a GIF file"),
    ],
)
def test_an_upload_is_checked_by_its_content(client, editor, upload, message):
    response = client.post(ADD, _form(hero_image=upload, hero_alt="Hills"))

    assert response.status_code == 200
    assert message in response.text
    assert not Article.objects.exists()


def test_an_upload_over_the_size_limit_is_refused_clearly(client, editor, settings):
    settings.ARTICLE_IMAGE_MAX_BYTES = 1000
    upload = SimpleUploadedFile("big.png", _png())

    response = client.post(ADD, _form(hero_image=upload, hero_alt="Hills"))

    assert "the largest we take is" in response.text
    assert not Article.objects.exists()


def test_a_picture_needs_a_description(client, editor):
    upload = SimpleUploadedFile("hills.png", _png())

    response = client.post(ADD, _form(hero_image=upload))

    assert "Describe the picture for people who cannot see it." in response.text


def test_a_picture_gets_resized_copies_served_with_srcset(
    client, editor, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("hills.png", _png(1400, 800))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ADD, _form(hero_image=upload, hero_alt="Green hills"))

    hero = Article.objects.get().hero
    assert [(r["width"], r["height"]) for r in hero.renditions] == [
        (480, 274), (800, 457), (1200, 686),
    ]  # fmt: skip
    page = client.get(hero.article.get_absolute_url()).text
    assert 'srcset="/media/articles/renditions/' in page
    assert 'width="480" height="274" alt="Green hills"' in page
    copy = client.get(hero.renditions[0]["url"])
    assert copy.status_code == 200
    assert copy["Cache-Control"] == "public, max-age=31536000, immutable"
    assert Image.open(BytesIO(b"".join(copy.streaming_content))).format == "WEBP"
    assert article_image_make_renditions(image_id=hero.pk) == hero.renditions


def test_only_article_pictures_are_served_from_media(client):
    assert client.get("/media/../db.sqlite3").status_code == 404
    assert client.get("/media/secrets/anything.txt").status_code == 404


def test_the_body_is_written_in_a_rich_text_editor_served_from_the_site(client, editor):
    text = client.get(ADD).text

    assert "prose-editor" in text
    assert "/static/django_prose_editor/" in text
    for offered in ('"Heading"', '"BulletList"', '"Link"', '"Blockquote"'):
        assert offered in text.replace("&quot;", '"')
    assert "cdn" not in text.lower()


def _article_with_pictures() -> Article:
    article = ArticleFactory()
    for alt, credit in [("A naloxone kit", "Our team"), ("A pharmacy", "")]:
        picture = ArticleImage(article=article, alt=alt, credit=credit)
        picture.image.save("picture.png", ContentFile(_png(600, 400)), save=False)
        picture.save()
    return article


def _pictures_url(article: Article) -> str:
    return reverse("admin:articles_article_pictures", args=[article.pk])


def test_the_picture_button_lists_this_articles_pictures_and_nothing_personal(
    client, editor
):
    article = _article_with_pictures()
    first, second = article.images.all()
    first.renditions = [{"width": 480, "height": 320, "url": "/media/articles/r.webp"}]
    first.save()
    _article_with_pictures()  # another article's pictures stay out of the list

    response = client.get(_pictures_url(article))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    assert response.json() == {
        "pictures": [
            {"url": first.image.url, "thumbnail": "/media/articles/r.webp",
             "description": "A naloxone kit", "credit": "Our team"},
            {"url": second.image.url, "thumbnail": second.image.url,
             "description": "A pharmacy", "credit": ""},
        ]
    }  # fmt: skip
    assert "an-editor" not in response.text  # who uploaded them is not said


def test_the_picture_list_is_only_for_staff_who_may_change_articles(client):
    article = _article_with_pictures()
    url = _pictures_url(article)

    assert client.get(url).status_code == 302  # to the login page
    clinician = UserFactory(username="a-clinician")
    clinician.groups.add(Group.objects.get(name=CLINICIAN))
    client.force_login(clinician)
    assert client.get(url).status_code == 403
    reader = UserFactory(username="a-reader")
    reader.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(reader)
    assert client.get(url).status_code == 403  # may look, may not change


def test_the_picture_list_of_no_article_is_not_found(client, editor):
    assert (
        client.get(reverse("admin:articles_article_pictures", args=[0])).status_code
        == 404
    )


def test_the_body_editor_spellchecks_and_knows_where_this_articles_pictures_are(
    client, editor
):
    article = _article_with_pictures()

    add = client.get(ADD).text.replace("&quot;", '"')
    change = client.get(f"/admin/articles/article/{article.pk}/change/").text

    assert '"NoSpellCheck"' not in add
    assert '"ArticleBody":true' in add
    assert '"ArticlePicture":{"picturesUrl":""}' in add  # nothing uploaded yet
    assert "/static/articles/editor/article-editor.js" in add
    config = change.replace("&quot;", '"').replace("\\/", "/")
    assert f'"picturesUrl":"{_pictures_url(article)}"' in config
    assert "place it with the picture button" in change
