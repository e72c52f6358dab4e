import re
import time
from datetime import date, datetime
from datetime import time as clock_time

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clinicians.models import Callback
from enquiries import consent
from enquiries.guards import sign_started
from enquiries.models import Danger, Enquiry
from tests.clinicians.factories import ClinicianFactory
from tests.enquiries.factories import EMAIL, PHONE, form_data

pytestmark = pytest.mark.django_db


def _post(client, **changes):
    return client.post("/get-help/", form_data(**changes))


def _as_shown(form) -> dict:
    """What the form shown again sends back, as a browser sends it: each answer as
    rendered (an unticked box or an empty answer is not sent). Not `form.data`,
    which is what the person sent."""
    return {
        bound.html_name: bound.value()
        for bound in form
        if bound.value() not in (None, "", [], False)
    }


# Opening hours from the migration: Monday to Friday 9am-8pm, Saturday 10am-4pm.
WEDNESDAY, SATURDAY = date(2026, 12, 2), date(2026, 12, 5)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock_time(hour, minute)))


@pytest.fixture
def clock(monkeypatch):
    """Set the time everything sees (the enquiry's created_at, the pages' now)."""

    def set_to(moment: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


def _main(html: str) -> str:
    """The page's own content: after the crisis banner every page has."""
    return html[html.index('id="main"') :]


def _words(html: str) -> str:
    """The text a person reads, without tags, one space between words."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace(" .", ".")


def _send_in_danger(client, **changes):
    """A request from someone in danger who has seen the emergency card."""
    changes = {"danger": Danger.OVERDOSE, "crisis_acknowledged": "True"} | changes
    assert _post(client, **changes).status_code == 302
    return client.get("/get-help/thank-you/").text


# --- the empty form ---


def test_the_form_explains_each_question_and_repeats_the_999_reminder(client):
    response = client.get("/get-help/")

    assert response.status_code == 200
    assert response.templates[0].name == "enquiries/enquiry_form.html"
    text = response.text
    assert "If you or someone else is in immediate danger, call" in text
    for legend in ("About you", "What is happening", "How to reach you"):
        assert f"<legend>{legend}</legend>" in text
    assert "Is anyone in immediate danger right now?" in text
    assert 'autocomplete="given-name"' in text
    assert 'autocomplete="tel"' in text
    assert 'autocomplete="email"' in text
    assert "Up to 1000 characters" in text
    assert "Monday 9am to 8pm" in text  # the opening hours, set in the admin
    assert 'href="/privacy/"' in text
    assert "no-store" in response.headers["Cache-Control"]


def test_the_form_says_our_hours_and_that_we_are_open_now(client, clock):
    clock(_at(WEDNESDAY, 10))

    html = client.get("/get-help/").text

    hours = (
        "We are open Monday to Friday 9am to 8pm and Saturday 10am to 4pm."
        " We are closed on Sundays and bank holidays."
    )
    intro, before_send = html.index('id="opening-hours"'), html.index("when-we-call")
    assert intro < before_send < html.index('type="submit"')
    # In the intro, just before the send, and in the footer's "talk to us".
    assert _words(html).count(hours) == 3
    assert "We are open now, until 8pm today." in _words(html)
    assert "closed now" not in html


def test_the_form_says_when_we_are_closed_and_when_we_open(client, clock):
    clock(_at(WEDNESDAY, 21))

    html = client.get("/get-help/").text

    text = _words(html)
    assert "We are closed now. We open again at 9am on Thursday 3 December." in text
    before_send = _words(html[html.index('id="when-we-call"') :])
    assert before_send.startswith(
        'id="when-we-call" role="region" aria-labelledby="when-we-call-title">'
        " When we can call you We are closed now. We open again at 9am on"
        " Thursday 3 December. Nobody will see your request until we open."
        " If you need help before then, call 999 in an emergency, NHS 111"
    )
    # The emergency card JavaScript reveals says it too.
    card = _words(html[html.index('id="crisis-card"') :])
    assert "Nobody will see your request until we open at 9am on Thursday" in card


def test_the_emergency_card_before_the_send_says_when_we_are_closed(client, clock):
    clock(_at(SATURDAY, 17))

    response = _post(client, danger=Danger.SUICIDE)

    card = _words(response.text[response.text.index('id="crisis-first"') :])
    assert "You told us someone is in immediate danger" in card
    assert (
        "We are closed now. Nobody will see your request until we open at"
        " 9am on Monday 7 December." in card
    )


def test_the_emergency_card_while_open_does_not_say_closed(client, clock):
    clock(_at(WEDNESDAY, 10))

    response = _post(client, danger=Danger.SUICIDE)

    assert "You told us someone is in immediate danger" in response.text
    assert "Nobody will see your request" not in response.text


def test_consent_starts_unticked_and_the_bot_trap_is_hidden_from_people(client):
    form = client.get("/get-help/").context["form"]
    html = client.get("/get-help/").text

    assert form["consent"].value() is None
    assert 'name="consent"' in html and 'id="id_consent" checked' not in html
    assert re.search(r'class="form-trap"\s+aria-hidden="true"', html)
    assert 'name="website"' in html and 'tabindex="-1"' in html


# --- a good send ---


def test_a_valid_enquiry_is_saved_and_the_thank_you_page_says_what_happens_next(
    client, django_capture_on_commit_callbacks
):
    clinician = ClinicianFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, name="Marigold", voicemail_ok="no")

    assert response.status_code == 302
    assert response.url == "/get-help/thank-you/"  # nothing identifying in the URL
    enquiry = Enquiry.objects.get()
    assert enquiry.callback.assigned_to == clinician
    assert enquiry.consent_version == consent.VERSION
    thanks = client.get(response.url).text
    assert enquiry.reference in thanks
    assert re.search(r"We aim to call you\s+<strong>(today|tomorrow|on \w+day)", thanks)
    assert "up to 3 times" in thanks
    # What shows on their phone, and that many phones block it.
    assert "Our calls show as a withheld number. Many phones" in _words(thanks)
    assert "We will not leave a voicemail or a message" in thanks
    assert "If things get worse before we call" in thanks
    assert "Marigold" not in thanks and PHONE not in thanks  # nothing echoed


def test_the_expected_call_follows_the_times_the_person_said_are_safe(client):
    _post(client, call_windows=["evening"], call_days=["0", "1", "2", "3", "4"])

    thanks = client.get("/get-help/thank-you/").text

    assert "between 5pm and 8pm" in thanks
    assert "the first time you told us is safe" in thanks


def test_the_private_withdrawal_link_is_shown_once(client):
    _post(client)

    first = client.get("/get-help/thank-you/").text
    again = client.get("/get-help/thank-you/").text

    assert "/get-help/withdraw/" in first
    assert "We show it only once" in first
    assert "/get-help/withdraw/" not in again
    assert Enquiry.objects.get().reference in again


def test_the_thank_you_page_writes_its_session_once(client):
    _post(client)

    with CaptureQueriesContext(connection) as queries:
        first = client.get("/get-help/thank-you/")
    # Read before the next request, which empties the log they are read from.
    writes = [q["sql"] for q in queries if q["sql"].startswith("UPDATE")]
    again = client.get("/get-help/thank-you/")

    assert [sql.split()[1] for sql in writes] == ['"django_session"']
    assert "/get-help/withdraw/" in first.text
    assert "/get-help/withdraw/" not in again.text  # that one write took it out


def test_the_thank_you_page_is_shown_when_the_database_goes_as_it_is_saved(client):
    # PostgreSQL restarting between reading the session and saving it: the
    # person still sees that we have their enquiry, and its reference.
    _post(client)

    def database_gone(execute, sql, params, many, context):
        if sql.startswith("UPDATE") and "django_session" in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(database_gone):
        response = client.get("/get-help/thank-you/")

    assert response.status_code == 200
    assert Enquiry.objects.get().reference in response.text
    assert "/get-help/withdraw/" in response.text


def test_with_the_database_down_after_a_send_the_person_is_told_it_reached_us(client):
    # The send committed; the database goes before the thank-you page can read
    # the session. They must not be told "we cannot take your request" (and
    # send again, or give up), and a reload once it is back shows everything.
    _post(client)
    client.raise_request_exception = False

    def database_gone(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    with connection.execute_wrapper(database_gone):
        during = client.get("/get-help/thank-you/")
    after = client.get("/get-help/thank-you/")

    assert during.status_code == 503
    text = _words(during.text)
    assert "If you have just sent us your message, it has reached us" in text
    assert "cannot take your request" not in text
    assert "999" in text and "116 123" in text
    assert 'id="answers-kept"' not in during.text
    assert after.status_code == 200
    assert Enquiry.objects.get().reference in after.text
    assert "/get-help/withdraw/" in after.text  # the private link was not lost


def test_a_double_clicked_submit_makes_one_enquiry(client):
    data = form_data()

    first = client.post("/get-help/", data)
    second = client.post("/get-help/", data)

    assert first.status_code == second.status_code == 302
    assert Enquiry.objects.count() == 1


def test_the_thank_you_page_without_an_enquiry_goes_back_to_the_form(client):
    response = client.get("/get-help/thank-you/")

    assert response.status_code == 302
    assert response.url == "/get-help/"


def test_only_the_chosen_contact_detail_is_required_and_kept(client):
    response = _post(client, contact_method="email", email=EMAIL, phone=PHONE)

    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    assert (enquiry.email, enquiry.phone) == (EMAIL, "")


def test_for_someone_else_asks_who_they_are_but_never_their_name(client):
    missing = _post(client, for_whom="someone_else")
    assert "Tell us who the person you are worried about is to you." in missing.text

    _post(client, for_whom="someone_else", relationship="sibling", they_know="no")

    enquiry = Enquiry.objects.get()
    assert (enquiry.relationship, enquiry.they_know) == ("sibling", "no")


def test_answers_about_someone_else_are_dropped_when_asking_for_yourself(client):
    _post(client, for_whom="self", relationship="partner", they_know="yes")

    assert Enquiry.objects.get().relationship == ""


def test_an_under_18_sees_young_peoples_services_and_nothing_is_saved(client):
    response = _post(client, over_18="no", name="", consent=None)

    assert response.status_code == 200
    assert "Help for young people" in response.text
    assert "Childline" in response.text
    assert not Enquiry.objects.exists()


# --- someone in danger ---


def test_an_overdose_at_9pm_on_a_wednesday_sees_999_first_then_when_we_open(
    client, clock
):
    clock(_at(WEDNESDAY, 21))

    main = _main(_send_in_danger(client))

    reference = Enquiry.objects.get().reference
    first_999 = main.index('href="tel:999"')
    assert first_999 < main.index("<h1") < main.index(reference)
    assert first_999 < main.index('id="expected-call"') < main.index(reference)
    assert 'href="tel:111"' in main and 'href="tel:116123"' in main
    text = _words(main)
    assert (
        "We are closed now. Nobody will see your request until we open at"
        " 9am on Thursday 3 December. We aim to call you by 10am." in text
    )
    assert "If things get worse before we call, do not wait for us." in text
    assert "between 9" not in text  # not the routine slot: that was the old untruth


def test_an_overdose_at_5pm_on_a_saturday_is_told_monday_at_9am(client, clock):
    clock(_at(SATURDAY, 17))

    text = _words(_main(_send_in_danger(client)))

    assert "We are closed now." in text
    assert "until we open at 9am on Monday 7 December" in text
    assert "We aim to call you by 10am." in text


def test_an_overdose_at_10am_on_a_wednesday_is_told_within_the_hour(client, clock):
    clock(_at(WEDNESDAY, 10))

    main = _main(_send_in_danger(client))

    assert main.index('href="tel:999"') < main.index(Enquiry.objects.get().reference)
    text = _words(main)
    assert "We aim to call you within 1 hour." in text
    assert "closed now" not in text


def test_the_hour_in_words_follows_the_urgent_target(client, clock, settings):
    settings.CALLBACK_TARGET_MINUTES = settings.CALLBACK_TARGET_MINUTES | {"urgent": 90}
    clock(_at(WEDNESDAY, 10))

    assert "within 1 hour 30 minutes" in _words(_send_in_danger(client))


def test_words_in_the_message_alone_put_the_emergency_numbers_first(client, clock):
    clock(_at(WEDNESDAY, 21))

    main = _main(
        _send_in_danger(client, danger=Danger.NONE, message="I think he took an OD")
    )

    assert main.index('id="crisis-now"') < main.index(Enquiry.objects.get().reference)
    assert "until we open at 9am on Thursday 3 December" in _words(main)


def test_too_near_closing_time_to_call_says_so_and_when_we_open(client, clock):
    clock(_at(WEDNESDAY, 19, 45))

    text = _words(_main(_send_in_danger(client)))

    assert "We close at 8pm, which is too soon for us to call you today." in text
    assert "We open again at 9am on Thursday 3 December" in text
    assert "We aim to call you by 10am." in text


def test_outside_the_safe_times_they_chose_says_when_the_safe_time_starts(
    client, clock
):
    clock(_at(WEDNESDAY, 10))

    text = _words(_main(_send_in_danger(client, call_windows=["evening"])))

    assert "You told us it is not safe for us to call yet." in text
    assert "The first time you told us is safe is 5pm today" in text
    assert "we aim to call you by 6pm. We will not call you before then." in text
    assert "closed now" not in text  # we are open: it is their safe time that waits


def test_closed_now_and_a_later_safe_time_says_both(client, clock):
    clock(_at(WEDNESDAY, 21))

    text = _words(_main(_send_in_danger(client, call_windows=["evening"])))

    assert "until we open at 9am on Thursday 3 December" in text
    assert "safe for us to call is 5pm on Thursday 3 December" in text
    assert "We aim to call you by 6pm." in text


def test_seen_again_after_opening_the_page_no_longer_says_closed(client, clock):
    clock(_at(date(2026, 12, 3), 9, 20))
    _send_in_danger(client)
    Enquiry.objects.update(created_at=_at(WEDNESDAY, 21))  # sent the night before

    text = _words(_main(client.get("/get-help/thank-you/").text))

    assert "closed now" not in text
    assert "We aim to call you by 10am today." in text


def test_someone_in_danger_who_asked_for_an_email_is_told_when_we_email(client, clock):
    clock(_at(WEDNESDAY, 21))

    text = _words(_main(_send_in_danger(client, contact_method="email", email=EMAIL)))

    assert "When we will email you" in text
    assert "We aim to email you by 10am." in text


def test_a_routine_enquiry_at_night_keeps_the_routine_wording(client, clock):
    clock(_at(WEDNESDAY, 21))
    assert _post(client).status_code == 302

    main = _main(client.get("/get-help/thank-you/").text)

    assert 'id="crisis-now"' not in main
    assert re.search(r"We aim to call you\s+<strong>on Thursday 3 December", main)
    assert "between 9am and 8pm" in main
    assert "If things get worse before we call" in main
    assert "closed now" not in main
    assert main.index(Enquiry.objects.get().reference) < main.index("tel:999")


def test_someone_in_danger_sees_the_emergency_card_before_the_send(client):
    first = _post(client, danger=Danger.OVERDOSE)

    assert first.status_code == 200
    assert not Enquiry.objects.exists()
    assert "You told us someone is in immediate danger" in first.text
    assert 'href="tel:999"' in first.text and 'href="tel:111"' in first.text
    assert "116 123" in first.text
    assert "Send my request anyway" in first.text
    assert "Marigold" not in first.text

    second = client.post("/get-help/", _as_shown(first.context["form"]))

    assert second.status_code == 302
    assert Enquiry.objects.get().danger == Danger.OVERDOSE


def test_nobody_in_danger_goes_straight_through(client):
    assert _post(client, danger=Danger.NONE).status_code == 302


# --- bad input: one clear message, beside the field and in the summary ---


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Enter a name we can call you by."),
        ({"name": "x" * 101}, "name", "Enter a name of 100 characters or fewer."),
        ({"phone": ""}, "phone", "Enter the phone number we should use."),
        ({"phone": "call me"}, "phone", "Enter a phone number with its area code"),
        ({"phone": "12345"}, "phone", "Enter a phone number with its area code"),
        ({"phone": "+44 (0)7700 900123 ext"}, "phone", "Enter a phone number with"),
        (
            {"contact_method": "email", "email": "sam@"},
            "email",
            "Enter an email address like name@example.org.",
        ),
        (
            {"contact_method": "email"},
            "email",
            "Enter the email address we should use.",
        ),
        ({"area": "LS6 2AB"}, "area", "Enter only the first half of your postcode"),
        ({"area": "ZZ99Z9Z"}, "area", "Enter the name of your county or town"),
        ({"area": "12345"}, "area", "Enter the name of your county or town"),
        (
            {"message": "x" * 10_000},
            "message",
            "Shorten your message to 1000 characters",
        ),
        ({"consent": None}, "consent", "Tick the box to agree"),
        ({"over_18": None}, "over_18", "Tell us whether you are 18 or over."),
        ({"for_whom": None}, "for_whom", "Tell us who you are asking for help for."),
        ({"danger": None}, "danger", "Tell us whether anyone is in immediate danger."),
        (
            {"voicemail_ok": None},
            "voicemail_ok",
            "Tell us whether we can leave a voice",
        ),
        ({"contact_method": "pigeon"}, "contact_method", "Select a valid choice."),
        (
            {"call_windows": ["evening"], "call_days": ["6"]},
            "call_windows",
            "We are not open at the times you chose.",
        ),
    ],
)
def test_bad_input_gets_one_clear_message_beside_the_field_and_in_the_summary(
    client, changes, field, message
):
    response = _post(client, **changes)

    assert response.status_code == 200
    assert not Enquiry.objects.exists()
    text = response.text
    assert "There is a problem" in text
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert f'href="#{form[field].id_for_label}"' in text  # the summary links to it
    assert text.count(message) == 2  # once in the summary, once beside the field


@pytest.mark.parametrize(
    ("phone", "kept"),
    [
        ("07700 900123", "07700 900123"),
        ("+44 7700 900123", "+44 7700 900123"),
        ("+1 (202) 555-0143", "+1 (202) 555-0143"),
        ("  07700   900123 ", "07700 900123"),
    ],
)
def test_uk_and_international_numbers_are_accepted(client, phone, kept):
    assert _post(client, phone=phone).status_code == 302
    assert Enquiry.objects.get().phone == kept


@pytest.mark.parametrize(
    ("area", "kept"),
    [("ls6", "LS6"), ("SW1A", "SW1A"), ("West Yorkshire", "West Yorkshire"), ("", "")],
)
def test_a_county_or_the_first_half_of_a_postcode_is_accepted(client, area, kept):
    assert _post(client, area=area).status_code == 302
    assert Enquiry.objects.get().area == kept


def test_what_the_person_typed_is_still_there_after_an_error(client):
    response = _post(client, consent=None, message="Please call after six")

    assert "Please call after six" in response.text
    assert 'value="Sam"' in response.text
    assert f'value="{PHONE}"' in response.text
    assert 'value="alcohol" checked' in response.text.replace("\n", " ") or (
        response.context["form"]["substances"].value() == ["alcohol"]
    )


def test_html_and_script_in_every_field_is_shown_escaped(client):
    script = "<script>alert('x')</script>"
    text_fields = ("name", "phone", "email", "message", "area")
    response = _post(client, consent=None, **dict.fromkeys(text_fields, script))

    assert script not in response.text
    assert response.text.count("&lt;script&gt;") >= len(text_fields)


def test_html_typed_into_the_message_is_stored_as_plain_text(client):
    script = "<b>bold</b><script>alert('x')</script>"
    _post(client, message=script)

    assert Enquiry.objects.get().message == script  # text, never rendered as HTML


def test_an_empty_post_saves_nothing_and_lists_every_problem(client):
    response = client.post("/get-help/", {})

    assert response.status_code == 200
    assert not Enquiry.objects.exists()
    assert set(response.context["form"].errors) >= {
        "over_18", "for_whom", "danger", "name", "contact_method", "consent",
    }  # fmt: skip


def test_a_missing_csrf_token_gets_a_friendly_page():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/get-help/", form_data())

    assert response.status_code == 403
    assert "Sorry, we could not accept that form" in response.text
    assert not Enquiry.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"submission_token": None},
        {"submission_token": "not-a-token"},
        {"submission_token": "'; DROP TABLE x; --"},
        {"started": "forged"},
        {"started": None},
    ],
)
def test_a_missing_or_tampered_hidden_field_asks_to_send_again(
    client, settings, changes
):
    # The re-issued form is timed from now: the person takes their time to resend.
    settings.ENQUIRY_MIN_FILL_SECONDS = 0
    response = _post(client, **changes)

    assert response.status_code == 200
    assert not Enquiry.objects.exists()
    assert "We could not read this form" in response.text
    retry = client.post("/get-help/", _as_shown(response.context["form"]))
    assert retry.status_code == 302
    assert Enquiry.objects.count() == 1


def test_a_send_after_the_consent_text_changed_asks_for_consent_again(client):
    response = _post(client, consent_version="2020-01-01")

    assert response.status_code == 200
    assert not Enquiry.objects.exists()
    assert (
        "We have changed how we describe the use of your information" in response.text
    )
    assert "consent" in response.context["form"].errors  # the old tick does not count
    resent = _as_shown(response.context["form"]) | {"consent": "on"}
    assert client.post("/get-help/", resent).status_code == 302


# --- spam and abuse ---


def test_a_filled_bot_trap_is_turned_away_calmly_and_nothing_is_stored(client):
    response = _post(client, website="http://spam.example.org")

    assert response.status_code == 429
    assert "We could not send your request just now" in response.text
    assert "116 123" in response.text
    assert not Enquiry.objects.exists()


def test_a_form_sent_faster_than_a_person_could_is_turned_away(client, settings):
    settings.ENQUIRY_MIN_FILL_SECONDS = 3

    response = _post(client, started=sign_started(time.time() - 1))

    assert response.status_code == 429
    assert not Enquiry.objects.exists()


def test_too_many_sends_from_one_address_are_turned_away(client, settings):
    settings.ENQUIRY_RATE_LIMIT = "2/h"

    statuses = [_post(client).status_code for _ in range(3)]

    assert statuses == [302, 302, 429]
    assert Enquiry.objects.count() == 2
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert other.post("/get-help/", form_data()).status_code == 302


def test_the_emergency_card_step_does_not_count_towards_the_limit(client, settings):
    settings.ENQUIRY_RATE_LIMIT = "1/h"

    card = _post(client, danger=Danger.SUICIDE)
    sent = client.post("/get-help/", _as_shown(card.context["form"]))

    assert sent.status_code == 302
    assert Enquiry.objects.count() == 1


def test_an_enquiry_is_kept_when_the_broker_is_down(
    client, caplog, django_capture_on_commit_callbacks, unreachable_broker
):
    with caplog.at_level("WARNING"), django_capture_on_commit_callbacks(execute=True):
        response = _post(client, name="Marigold")

    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    assert not Callback.objects.exists()  # the sweep opens it later
    assert f"clinicians.tasks.callback_open for id {enquiry.pk}" in caplog.text
    assert "Marigold" not in caplog.text and PHONE not in caplog.text
