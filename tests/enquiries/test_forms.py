"""The enquiry form itself: made without a query, and `form.data` is always what the
person sent, while the form shown again carries fresh hidden values."""

import time
import uuid

import pytest
from django.core import signing
from django.http import QueryDict

from enquiries import consent
from enquiries.forms import EnquiryForm
from enquiries.guards import CONSENT_CHANGED, UNREADABLE, started_at
from enquiries.models import Danger, Enquiry
from tests.articles.factories import TopicFactory
from tests.enquiries.factories import form_data

pytestmark = pytest.mark.django_db


def _sent(**changes) -> QueryDict:
    """A send as Django hands it to the view: an immutable QueryDict."""
    data = QueryDict(mutable=True)
    for name, value in form_data(**changes).items():
        data.setlist(name, value if isinstance(value, list) else [value])
    data._mutable = False  # as request.POST is
    return data


def _as_shown(form: EnquiryForm) -> dict:
    """What the form shown again sends back, as a browser sends it: each answer as
    rendered (an unticked box or an empty answer is not sent)."""
    return {
        bound.html_name: bound.value()
        for bound in form
        if bound.value() not in (None, "", [], False)
    }


def test_making_the_form_asks_nothing_of_the_database(django_assert_num_queries):
    topic = TopicFactory()
    sent = _sent(topic=topic.slug, share_topic="on")

    with django_assert_num_queries(0):
        EnquiryForm()
        EnquiryForm(topic=topic)
        EnquiryForm(sent, topic=topic)


def test_checking_a_sent_form_reads_the_opening_hours_only_to_show_them(
    django_assert_num_queries,
):
    form = EnquiryForm(_sent())

    with django_assert_num_queries(0):  # a send that succeeds never shows the hint
        assert form.is_valid(), form.errors
    with django_assert_num_queries(1):
        hint = form["call_windows"].help_text
    assert hint.startswith("Leave these empty and we will call when we are open: ")
    assert "Monday 9am to 8pm" in hint  # the migration's hours


@pytest.mark.parametrize(
    "changes",
    [
        {"submission_token": "not-a-token"},
        {"submission_token": None},
        {"started": "forged"},
        {"started": None},
    ],
)
def test_a_tampered_hidden_value_is_replaced_in_the_form_not_in_what_was_sent(
    changes,
):
    sent = _sent(**changes)
    as_sent = list(sent.lists())
    form = EnquiryForm(sent)

    assert not form.is_valid()
    assert form.data is sent
    assert list(form.data.lists()) == as_sent
    assert form.non_field_errors() == [UNREADABLE]
    assert list(form.errors) == ["__all__"]  # nothing beside a hidden field
    assert uuid.UUID(str(form["submission_token"].value()))
    assert started_at(form["started"].value()) is not None


def test_a_tick_given_to_older_consent_wording_reads_as_unticked():
    sent = _sent(consent_version="2020-01-01")
    form = EnquiryForm(sent)

    assert not form.is_valid()
    assert form.data["consent"] == "on"  # what they sent, kept
    assert form.data["consent_version"] == "2020-01-01"
    assert form["consent"].value() is False  # shown unticked
    assert form["consent_version"].value() == consent.VERSION
    assert form.non_field_errors() == [CONSENT_CHANGED]
    assert form.errors["consent"] == [
        "Tick the box to agree, so that we can arrange your callback."
    ]


def test_a_tick_given_to_the_current_wording_counts():
    form = EnquiryForm(_sent())

    assert form.is_valid(), form.errors
    assert form.cleaned_data["consent"] is True
    assert form.cleaned_data["consent_version"] == consent.VERSION


@pytest.mark.parametrize(
    "changes",
    [
        {"submission_token": "'; DROP TABLE x; --"},
        {"started": signing.dumps(time.time(), salt="something else")},
        {"consent_version": "2020-01-01"},
    ],
)
def test_sending_the_form_as_shown_again_goes_through(client, settings, changes):
    settings.ENQUIRY_MIN_FILL_SECONDS = 0  # the re-issued form is timed from now
    response = client.post("/get-help/", form_data(**changes))
    assert response.status_code == 200
    form = response.context["form"]
    for name, value in changes.items():
        assert form.data[name] == value  # what they sent, as they sent it

    resent = _as_shown(form) | {"consent": "on"}  # they tick the box again
    assert client.post("/get-help/", resent).status_code == 302
    assert Enquiry.objects.count() == 1


def test_the_emergency_card_step_keeps_what_was_sent(client):
    response = client.post("/get-help/", form_data(danger=Danger.OVERDOSE))

    form = response.context["form"]
    assert "crisis_acknowledged" not in form.data
    assert form["crisis_acknowledged"].value() == "True"
    assert not form.needs_crisis_card()
    assert client.post("/get-help/", _as_shown(form)).status_code == 302
    assert Enquiry.objects.count() == 1
