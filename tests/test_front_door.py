"""What a frightened person meets first: a way out and a way to talk on every page,
who we will call when they ask about someone else, what shows on their phone, and
a form whose errors sit where they are read. (In Chromium: tests/journeys/.)"""

import re
from datetime import timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from django.utils import timezone

from enquiries.models import Enquiry
from tests.articles.factories import ArticleFactory, TopicFactory
from tests.clinicians.factories import ClinicianFactory
from tests.enquiries.factories import form_data

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[1]


def _words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace(" .", ".")


def _send(client, django_capture_on_commit_callbacks, **changes) -> str:
    ClinicianFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/get-help/", form_data(**changes))
    assert response.status_code == 302, "the enquiry was not accepted"
    return client.get(response.url).text


def test_every_page_links_to_cover_your_tracks_advice(client):
    for path in ("/", "/get-help/", "/no-such-page/"):
        assert 'href="/cover-your-tracks/"' in client.get(path).text, path
    advice = _words(client.get("/cover-your-tracks/").text)
    assert "private window" in advice
    assert "Clear your history" in advice
    assert "press the Esc key three times" in advice
    assert "/cover-your-tracks/" in client.get("/sitemap.xml").text


def test_the_way_out_comes_first_after_the_skip_link(client):
    html = client.get("/").text
    skip, exit_, first_number = (
        html.index("Skip to main content"),
        html.index("data-quick-exit"),
        html.index('href="tel:999"'),
    )
    assert skip < exit_ < first_number
    # It is sticky: in the bar the site's CSS pins to the top of the screen.
    css = (ROOT / "static" / "css" / "site.css").read_text()
    assert re.search(r"\.safety-bar \{[^}]*position: sticky; top: 0", css)


def test_the_service_line_and_hours_show_on_every_page_when_there_is_one(
    client, settings
):
    settings.SERVICE_PHONE = "020 7946 0123 (demo number)"
    for path in ("/", "/articles/", "/get-help/"):
        text = _words(client.get(path).text)
        assert "Call us free on 020 7946 0123 (demo number)" in text, path
        assert "We are open Monday to Friday 9am to 8pm" in text, path
    assert 'href="tel:02079460123"' in client.get("/").text

    settings.SERVICE_PHONE = ""  # no line yet: nothing pretends there is one
    assert "Call us free" not in client.get("/").text


def test_before_the_send_the_form_says_what_will_show_on_their_phone(client, settings):
    settings.CALLER_ID = "020 7946 0123 (demo number)"
    html = client.get("/get-help/").text
    said = html.index('id="caller-id-before"')
    assert said < html.index('type="submit"')
    assert "Our calls show as 020 7946 0123 (demo number)" in _words(html[said:])

    settings.CALLER_ID = "a withheld number"
    text = _words(client.get("/get-help/").text)
    assert "Many phones send withheld calls straight to voicemail" in text


def test_someone_asking_about_a_loved_one_is_told_we_call_them_not_their_loved_one(
    client, django_capture_on_commit_callbacks
):
    form = _words(client.get("/get-help/").text)
    assert "We will call you, not them." in form
    assert "the health of the person I am asking about" in form  # the consent

    thanks = _words(
        _send(
            client,
            django_capture_on_commit_callbacks,
            for_whom="someone_else",
            relationship="child",
            they_know="no",
        )
    )
    assert "We will call you, not the person you are worried about." in thanks
    assert "looking after them, and yourself" in thanks
    assert "Adfam" in thanks


def test_someone_asking_for_themselves_does_not_get_the_family_page(
    client, django_capture_on_commit_callbacks
):
    thanks = _words(_send(client, django_capture_on_commit_callbacks))
    assert "not the person you are worried about" not in thanks
    assert "Adfam" not in thanks


def test_an_error_sits_under_its_question_and_above_the_options(client):
    html = client.post("/get-help/", form_data(contact_method=None)).text
    question = html.index('id="div_id_contact_method"')
    error = html.index('id="id_contact_method_error"', question)
    first_option = html.index('id="id_contact_method_0"', question)
    assert question < error < first_option
    assert "Choose how we should contact you." in html[error:first_option]
    # A screen reader hears the error with the question.
    fieldset = re.search(r"<fieldset[^>]*>\s*<legend[^>]*>How should we", html)
    assert 'aria-describedby="id_contact_method_error"' in fieldset.group(0)
    assert Enquiry.objects.count() == 0


def test_a_text_box_error_is_said_to_a_screen_reader_with_the_box(client):
    html = client.post("/get-help/", form_data(phone="12")).text
    box = re.search(r'<input[^>]*id="id_phone"[^>]*>', html).group(0)
    assert "id_phone_error" in box.split('aria-describedby="')[1].split('"')[0]
    assert 'aria-invalid="true"' in box


def test_optional_questions_fold_away_but_never_hide_an_answer_or_an_error(client):
    empty = client.get("/get-help/").text
    assert re.search(r'<details class="more-questions">\s*<summary>Choose when', empty)

    answered = client.post(
        "/get-help/", form_data(name="", call_windows=["evening"])
    ).text  # sent back for the missing name: the chosen time must still show
    assert re.search(r"<details[^>]* open>\s*<summary>Choose when", answered)
    assert re.search(r'value="evening"[^>]*checked', answered)


def test_a_reader_sees_when_an_article_is_next_due_for_review(client):
    today = timezone.localdate()
    article = ArticleFactory(
        last_reviewed_on=today - timedelta(days=30),
        next_review_due=today + timedelta(days=700),
    )
    text = _words(client.get(article.get_absolute_url()).text)
    due = (today + timedelta(days=700)).strftime("%-d %B %Y")
    assert f"Next review due: {due}" in text
    assert "checking that this page is still up to date" not in text

    article.next_review_due = today
    article.save()
    text = _words(client.get(article.get_absolute_url()).text)
    assert "Our clinicians are checking that this page is still up to date" in text


def test_machine_readable_dates_carry_no_microseconds(client):
    article = ArticleFactory()
    for path in ("/", article.get_absolute_url()):
        for value in re.findall(r'<time datetime="([^"]+)"', client.get(path).text):
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), (path, value)


def test_headings_never_skip_a_level_on_the_pages_that_list_articles(client):
    article = ArticleFactory()
    article.topics.add(TopicFactory(name="Alcohol", slug="alcohol"))
    for path in ("/", "/articles/", "/topics/alcohol/"):
        levels = [int(n) for n in re.findall(r"<h([1-6])\b", client.get(path).text)]
        assert levels[0] == 1, path
        for before, after in pairwise(levels):
            assert after <= before + 1, (path, levels)
