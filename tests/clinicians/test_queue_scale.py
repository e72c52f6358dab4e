"""The queue stays fast however long it grows: a page costs the same number of
queries for 3 callbacks as for 40, decrypts nothing (it shows nothing personal),
reads its order from an index, and the bench's factory builds what it is asked to,
only where no real enquiry could be touched. bench/queue.py measures the times."""

from datetime import datetime, time, timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clinicians.management.commands.build_queue_rows import (
    BENCH_CONSENT_VERSION,
    BENCH_LEAD,
)
from clinicians.models import Callback, ContactAttempt, Status, Urgency
from clinicians.selectors import clinician_next_available, urgency_rank
from clinicians.staff_groups import CLINICIAN, LEAD
from enquiries.models import Enquiry
from tests.clinicians.conftest import LONDON
from tests.clinicians.factories import CallbackFactory, ClinicianFactory
from tests.enquiries.factories import EnquiryFactory

pytestmark = pytest.mark.django_db
QUEUE = "/admin/clinicians/callback/"


def _log_in(client, group_name: str):
    profile = ClinicianFactory(user__username=group_name.lower().replace(" ", "-"))
    profile.user.groups.add(Group.objects.get(name=group_name))
    client.force_login(profile.user)
    return profile


def _queue_rows(n: int, *, me) -> None:
    """Callbacks both a lead's and a clinician's default view list: the clinician's
    own, overdue (a lead's too), and urgent ones nobody holds; some with tries."""
    now = timezone.now()
    for i in range(n):
        if i % 2:
            callback = CallbackFactory(assigned_to=me, due_at=now - timedelta(hours=i))
            ContactAttempt.objects.create(
                callback=callback, by=me.user, channel="phone", result="no_answer"
            )
        else:
            CallbackFactory(urgency=Urgency.URGENT, due_at=now + timedelta(hours=i))


def _render(client, query: dict):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE, query)
    assert response.status_code == 200
    return len(queries), response.context["cl"]


@pytest.mark.parametrize("group_name", [LEAD, CLINICIAN])
@pytest.mark.parametrize(
    "query",
    [{}, {"queue": "open"}, {"queue": "overdue"}, {"queue": "open", "_facets": "1"}],
)
def test_a_page_costs_the_same_queries_for_3_callbacks_as_for_40(
    client, group_name, query
):
    me = _log_in(client, group_name)
    if group_name == LEAD:
        me = ClinicianFactory()  # a lead's view: overdue with a colleague
    _queue_rows(3, me=me)
    few, shown = _render(client, query)
    listed_few = len(shown.result_list)
    _queue_rows(37, me=me)

    many, shown = _render(client, query)

    assert listed_few >= 2 and len(shown.result_list) > listed_few
    assert many == few


def test_the_queue_decrypts_nothing_not_even_for_the_rows_it_shows(
    client, monkeypatch, decryptions
):
    me = _log_in(client, CLINICIAN)
    monkeypatch.setattr(admin.site._registry[Callback], "list_per_page", 5)
    _queue_rows(12, me=me)
    decryptions.clear()

    _, shown = _render(client, {"queue": "open"})

    assert (len(shown.result_list), shown.result_count) == (5, 12)
    assert decryptions == []
    # A callback's own page still reads the enquiry's answers.
    client.get(f"{QUEUE}{shown.result_list[0].pk}/change/")
    assert decryptions


def test_the_queue_is_ordered_as_its_index_is():
    # The index serves the queue's ORDER BY only while its first expression is the
    # rank the admin sorts by, to the letter.
    index = next(i for i in Callback._meta.indexes if i.name == "callback_queue_order")
    assert index.expressions[0] == urgency_rank()


@pytest.mark.postgres
def test_the_rotas_count_of_open_callbacks_never_reads_the_closed_ones():
    # Closed callbacks grow with every month the service runs; a clinician holds
    # a few dozen open ones at most. Counting through the index of open callbacks
    # keeps assignment as fast in the service's fifth year as in its first.
    if connection.vendor != "postgresql":
        pytest.skip("the partial index is read on PostgreSQL: `make test-postgres`")
    me = ClinicianFactory()
    CallbackFactory.create_batch(2, assigned_to=me)
    CallbackFactory.create_batch(3, assigned_to=me, closed=True)

    with CaptureQueriesContext(connection) as queries:
        assert clinician_next_available(at=timezone.now()) == me
    [query] = [q["sql"] for q in queries.captured_queries]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE clinicians_callback")
        # A handful of rows is cheaper to scan than to look up: no sequential
        # scans, for the rest of this test's transaction only.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {query}")
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "callback_open_by_assignee" in plan, plan


def test_due_today_is_todays_local_calendar_day(client):
    _log_in(client, LEAD)
    today = timezone.localdate()

    def due(day_offset: int, hour: int, minute: int = 0) -> Callback:
        at = datetime.combine(today + timedelta(days=day_offset), time(hour, minute))
        return CallbackFactory(due_at=at.replace(tzinfo=LONDON))

    made = {
        "midnight": due(0, 0),
        "late tonight": due(0, 23, 59),
        "yesterday": due(-1, 23, 59),
        "tomorrow": due(1, 0),
    }
    CallbackFactory(due_at=made["midnight"].due_at, closed=True)
    names = {callback.pk: name for name, callback in made.items()}

    _, shown = _render(client, {"queue": "today"})

    assert {names[c.pk] for c in shown.result_list} == {"midnight", "late tonight"}


# --- the bench's factory ------------------------------------------------------


def test_build_queue_rows_builds_the_enquiries_and_callbacks_asked_for(client):
    call_command("build_queue_rows", count=60, verbosity=0)

    assert Enquiry.objects.filter(consent_version=BENCH_CONSENT_VERSION).count() == 60
    assert Callback.objects.count() == 60
    assert Callback.objects.filter(status=Status.CLOSED).exists()
    assert Callback.objects.exclude(status=Status.CLOSED).exists()
    assert Callback.objects.filter(assigned_to__isnull=True).exists()
    assert ContactAttempt.objects.exists()
    enquiry = Enquiry.objects.order_by("pk").first()
    assert enquiry.email.endswith("@example.org")
    assert enquiry.phone.startswith("07700 900")
    assert enquiry.name.startswith("Test Person ")

    # A second run adds to the first, and the bench's lead opens the queue on it.
    call_command("build_queue_rows", count=5, verbosity=0)
    assert Callback.objects.count() == 65
    client.force_login(Group.objects.get(name=LEAD).user_set.get(username=BENCH_LEAD))
    assert client.get(QUEUE).status_code == 200


def test_build_queue_rows_refuses_a_database_with_real_enquiries():
    EnquiryFactory()

    with pytest.raises(CommandError, match="did not build"):
        call_command("build_queue_rows", count=5, verbosity=0)
    assert not Callback.objects.exists()

    call_command("build_queue_rows", count=5, force=True, verbosity=0)
    assert Callback.objects.count() == 5
