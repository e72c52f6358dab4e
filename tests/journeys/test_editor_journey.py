"""The editor's journey in a real browser (journey 3): write an article with a
heading, a list, a link and a picture placed with the picture button, preview it,
schedule it, see it published, and find it in search and in the feed. Also axe on
the article editor: WCAG 2.2 A/AA, zero violations. Debian's Chromium, driven by
Playwright."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleImage
from articles.services import article_hero_replace, articles_publish_scheduled
from clinicians.staff_groups import ensure_staff_groups
from referral_site.roles import EDITOR
from tests.articles.factories import ArticleFactory
from tests.browser_support import png, violations
from tests.clinicians.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"  # the factories' password


@pytest.fixture
def editor():
    ensure_staff_groups()  # a transactional test starts from an empty database
    user = UserFactory(username="an-editor")
    user.groups.add(Group.objects.get(name=EDITOR))
    return user


def _log_in(page, live_server, user, next_path: str) -> None:
    page.goto(f"{live_server.url}/admin/login/?next={next_path}")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{next_path}")


def _body(page):
    """The body's editing area, once the editor has drawn it."""
    body = page.get_by_role("textbox", name="Body")
    body.wait_for()
    return body


def _article_with_a_picture() -> Article:
    article = ArticleFactory(title="Naloxone at home", slug="naloxone-at-home")
    article_hero_replace(
        article=article, upload=ContentFile(png(), name="hero.png"), alt="A kit"
    )
    picture = ArticleImage(article=article, alt="A naloxone kit", credit="Our team")
    picture.image.save("kit.png", ContentFile(png()), save=False)
    picture.save()
    article.body = f'<h2>What it is</h2><img src="{picture.image.url}" alt="x">'
    article.save()
    return article


def test_the_article_editor_has_no_wcag_22_aa_violations(live_server, browser, editor):
    article = _article_with_a_picture()
    page = browser.new_page()
    _log_in(page, live_server, editor, "/admin/articles/article/add/")
    body = _body(page)

    assert violations(page) == []
    assert body.get_attribute("spellcheck") == "true"
    assert body.get_attribute("lang") == "en-GB"

    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    _body(page)
    page.locator(".article-picture figcaption", has_text="Our team").wait_for()

    assert violations(page) == []

    page.get_by_role("button", name="Insert a picture").click()
    page.get_by_role("dialog", name="Choose a picture").wait_for()
    page.get_by_role("button", name="A naloxone kit").wait_for()

    assert violations(page) == []


def _type_the_body(page) -> None:
    """A heading, a paragraph with a link, and a list, with the toolbar's buttons."""
    body = _body(page)
    body.click()
    page.get_by_role("button", name="heading 2").click()
    page.keyboard.type("Carrying naloxone")
    page.keyboard.press("Enter")
    page.keyboard.type("Naloxone reverses an opioid overdose for long enough to get")
    page.keyboard.type(" help. Ask your local drug service")
    # Select the words just typed and make them a link.
    page.keyboard.press("Shift+Control+ArrowLeft")
    page.keyboard.press("Shift+Control+ArrowLeft")
    page.keyboard.press("Shift+Control+ArrowLeft")
    page.get_by_role("button", name="insert link").click()
    page.get_by_label("URL").fill("https://www.nhs.uk/medicines/naloxone/")
    page.get_by_role("button", name="Update").click()
    page.keyboard.press("End")
    page.keyboard.type(" for a kit.")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="unordered list").click()
    page.keyboard.type("Keep it where people can find it")
    page.keyboard.press("Enter")
    page.keyboard.type("Check its expiry date")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # out of the list


def _schedule(page, at) -> None:
    local = timezone.localtime(at)
    page.get_by_label("Status:", exact=True).select_option(label="Scheduled")
    page.locator("#id_pub_date_0").fill(local.date().isoformat())
    page.locator("#id_pub_date_1").fill(local.strftime("%H:%M:%S"))


