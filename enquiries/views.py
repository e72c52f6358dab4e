import logging
import re
from datetime import datetime, timedelta

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from encrypted_model_fields import fields as field_library

from articles.models import Topic
from articles.page_cache import kept_lookup
from referral_site.emails import absolute_url
from referral_site.ratelimits import over_the_limit

from .availability import (
    call_plan,
    clock_in_words,
    day_in_words,
    next_call_slot,
    next_opening,
    open_period,
    opening_hours_in_words,
    read_once,
    when_in_words,
)
from .danger import reports_danger
from .forms import EnquiryForm
from .models import ContactMethod, Enquiry, ForWhom, PrivacyNotice
from .services import (
    Answers,
    enquiry_by_withdrawal_token,
    enquiry_submit,
    enquiry_withdraw,
    withdrawal_link_email,
)

# What the thank-you page needs, kept in the session: never in the URL. The private
# link's token is sealed there (encrypted with FIELD_ENCRYPTION_KEY, as the answers
# are at rest): the session table never holds it in clear.
_SESSION_THANKS = "enquiry_thanks"
# The characters secrets.token_urlsafe makes: anything else (nothing, a "/") is not
# one of our links and cannot even be made into one.
_TOKEN_FORMAT = re.compile(r"[A-Za-z0-9_-]{1,128}")

logger = logging.getLogger(__name__)


def _sealed(token: str) -> str:
    return field_library.CRYPTER.encrypt(token.encode()).decode()


def _unsealed(sealed: str) -> str | None:
    try:
        return field_library.CRYPTER.decrypt(sealed.encode()).decode()
    except InvalidToken:  # sealed with a key since retired: the link is not shown
        return None


def _over_the_limit(request: HttpRequest) -> bool:
    return over_the_limit(
        request, group="enquiries.submit", rate=settings.ENQUIRY_RATE_LIMIT
    )


@never_cache
@require_http_methods(["GET", "POST"])
def enquiry_create(request: HttpRequest) -> HttpResponse:
    sent = request.method == "POST"
    # The topic they were reading: from the link to the form, then from the form.
    slug = (request.POST if sent else request.GET).get("topic")
    topic = (
        kept_lookup("topic", slug, lambda: Topic.objects.filter(slug=slug).first())
        if slug
        else None
    )
    if not sent:
        return _form_page(request, None, topic=topic)
    form = EnquiryForm(request.POST, topic=topic)
    if form.is_under_18():
        return render(request, "enquiries/under_18.html")
    if form.is_valid():
        if form.looks_automated():
            return render(request, "enquiries/enquiry_blocked.html", status=429)
        if form.needs_crisis_card():
            form.acknowledge_crisis()  # shown once; the next send goes through
            return _form_page(request, form, topic=topic, crisis_first=True)
        # Counted only for a real send: the emergency card's extra step is free.
        if _over_the_limit(request):
            return render(request, "enquiries/enquiry_blocked.html", status=429)
        data = form.cleaned_data
        submission = enquiry_submit(
            answers=Answers.from_form(form),
            submission_token=data["submission_token"],
            consent_version=data["consent_version"],
        )
        thanks = request.session.get(_SESSION_THANKS, {})
        if thanks.get("reference") != submission.enquiry.reference:
            thanks = {"reference": submission.enquiry.reference}
        if submission.withdrawal_token:
            thanks["withdrawal_token"] = _sealed(submission.withdrawal_token)
        request.session[_SESSION_THANKS] = thanks
        return redirect("enquiries:enquiry_thanks")
    return _form_page(request, form, topic=topic)


