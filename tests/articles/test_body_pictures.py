"""Pictures inside an article's body: only our own uploads, described, resized."""

from io import BytesIO

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image

from articles.models import Article, ArticleImage
from articles.renditions import article_image_make_renditions
from tests.articles.factories import ArticleFactory
from tests.clinicians.factories import UserFactory

pytestmark = pytest.mark.django_db


def _png(width=1000, height=600) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (width, height), (90, 140, 160)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def article_with_picture():
    article = ArticleFactory()
    picture = ArticleImage(article=article, alt="A pharmacist's counter", credit="Ours")
    picture.image.save("counter.png", ContentFile(_png()), save=False)
    picture.save()
    article.body = (
        f'<p>Ask at the counter.</p><p><img src="{picture.image.url}"></p>'
        '<p><img src="https://tracker.example.org/pixel.gif"></p>'
    )
    article.save()
    return article, picture


def test_only_our_own_pictures_survive_the_sanitiser(article_with_picture):
    article, picture = article_with_picture

    assert f'<img src="{picture.image.url}">' in article.body
    assert "tracker.example.org" not in article.body


def test_a_body_picture_is_shown_described_credited_and_resized(
    client, article_with_picture
):
    article, picture = article_with_picture
    renditions = article_image_make_renditions(image_id=picture.pk)

    text = client.get(article.get_absolute_url()).text

    assert [r["width"] for r in renditions] == [480, 800]
    assert 'alt="A pharmacist&#x27;s counter"' in text
    assert f'srcset="{renditions[0]["url"]} 480w, {renditions[1]["url"]} 800w"' in text
    assert 'width="480" height="288"' in text
    assert "Ours</small>" in text
    assert "<img>" not in text  # the foreign picture left nothing behind


def test_a_picture_from_another_article_is_not_shown(client, article_with_picture):
    _, picture = article_with_picture
    other = ArticleFactory(body=f'<p><img src="{picture.image.url}"></p>')

    text = client.get(other.get_absolute_url()).text

    assert picture.image.url not in text


def test_an_editor_uploads_a_picture_for_the_body_in_the_admin(
    client, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    editor = UserFactory(username="an-editor")
    editor.groups.add(Group.objects.get(name="Editor"))
    client.force_login(editor)
    now = timezone.localtime()
    form = {
        "title": "Naloxone", "slug": "naloxone", "summary": "What it is.",
        "body": "<p>Text.</p>", "status": "draft",
        "pub_date_0": now.date().isoformat(), "pub_date_1": now.strftime("%H:%M:%S"),
        "hero_alt": "", "hero_credit": "", "references": "", "seo_title": "",
        "seo_description": "",
        "images-TOTAL_FORMS": "1", "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0", "images-MAX_NUM_FORMS": "1000",
        "images-0-image": SimpleUploadedFile("kit.png", _png()),
        "images-0-alt": "A naloxone kit", "images-0-credit": "",
    }  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/articles/article/add/", form)

    assert response.status_code == 302
    picture = Article.objects.get().images.get()
    assert picture.alt == "A naloxone kit"
    assert [r["width"] for r in picture.renditions] == [480, 800]  # made by the task


def test_a_body_picture_needs_a_description(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    picture = ArticleImage(
        article=ArticleFactory(), image=SimpleUploadedFile("x.png", _png()), alt=""
    )

    with pytest.raises(ValidationError) as error:
        picture.full_clean()

    assert set(error.value.message_dict) == {"alt"}
