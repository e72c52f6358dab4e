"""Fictional enquiries and callbacks in bulk, to measure the callbacks queue at scale.

For benchmarks on a scratch database only, never on a live one: every row is made up
(example.org e-mails, Ofcom's drama numbers, "Test Person 123") and carries
BENCH_CONSENT_VERSION, which is how the guard tells them from real enquiries.
"""

import itertools
import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from clinicians.models import (
    Callback,
    Clinician,
    ContactAttempt,
    Outcome,
    Shift,
    Status,
    Urgency,
)
from clinicians.staff_groups import CLINICIAN, LEAD, ensure_staff_groups
from enquiries.models import ContactMethod, Danger, Enquiry, ForWhom

# Marks every enquiry this command builds; no real consent text has this version.
BENCH_CONSENT_VERSION = "benchmark-only"
# Bench references cannot meet a real one: real references start "R-".
BENCH_REFERENCE = "T-{:08d}"
BENCH_LEAD = "bench-lead"
BENCH_CLINICIAN = "bench-clinician-{:02d}"
BENCH_CLINICIANS = 20
BATCH_SIZE = 2000
SEED = 20261202

# (status, share of the queue): a live queue is mostly history.
STATUS_MIX = [
    (Status.CLOSED, 70),
    (Status.NEW, 6),
    (Status.ASSIGNED, 10),
    (Status.IN_PROGRESS, 4),
    (Status.ATTEMPTED, 6),
    (Status.CONTACTED, 4),
]
URGENCY_MIX = [(Urgency.URGENT, 10), (Urgency.SOON, 30), (Urgency.ROUTINE, 60)]
TARGET = {Urgency.URGENT: 4, Urgency.SOON: 24, Urgency.ROUTINE: 72}  # hours
CLOSING = [Outcome.ADVICE_GIVEN, Outcome.REFERRED, Outcome.NOT_WANTED,
           Outcome.UNABLE_TO_REACH]  # fmt: skip


def bench_staff() -> tuple[Clinician, list[Clinician]]:
    """The lead and the clinicians the bench rows are assigned to and the bench logs
    in as, made if missing. Their passwords are unusable: nobody logs in as them
    except through a test client's force_login."""
    ensure_staff_groups()
    lead = _staff(BENCH_LEAD, LEAD, "Bench Lead")
    clinicians = [
        _staff(BENCH_CLINICIAN.format(n), CLINICIAN, f"Bench Clinician {n:02d}")
        for n in range(1, BENCH_CLINICIANS + 1)
    ]
    return lead, clinicians


def _staff(username: str, group: str, display_name: str) -> Clinician:
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={"email": f"{username}@example.org", "is_staff": True},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=group))
    clinician, created = Clinician.objects.get_or_create(
        user=user, defaults={"display_name": display_name, "max_open_callbacks": 500}
    )
    if created and group == CLINICIAN:
        Shift.objects.bulk_create(
            Shift(clinician=clinician, weekday=day, starts="00:00",
                  ends="23:59:59.999999")
            for day in range(7)
        )  # fmt: skip
    return clinician


def real_enquiries_exist() -> bool:
    """Whether the database holds an enquiry this command did not build."""
    return Enquiry.objects.exclude(consent_version=BENCH_CONSENT_VERSION).exists()


class Command(BaseCommand):
    help = (
        "FOR BENCHMARKS ONLY, NEVER ON A LIVE DATABASE: build COUNT fictional"
        " enquiries with their callbacks (open, assigned, closed, overdue; urgent,"
        " soon, routine; some with tries) to measure the callbacks queue. Refuses"
        " when the database holds enquiries it did not build, unless --force."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--count", type=int, default=1000)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Build even though the database holds real enquiries. Do not: this"
            " is for a scratch database.",
        )

    def handle(self, *args, count: int, force: bool, verbosity: int = 1, **options):
        if count < 1:
            raise CommandError("--count must be at least 1.")
        if real_enquiries_exist() and not force:
            raise CommandError(
                "This database holds enquiries that build_queue_rows did not build:"
                " it may be a live database. Use a scratch database for benchmarks"
                " (or --force, if you are certain)."
            )
        lead, clinicians = bench_staff()
        built = build(count=count, clinicians=clinicians, now=timezone.now())
        _analyse()
        if verbosity:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Built {built} fictional enquiries and callbacks for the bench"
                    f" (lead {lead.user.username}, {len(clinicians)} clinicians)."
                )
            )


