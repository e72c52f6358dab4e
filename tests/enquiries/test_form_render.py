"""The blank enquiry form's HTML is made once per process (enquiries/form_render.py):
each page gets its own tokens, a form sent back is never a kept one, and the kept
HTML follows the clock, the opening hours, the consent text and the topic."""

import re
from datetime import date, datetime, time
from unittest import mock

import pytest
from django.http import QueryDict
from django.middleware.csrf import get_token
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.utils import timezone

from enquiries import consent, form_render
from enquiries.forms import EnquiryForm
from enquiries.models import OpeningHours
from tests.articles.factories import TopicFactory
from tests.enquiries.factories import form_data

pytestmark = pytest.mark.django_db

WEDNESDAY = date(2026, 12, 2)
PAGE = {
    "service": {"state": "open", "closes": "8pm", "opens": "", "hours": "Hours."},
    "caller_id": "0113 496 0000",
    "max_attempts": 3,
    "service_phone": "",
    "service_phone_link": "tel:",
}


@pytest.fixture(autouse=True)
def nothing_kept():
    form_render.clear()
    yield
    form_render.clear()


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no {name} in the page"
    return match.group(1)


def _kept_forms() -> int:
    """How many blank forms' HTML are kept (each may be found under two keys)."""
    return len({id(kept) for kept in form_render._kept.values()})


def _at(hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(WEDNESDAY, time(hour)))


def _form_html(form: EnquiryForm, **page) -> str:
    request = RequestFactory().get("/get-help/")
    context = {**PAGE, **page, "csrf_token": get_token(request)}
    return form_render.enquiry_form_html(form, context)


# --- per request ---


def test_two_blank_forms_carry_their_own_tokens(client):
    first, second = client.get("/get-help/").text, client.get("/get-help/").text

    assert _kept_forms() == 1  # the second page came from the kept HTML
    for name in ("csrfmiddlewaretoken", "submission_token", "started"):
        assert _hidden(first, name) != _hidden(second, name)
    for html in (first, second):
        assert "enquiry-form-" not in html  # no placeholder is ever left in a page


def test_each_pages_tokens_are_the_ones_its_form_checks(client):
    response = client.get("/get-help/")

    form = response.context["form"]
    assert _hidden(response.text, "submission_token") == str(
        form.initial["submission_token"]
    )
    assert _hidden(response.text, "started") == form.initial["started"]
    sent = form_data(
        submission_token=_hidden(response.text, "submission_token"),
        csrfmiddlewaretoken=_hidden(response.text, "csrfmiddlewaretoken"),
    )
    assert client.post("/get-help/", sent).status_code == 302


def test_the_kept_html_is_the_html_rendered_afresh():
    form = EnquiryForm()
    _form_html(form)  # kept now
    csrf = "a" * 64

    kept = form_render.enquiry_form_html(form, {**PAGE, "csrf_token": csrf})

    assert kept == form_render.render_form(form, PAGE, csrf_token=csrf)


def test_the_tokens_filled_in_are_escaped_as_a_fresh_render_escapes_them():
    form = EnquiryForm(initial={"started": '"><script>alert(1)</script>'})
    csrf = "<b>&"

    kept = form_render.enquiry_form_html(form, {**PAGE, "csrf_token": csrf})

    assert kept == form_render.render_form(form, PAGE, csrf_token=csrf)
    assert "<script>" not in kept and "<b>&" not in kept


def test_the_page_is_the_same_as_with_the_whole_pages_context():
    """Rendered from PAGE_CONTEXT alone, the form is what {% crispy %} made with the
    request's whole context: nothing it shows comes from anywhere else."""
    request = RequestFactory().get("/get-help/")
    form = EnquiryForm()
    context = {**PAGE, "form": form, "site_name": "Site", "target_hours": 24}
    crispy = Template("{% load crispy_forms_tags %}{% crispy form %}")
    ours = Template("{% load questions %}{% enquiry_form form %}")

    def without_csrf(html: str) -> str:  # masked afresh each time it is asked for
        return re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+', r"\1", html)

    expected = without_csrf(crispy.render(RequestContext(request, context)))
    for _ in range(2):  # made, then kept
        assert without_csrf(ours.render(RequestContext(request, context))) == expected


# --- never a form sent back ---