@read_once()  # the page and the form's hints ask of the hours several times
def _form_page(
    request: HttpRequest, form: EnquiryForm | None, *, topic, crisis_first=False
):
    """The form's page: `form` as sent back, or None for a blank one (made only if
    its HTML is not kept: enquiries/form_render.py)."""
    service = _service_at(timezone.now())
    context = {
        "form": form or SimpleLazyObject(lambda: EnquiryForm(topic=topic)),
        "blank_form": form is None,
        "came_from": topic,
        "target_hours": settings.CALLBACK_TARGET_HOURS,
        "crisis_first": crisis_first,
        "service": service,
        # The footer's hours are these same words: read them from the database once.
        "service_hours": service["hours"],
        "caller_id": settings.CALLER_ID,
        "max_attempts": settings.CALLBACK_MAX_ATTEMPTS,
    }
    return render(request, "enquiries/enquiry_form.html", context)


def _service_at(at: datetime) -> dict:
    """Whether someone could be called at `at`, in words for the pages.

    `state` is "open", "closing" (open, but too near closing time for a call) or
    "closed"; `closes` is today's closing time while open, `opens` the next opening
    otherwise ('' when none is within the horizon); `hours` the week's hours."""
    period = open_period(at)
    urgent = settings.CALLBACK_TARGET_MINUTES["urgent"]
    if period is None:
        state = "closed"
    elif call_plan(after=at, minutes=urgent, windows=[], days=[]).waits_for_opening:
        state = "closing"
    else:
        state = "open"
    opens = next_opening(at) if state != "open" else None
    return {
        "state": state,
        "closes": clock_in_words(period.end) if period else "",
        "opens": when_in_words(opens, now=at) if opens else "",
        "hours": opening_hours_in_words(),
    }


def _duration_in_words(minutes: int) -> str:
    """'1 hour', '2 hours', '45 minutes', '1 hour 30 minutes'."""
    hours, minutes = divmod(minutes, 60)
    parts = [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
    if minutes or not hours:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)


def _urgent_call(enquiry: Enquiry, *, now: datetime) -> dict:
    """When we can call someone who may be in danger, in words for the thank-you
    page: `call_plan` with the urgent target, from when they sent the request.

    `waiting` says why nobody can call yet: "closed", "closing" (too near closing
    time), "safe_time" (we are open, but it is not a time they said is safe), or ""
    when we can call now. Then `opens` is when we open and `starts` when the first
    safe time starts, if that is later. `within` is the target in words when it can
    be kept in full, else `due` is the time we aim to call by. `known` is False when
    there is no safe, open time within the horizon."""
    minutes = settings.CALLBACK_TARGET_MINUTES["urgent"]
    windows, days = enquiry.get_call_windows(), enquiry.get_call_days()
    arrived = enquiry.created_at
    plan = call_plan(after=arrived, minutes=minutes, windows=windows, days=days)
    call = {
        "known": next_call_slot(after=arrived, windows=windows, days=days) is not None,
        "waiting": "",
        "within": "",
        "due": when_in_words(plan.due_at, now=now),
    }
    # Looked at again once the wait is over, the page no longer says "closed now".
    if plan.waits_for_opening and now < plan.starts_at:
        service = _service_at(arrived)
        # We are open: it is the time they told us is safe that has not begun.
        open_ = service["state"] == "open"
        opens = None if open_ else next_opening(arrived)
        call["waiting"] = "safe_time" if open_ else service["state"]
        call["closes"] = service["closes"]
        call["opens"] = when_in_words(opens, now=now) if opens else ""
        if plan.starts_at != opens:
            call["starts"] = when_in_words(plan.starts_at, now=now)
        if timezone.localdate(plan.due_at) == timezone.localdate(plan.starts_at):
            call["due"] = clock_in_words(plan.due_at)
    elif not plan.waits_for_opening and plan.due_at == arrived + timedelta(
        minutes=minutes
    ):
        call["within"] = _duration_in_words(minutes)
    return call


def _withdrawal_url(token: str) -> str:
    # From SITE_URL, not the request's Host header: this link may be emailed.
    return absolute_url(reverse("enquiries:enquiry_withdraw", args=[token]))


