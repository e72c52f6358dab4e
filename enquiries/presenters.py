"""An enquiry's answers in words: stored codes decoded next to the choices that
define them, for the clinician's callback page and the person's own copy of their
data (subject access). One place, so both say the same thing."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format

from .models import (
    CallWindow,
    Danger,
    Enquiry,
    ForWhom,
    Relationship,
    Substance,
    TheyKnow,
    Weekday,
)

ABOUT_THIS_COPY = (
    "This is everything the service holds about your request: what you told us,"
    " each time we tried to reach you and what we noted, what we recorded about"
    " risk, any referral we made, the history of your callback, and who on our"
    " staff opened your details, and when. Times are UK time."
)


@dataclass
class Section:
    """One part of a record: a title and a table of rows, each a label-to-words
    mapping with the same labels (`columns`). `empty` says what an empty one means;
    `erasure` what erasing the person's data does to it."""

    title: str
    columns: list[str]
    rows: list[dict[str, str]] = field(default_factory=list)
    empty: str = "None."
    erasure: str = ""

    def cells(self) -> list[list[str]]:
        """The rows as lists in column order, for a template's table."""
        return [[row.get(column, "") for column in self.columns] for row in self.rows]

    def as_dict(self) -> dict:
        return {"title": self.title, "rows": self.rows}


def labels(values, choices) -> str:
    names = dict(choices)
    return ", ".join(str(names.get(value, value)) for value in values) or "-"


def moment(value: datetime | None) -> str:
    """'Wed 2 Dec 2026, 14:30' in UK time, or '-'."""
    if value is None:
        return "-"
    return date_format(timezone.localtime(value), "D j M Y, H:i")


def yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def contact(enquiry: Enquiry) -> str:
    detail = enquiry.email if enquiry.contact_method == "email" else enquiry.phone
    return f"{enquiry.get_contact_method_display()}: {detail or '-'}"


def safe_times(enquiry: Enquiry) -> str:
    windows, days = enquiry.get_call_windows(), enquiry.get_call_days()
    at = labels(windows, CallWindow.choices) if windows else "Any time we are open"
    on = labels(days, Weekday.choices) if days else "any day"
    return f"{at}; {on}"


def for_whom(enquiry: Enquiry) -> str:
    if enquiry.for_whom == ForWhom.SELF:
        return "Themselves"
    relationship = dict(Relationship.choices).get(enquiry.relationship, "")
    they_know = dict(TheyKnow.choices).get(enquiry.they_know, "not asked")
    return f"Someone else: {relationship}. Do they know? {they_know}"


def danger(enquiry: Enquiry) -> str:
    return dict(Danger.choices).get(enquiry.danger, enquiry.danger)


def substances(enquiry: Enquiry) -> str:
    return labels(enquiry.get_substances(), Substance.choices)


def questions(
    title: str,
    answers: list[tuple[str, str]],
    *,
    empty: str = Section.empty,
    erasure: str,
) -> Section:
    """A section of questions, each beside its answer in words: what the person
    told us, and on the callbacks side the risk panel, the referral and the
    callback itself."""
    return Section(
        title=title,
        columns=["Question", "Answer"],
        rows=[{"Question": label, "Answer": value} for label, value in answers],
        empty=empty,
        erasure=erasure,
    )


def answers(enquiry: Enquiry) -> Section:
    """Everything the person told us on the form, in words, and what they agreed."""
    rows = [
        ("Your reference", enquiry.reference),
        ("Who the request is for", for_whom(enquiry)),
        ("The name to use", enquiry.name or "-"),
        ("How to reach you", enquiry.get_contact_method_display() or "-"),
        ("Phone number", enquiry.phone or "-"),
        ("Email address", enquiry.email or "-"),
        ("When it is safe to call", safe_times(enquiry)),
        ("May we leave a voicemail or a message", yes_no(enquiry.voicemail_ok)),
        ("May we say who we are to whoever answers",
         yes_no(enquiry.say_who_we_are_ok)),
        ("Was anyone in immediate danger", danger(enquiry)),
        ("What you are worried about", substances(enquiry)),
        ("What you told us", enquiry.message or "-"),
        ("Your area", enquiry.area or "-"),
        ("The topic of the article you came from", enquiry.came_from_topic or "-"),
        ("Consent given", f"{moment(enquiry.consented_at)} (wording version"
                          f" {enquiry.consent_version})"),
        ("Request received", moment(enquiry.created_at)),
        ("Closed", moment(enquiry.closed_at)),
        ("Withdrawn", moment(enquiry.withdrawn_at)),
        ("Personal data erased", moment(enquiry.anonymised_at)),
    ]  # fmt: skip
    return questions(
        "What you told us",
        rows,
        erasure="Your name, contact details, safe times, answers and message are"
        " deleted. The reference, the dates and what kind of help was asked for stay,"
        " anonymous, for the service's statistics.",
    )


def access_log(enquiry: Enquiry) -> Section:
    """Who on the staff opened, exported or erased the details, and when."""
    events = enquiry.audit_events.select_related("actor").order_by("at", "pk")
    return Section(
        title="Who opened your details",
        columns=["When", "Who", "What"],
        rows=[
            {
                "When": moment(event.at),
                "Who": (event.actor.get_full_name() or event.actor.get_username())
                if event.actor
                else "You, or the system",
                "What": event.get_action_display(),
            }
            for event in events
        ],
        empty="Nobody has opened them.",
        erasure="Kept: it records who opened your details, and holds none of them.",
    )