def test_an_editor_writes_previews_schedules_and_publishes_an_article(
    live_server, browser, editor, shots
):
    page = browser.new_page()
    _log_in(page, live_server, editor, "/admin/")
    page.goto(f"{live_server.url}/admin/articles/article/add/")

    # Write: a title, a summary, a body with a heading, a link and a list.
    page.get_by_label("Title:", exact=True).fill("Naloxone: carrying a kit")
    page.get_by_label("Summary:", exact=True).fill(
        "What naloxone is and where to get a kit."
    )
    _type_the_body(page)
    # Upload the picture for the body, with its description and credit.
    page.get_by_role("button", name="Add another picture for the body").click()
    row = page.locator("#images-0")
    row.get_by_label("Image:", exact=True).set_input_files(
        files=[{"name": "kit.png", "mimeType": "image/png", "buffer": png()}]
    )
    row.get_by_label("Description:").fill("A naloxone kit in its yellow case")
    row.get_by_label("Credit:").fill("Photo: our team")
    # And the picture at the top, in the Picture section.
    page.get_by_label("Hero image:").set_input_files(
        files=[{"name": "hills.png", "mimeType": "image/png", "buffer": png()}]
    )
    page.get_by_label("Hero image description:").fill("Hills at dawn")
    page.get_by_label("Hero credit:").fill("Photo: a volunteer")
    shots.take(page, "written")
    page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_text("was added successfully").wait_for()
    article = Article.objects.get()
    picture = article.images.exclude(pk=article.hero_id).get()
    assert (article.hero.alt, article.hero.credit) == (
        "Hills at dawn",
        "Photo: a volunteer",
    )
    assert article.status == Article.Status.DRAFT

    # Place the picture with the picture button, by keyboard alone.
    body = _body(page)
    body.click()
    page.keyboard.press("Control+End")
    page.get_by_role("button", name="Insert a picture").focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Choose a picture")
    choice = dialog.get_by_role("button", name="A naloxone kit in its yellow case")
    choice.wait_for()
    assert "Credit: Photo: our team" in choice.inner_text()
    shots.take(page, "picture-picker")
    page.keyboard.press("Enter")  # the first picture has the focus
    placed = page.locator(".article-picture")
    placed.get_by_text("Credit: Photo: our team").wait_for()
    assert placed.get_by_role("img").get_attribute("alt") == (
        "A naloxone kit in its yellow case"
    )
    page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_text("was changed successfully").wait_for()
    article.refresh_from_db()
    assert f'<img src="{picture.image.url}" alt="A naloxone kit' in article.body
    for kept in ("<h2>Carrying naloxone</h2>", "<ul><li>",
                 '<a href="https://www.nhs.uk/medicines/naloxone/"'):  # fmt: skip
        assert kept in article.body

    # Preview: the page as readers will see it, only for staff.
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Preview this version").click()
    preview = opened.value
    preview.wait_for_load_state()
    assert preview.get_by_role("heading", name="Carrying naloxone").is_visible()
    assert preview.get_by_role("link", name="local drug service").is_visible()
    assert preview.get_by_text("Check its expiry date").is_visible()
    shown = preview.get_by_role("img", name="A naloxone kit in its yellow case")
    assert shown.is_visible()
    assert preview.get_by_text("Photo: our team").is_visible()
    hero = preview.locator("figure.hero")
    assert hero.get_by_role("img", name="Hills at dawn").is_visible()
    assert hero.locator("figcaption").inner_text() == "Photo: a volunteer"
    shots.take(preview, "preview")
    preview.close()

    # Schedule it for a moment from now (long enough for a slow machine to check
    # it is not public yet), then wait for the moment to pass.
    publish_at = timezone.now().replace(microsecond=0) + timedelta(seconds=15)
    _schedule(page, publish_at)
    page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_text("was changed successfully").wait_for()
    shots.take(page, "scheduled")
    article.refresh_from_db()
    assert article.status == Article.Status.SCHEDULED
    assert article.pub_date == publish_at
    reader = browser.new_page()  # its own context: not logged in
    assert reader.goto(f"{live_server.url}/articles/{article.slug}/").status == 404
    assert articles_publish_scheduled() == 0  # beat runs: too early

    # Once its time has passed, the next beat publishes it.
    while timezone.now() < publish_at:
        page.wait_for_timeout(250)
    from articles.tasks import articles_publish_scheduled as beat_task

    beat_task.delay()  # eager under test settings, as the worker would run it
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED

    # Readers find it: its page, search, the feed.
    reader.goto(f"{live_server.url}/articles/{article.slug}/")
    assert reader.get_by_role("heading", name="Naloxone: carrying a kit").is_visible()
    shots.take(reader, "published")
    reader.goto(f"{live_server.url}/search/?q=naloxone")
    reader.get_by_role("link", name="Naloxone: carrying a kit").wait_for()
    shots.take(reader, "found-in-search")
    feed = reader.request.get(f"{live_server.url}{reverse('feed')}")
    assert feed.ok
    assert "<title>Naloxone: carrying a kit</title>" in feed.text()
    assert f"/articles/{article.slug}/" in feed.text()
