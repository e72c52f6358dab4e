"""A callback's whole record, in words: what the clinician's page shows, open or
closed, and what the person receives in their copy of their data. One builder, so
the two never disagree about what we hold."""

from django.contrib.auth.models import AbstractBaseUser

from enquiries.danger import danger_reason
from enquiries.models import Substance
from enquiries.presenters import Section, labels, moment, questions, yes_no

from .forms import RISK_FIELDS
from .models import (
    Callback,
    CallbackEvent,
    Referral,
    Risk,
    RiskAssessment,
    Status,
    Urgency,
)
from .urgency import SOON_SUBSTANCES


def staff_name(user: AbstractBaseUser | None) -> str:
    """How a member of staff appears in a record: their clinician name, else their
    username; the system when nobody acted."""
    if user is None:
        return "The system"
    clinician = getattr(user, "clinician", None)
    return clinician.display_name if clinician else user.get_username()


def band_reason(callback: Callback) -> str:
    """Why the callback has its band, for the top of its page: the clinician's
    reason if someone changed it by hand, else what the person told us."""
    changed = (
        callback.events.filter(kind=CallbackEvent.Kind.BAND)
        .select_related("by__clinician")
        .order_by("-at", "-pk")
        .first()
    )
    if changed is not None:
        return (
            f"Set to {callback.get_urgency_display().lower()} by hand by"
            f" {staff_name(changed.by)} on {moment(changed.at)}: {changed.note or '-'}"
        )
    enquiry = callback.enquiry
    if callback.urgency == Urgency.URGENT:
        return danger_reason(enquiry) or "Scored urgent when it came in."
    if callback.urgency == Urgency.SOON:
        worried = [s for s in enquiry.get_substances() if s in SOON_SUBSTANCES]
        return f"Worried about {labels(worried, Substance.choices).lower()}."
    return ""


def attempts(callback: Callback) -> Section:
    rows = [
        {
            "When": moment(a.at),
            "By": staff_name(a.by),
            "How": a.get_channel_display(),
            "Result": a.get_result_display(),
            "Message left": yes_no(a.message_left),
            "Counted towards closing": yes_no(a.counts),
            "Note": a.note or "-",
        }
        for a in callback.attempts.select_related("by__clinician").order_by("at", "pk")
    ]
    return Section(
        title="Contact attempts",
        columns=[
            "When",
            "By",
            "How",
            "Result",
            "Message left",
            "Counted towards closing",
            "Note",
        ],
        rows=rows,
        empty="No tries yet.",
        erasure="The notes are deleted; when, how and the result stay, anonymous.",
    )


def _what(event: CallbackEvent) -> str:
    if event.kind != CallbackEvent.Kind.STATUS:
        return event.get_kind_display()
    if not event.from_status:
        return f"Opened: {Status(event.to_status).label.lower()}"
    if event.from_status == event.to_status:
        return Status(event.to_status).label
    return (
        f"{Status(event.from_status).label} to {Status(event.to_status).label.lower()}"
    )


def history(callback: Callback) -> Section:
    rows = [
        {
            "When": moment(e.at),
            "By": staff_name(e.by),
            "What": _what(e),
            "Held by": str(e.assigned_to or "-"),
            "Detail": e.detail or "-",
            "Reason or note": e.note or "-",
        }
        for e in callback.events.select_related("by__clinician", "assigned_to")
        .order_by("at", "pk")
    ]  # fmt: skip
    return Section(
        title="History",
        columns=["When", "By", "What", "Held by", "Detail", "Reason or note"],
        rows=rows,
        erasure="The reasons and notes are deleted; the steps and times stay.",
    )


def risk_panel(callback: Callback) -> Section:
    risk = RiskAssessment.objects.filter(callback=callback).first()
    answers = dict(Risk.choices)
    rows = []
    if risk is not None:
        rows = [
            (
                str(RiskAssessment._meta.get_field(name).verbose_name),
                str(answers.get(getattr(risk, name), getattr(risk, name))),
            )
            for name in RISK_FIELDS
        ]
        rows.append(
            (
                "Last recorded",
                f"{moment(risk.updated_at)} by {staff_name(risk.updated_by)}",
            )
        )
    return questions("Risk panel", rows, empty="Not filled in.", erasure="Deleted.")


def referral(callback: Callback) -> Section:
    found = (
        Referral.objects.filter(callback=callback)
        .select_related("provider", "referred_by__clinician", "followed_up_by")
        .first()
    )
    rows = []
    if found is not None:
        provider = found.provider
        registration = (
            f"{provider.get_regulator_display()}, {provider.registration_id}"
            if provider.regulator
            else "A support group (not registered)"
        )
        followed_up = (
            f"{moment(found.followed_up_at)} by {staff_name(found.followed_up_by)}:"
            f" {found.get_follow_up_result_display()}"
            if found.followed_up_at
            else "Not yet"
        )
        rows = [
            ("Referred to", f"{provider} ({provider.get_kind_display()})"),
            ("Registered with", registration),
            ("Paid for by", found.get_funding_route_display()),
            ("Referred on", f"{found.referred_on:%a %d %b %Y}"),
            ("Referred by", staff_name(found.referred_by)),
            ("Follow up on", f"{found.follow_up_on:%a %d %b %Y}"),
            ("Followed up", followed_up),
            ("Follow-up note", found.follow_up_note or "-"),
            ("Commission", Referral.NO_COMMISSION),
        ]
    return questions(
        "Referral",
        rows,
        empty="Not referred.",
        erasure="The follow-up note is deleted; where and when stay, anonymous.",
    )


def summary(callback: Callback) -> Section:
    """The callback itself, as the person would ask about it."""
    rows = [
        ("How urgent we judged it", callback.get_urgency_display()),
        ("Why", band_reason(callback) or "-"),
        ("Where it stands", callback.get_status_display()),
        ("How it ended", callback.get_outcome_display() or "-"),
        ("The clinician looking after it", str(callback.assigned_to or "-")),
        ("Opened", moment(callback.created_at)),
        ("Due by", moment(callback.due_at)),
        ("First spoke to you", moment(callback.first_contact_at)),
        ("Closed", moment(callback.closed_at)),
    ]
    return questions(
        "Your callback",
        rows,
        erasure="If it is still open it closes, as erased on request, so nobody is"
        " asked to call a number we no longer hold. The band, the times and the"
        " outcome stay, anonymous.",
    )


def callback_record(callback: Callback) -> list[Section]:
    """The clinical record: tries, history, risk panel, referral; open or closed."""
    return [attempts(callback), history(callback), risk_panel(callback),
            referral(callback)]  # fmt: skip