def build(*, count: int, clinicians: list[Clinician], now: datetime) -> int:
    """Add `count` bench enquiries, their callbacks and some tries, in batches."""
    start = Enquiry.objects.filter(consent_version=BENCH_CONSENT_VERSION).count()
    # Repeatable fictional rows, nothing secret: not a security use of random.
    rng = random.Random(SEED + start)  # nosec B311
    statuses = _mix(STATUS_MIX)
    bands = _mix(URGENCY_MIX)
    users = {c.pk: c.user_id for c in clinicians}
    with _dated_by_hand(Enquiry, Callback, ContactAttempt):
        for first in range(start, start + count, BATCH_SIZE):
            numbers = range(first, min(first + BATCH_SIZE, start + count))
            with transaction.atomic():
                kinds = [(rng.choice(statuses), rng.choice(bands)) for _ in numbers]
                enquiries = Enquiry.objects.bulk_create(
                    _enquiry(n, open_=status != Status.CLOSED, rng=rng, now=now)
                    for n, (status, _) in zip(numbers, kinds, strict=True)
                )
                callbacks = Callback.objects.bulk_create(
                    _callback(e, kind=kind, rng=rng, clinicians=clinicians, now=now)
                    for e, kind in zip(enquiries, kinds, strict=True)
                )
                ContactAttempt.objects.bulk_create(
                    itertools.chain.from_iterable(
                        _attempts(c, users=users, rng=rng) for c in callbacks
                    )
                )
    return count


def _analyse() -> None:
    # Fresh statistics, as a live database has them: until autovacuum gets round to
    # it, the planner would guess at 100,000 bulk-loaded rows and measure that guess.
    if connection.vendor == "postgresql":
        tables = [m._meta.db_table for m in (Enquiry, Callback, ContactAttempt)]
        with connection.cursor() as cursor:
            quoted = ", ".join(map(connection.ops.quote_name, tables))
            cursor.execute(f"ANALYZE {quoted}")


def _mix(shares: list[tuple[str, int]]) -> list[str]:
    return [value for value, share in shares for _ in range(share)]


def _enquiry(n: int, *, open_: bool, rng: random.Random, now: datetime) -> Enquiry:
    # Open callbacks are recent (some past their target); the closed are history.
    minutes = 60 * 24 * (5 if open_ else 365)
    created = now - timedelta(minutes=rng.randrange(minutes))
    return Enquiry(
        reference=BENCH_REFERENCE.format(n),
        for_whom=ForWhom.SELF,
        name=f"Test Person {n}",
        contact_method=ContactMethod.PHONE,
        phone=f"07700 900{n % 1000:03d}",
        email=f"test.person.{n}@example.org",
        voicemail_ok=n % 2 == 0,
        say_who_we_are_ok=n % 3 == 0,
        danger=Danger.NONE,
        substances="alcohol",
        message="A made-up message for the benchmark.",
        consent_version=BENCH_CONSENT_VERSION,
        consented_at=created,
        created_at=created,
    )


def _callback(
    enquiry: Enquiry,
    *,
    kind: tuple[str, str],
    rng: random.Random,
    clinicians: list[Clinician],
    now: datetime,
) -> Callback:
    status, urgency = kind
    created = enquiry.created_at
    callback = Callback(
        enquiry=enquiry, urgency=urgency, status=status, created_at=created,
        clock_starts_at=created, due_at=created + timedelta(hours=TARGET[urgency]),
    )  # fmt: skip
    if status == Status.NEW:
        return callback
    callback.assigned_to = rng.choice(clinicians)
    callback.assigned_at = created + timedelta(minutes=5)
    callback.assignee_notified_at = callback.assigned_at
    if rng.random() < 0.01:  # an assignee whose e-mail keeps bouncing
        callback.assignee_notified_at = None
        callback.assignee_notify_failures = 3
    if status in (Status.CONTACTED, Status.CLOSED):
        callback.first_contact_at = min(
            created + timedelta(minutes=rng.randrange(30, 60 * TARGET[urgency])), now
        )
    if status == Status.CLOSED:
        callback.outcome = rng.choice(CLOSING)
        callback.closed_at = callback.first_contact_at
        if callback.outcome == Outcome.UNABLE_TO_REACH:
            callback.first_contact_at = None  # never reached, by definition
    elif (
        status == Status.ATTEMPTED and urgency == Urgency.URGENT and rng.random() < 0.2
    ):
        # tries ran out on an urgent one: it waits for a lead's sign-off
        callback.signoff_requested_at = now - timedelta(hours=1)
    return callback


def _attempts(
    callback: Callback, *, users: dict[int, int], rng: random.Random
) -> Iterator[ContactAttempt]:
    if callback.status in (Status.NEW, Status.ASSIGNED):
        return
    tries = rng.randrange(1, 4) if callback.status == Status.ATTEMPTED else 1
    for number in range(tries):
        last = number == tries - 1 and callback.first_contact_at is not None
        yield ContactAttempt(
            callback=callback,
            by_id=users[callback.assigned_to_id],
            channel=ContactAttempt.Channel.PHONE,
            result=(
                ContactAttempt.Result.REACHED
                if last
                else ContactAttempt.Result.NO_ANSWER
            ),
            counts=not last,
            at=callback.assigned_at + timedelta(minutes=10 * (number + 1)),
        )


@contextmanager
def _dated_by_hand(*models):
    """Let the rows keep the dates given them: auto_now_add would date every one of
    them now, and a queue whose callbacks are all a second old measures nothing."""
    fields = [
        field
        for model in models
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now_add", False)
    ]
    for field in fields:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True