def test_a_form_sent_back_with_errors_is_never_served_from_the_kept_html(client):
    client.get("/get-help/")  # a blank form is kept

    with mock.patch.object(form_render, "_blank", wraps=form_render._blank) as blank:
        response = client.post(
            "/get-help/", form_data(name="", message="Kept answer", area="LS6 1AA")
        )
    html = response.text

    blank.assert_not_called()
    assert _kept_forms() == 1
    assert "Kept answer" in html  # what they typed is there
    assert 'id="id_name_error"' in html and 'id="id_area_error"' in html
    assert 'value="LS6 1AA"' in html


def test_a_bound_form_is_rendered_afresh_and_never_kept():
    data = QueryDict(mutable=True)
    data.update(form_data(substances="alcohol"))
    form = EnquiryForm(data)
    form.is_valid()

    with mock.patch.object(form_render, "_blank") as blank:
        html = _form_html(form)

    blank.assert_not_called()
    assert not form_render._kept
    assert 'value="alcohol" id="id_substances_0" checked' in html
    # The folded-away questions open to show the answer.
    assert re.search(r'<details class="more-questions"[^>]* open>', html)


def test_the_emergency_cards_step_is_rendered_afresh(client):
    client.get("/get-help/")

    response = client.post("/get-help/", form_data(danger="overdose"))

    assert 'name="crisis_acknowledged" value="True"' in response.text
    assert "Send my request anyway" in response.text


def test_without_a_csrf_token_nothing_is_kept():
    form_render.enquiry_form_html(EnquiryForm(), dict(PAGE))

    assert not form_render._kept


# --- what the kept html depends on ---


def test_the_kept_html_follows_the_clock(client, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: _at(10))
    open_now = client.get("/get-help/").text
    monkeypatch.setattr(timezone, "now", lambda: _at(21))
    closed = client.get("/get-help/").text

    before_send = closed[closed.index('id="when-we-call"') :]
    assert "We are closed now" in before_send
    assert "We are closed now" not in open_now[open_now.index('id="when-we-call"') :]
    card = closed[closed.index('id="crisis-card"') :]
    assert "Nobody will see your request until we open" in card


def test_the_kept_html_follows_the_opening_hours(client):
    assert "Monday 9am to 8pm" in client.get("/get-help/").text

    monday = OpeningHours.objects.get(weekday=0)  # as the admin changes them
    monday.opens = time(10)
    monday.save()

    assert "Monday 10am to 8pm" in client.get("/get-help/").text


def test_the_kept_html_follows_the_consent_version(client, monkeypatch):
    client.get("/get-help/")

    monkeypatch.setattr(consent, "VERSION", "2099-01-01")
    monkeypatch.setattr(consent, "_TEXT", consent._TEXT.replace("I agree", "We ask"))
    html = client.get("/get-help/").text

    assert _hidden(html, "consent_version") == "2099-01-01"
    assert "We ask that the service may use" in html


def test_the_kept_html_follows_the_topic_and_its_name(client):
    topic = TopicFactory()
    plain = client.get("/get-help/").text
    from_topic = client.get("/get-help/?topic=heroin-and-opioids").text
    topic.name = "Opioids"
    topic.save()
    renamed = client.get("/get-help/?topic=heroin-and-opioids").text

    assert 'name="share_topic"' not in plain and 'name="topic"' in plain
    assert "reading about heroin and opioids" in from_topic
    assert 'name="topic" value="heroin-and-opioids"' in from_topic
    assert "reading about opioids" in renamed


def test_the_key_leaves_out_only_the_per_request_values():
    one, two = EnquiryForm(), EnquiryForm()

    assert form_render.cache_key(one, PAGE) == form_render.cache_key(two, PAGE)
    closing = {**PAGE, "service": {**PAGE["service"], "state": "closing"}}
    assert form_render.cache_key(one, PAGE) != form_render.cache_key(one, closing)
    for name in form_render.PAGE_CONTEXT:
        changed = {**PAGE, name: "something else"}
        assert form_render.cache_key(one, PAGE) != form_render.cache_key(one, changed)


def test_a_setting_changed_forgets_the_kept_html(settings):
    _form_html(EnquiryForm())
    assert form_render._kept

    settings.CRISPY_FAIL_SILENTLY = False

    assert not form_render._kept


def test_only_so_many_are_kept(monkeypatch):
    monkeypatch.setattr(form_render, "MAX_KEPT", 2)

    for hour in ("7pm", "8pm", "9pm"):
        _form_html(EnquiryForm(), service={**PAGE["service"], "closes": hour})

    assert _kept_forms() == 2