@never_cache
@read_once()  # when we aim to call, and whether we are open: the same hours
def enquiry_thanks(request: HttpRequest) -> HttpResponse:
    thanks = request.session.get(_SESSION_THANKS)
    if not thanks:
        return redirect("enquiries:enquiry_create")
    enquiry = Enquiry.objects.active().filter(reference=thanks["reference"]).first()
    if enquiry is None:
        return redirect("enquiries:enquiry_create")
    # The private link is shown once: it leaves the session as it is shown.
    sealed = thanks.pop("withdrawal_token", None)
    request.session[_SESSION_THANKS] = thanks
    _save_session_or_carry_on(request)
    withdrawal_token = _unsealed(sealed) if sealed else None
    withdrawal_url = _withdrawal_url(withdrawal_token) if withdrawal_token else None
    now = timezone.now()
    in_danger = reports_danger(enquiry)
    slot = (
        None
        if in_danger
        else next_call_slot(
            after=now,
            windows=enquiry.get_call_windows(),
            days=enquiry.get_call_days(),
        )
    )
    context = {
        "enquiry": enquiry,
        "in_danger": in_danger,
        "urgent": _urgent_call(enquiry, now=now) if in_danger else None,
        "slot": slot,
        "slot_day": day_in_words(slot.start, now=now) if slot else "",
        "slot_from": clock_in_words(slot.start) if slot else "",
        "slot_to": clock_in_words(slot.end) if slot else "",
        "by_phone": enquiry.contact_method != ContactMethod.EMAIL,
        "for_someone_else": enquiry.for_whom == ForWhom.SOMEONE_ELSE,
        "withdrawal_url": withdrawal_url,
        "withdrawal_token": withdrawal_token,
        "caller_id": settings.CALLER_ID,
        "max_attempts": settings.CALLBACK_MAX_ATTEMPTS,
    }
    return render(request, "enquiries/enquiry_thanks.html", context)


def _save_session_or_carry_on(request: HttpRequest) -> None:
    """Save the session now; if the database went away since it was read, the
    page is still shown. Their enquiry is safe: what they need is its reference,
    not Django's "session deleted" 400 (which is what a failed save becomes in
    SessionMiddleware). The private link then stays in the session and shows once
    more on a reload: in their own browser only."""
    try:
        request.session.save()
    except UpdateError:
        logger.warning("The thank-you page was shown; its session was not saved.")
    # Saved, or not to be tried again: SessionMiddleware does not write it twice.
    request.session.modified = False


@never_cache
@require_POST
def withdrawal_link_emailed(request: HttpRequest) -> HttpResponse:
    """The person asked for their private link by email (never sent otherwise)."""
    token = request.POST.get("token", "")
    if not _TOKEN_FORMAT.fullmatch(token):
        # Not a link of ours (empty, cut short, or with a "/"): say so, plainly.
        return render(request, "enquiries/withdraw_unknown.html", status=400)
    if over_the_limit(request, group="enquiries.email-link", rate="5/h"):
        return render(request, "enquiries/enquiry_blocked.html", status=429)
    link = _withdrawal_url(token)
    try:
        sent = withdrawal_link_email(token=token, link=link)
    except OSError:  # the mail server did not answer: show the link again instead
        sent = False
    context = {"sent": sent, "withdrawal_url": link}
    return render(request, "enquiries/withdrawal_link_emailed.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def enquiry_withdraw_view(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm (link previewers must not erase anything); POST erases."""
    if request.method == "POST":
        enquiry = enquiry_withdraw(token=token)
        if enquiry is None:
            raise Http404
        request.session.pop(_SESSION_THANKS, None)
        return render(request, "enquiries/enquiry_withdrawn.html")
    enquiry = enquiry_by_withdrawal_token(token=token)
    if enquiry is None:
        return render(request, "enquiries/withdraw_unknown.html", status=404)
    return render(request, "enquiries/enquiry_withdraw.html", {"enquiry": enquiry})


def privacy_notice(request: HttpRequest) -> HttpResponse:
    notice = (
        PrivacyNotice.objects.filter(published_at__lte=timezone.now())
        .order_by("-published_at")
        .first()
    )
    if notice is None:
        raise Http404("No privacy notice has been published.")
    return render(request, "enquiries/privacy_notice.html", {"notice": notice})
