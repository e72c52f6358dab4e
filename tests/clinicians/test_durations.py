"""Durations in the admin read as people say them: "32 minutes", not "0:31:56"."""

from datetime import timedelta

import pytest

from clinicians.admin.durations import duration_words


@pytest.mark.parametrize(
    ("delta", "words"),
    [
        (timedelta(0), "under a minute"),
        (timedelta(seconds=29), "under a minute"),
        (timedelta(seconds=30), "1 minute"),
        (timedelta(seconds=90), "2 minutes"),  # half up, not half to even
        (timedelta(minutes=31, seconds=56, microseconds=525107), "32 minutes"),
        (timedelta(minutes=59, seconds=29), "59 minutes"),
        (timedelta(minutes=59, seconds=30), "1 hour"),
        (timedelta(hours=1, minutes=5), "1 hour 5 minutes"),
        (timedelta(hours=1, minutes=1), "1 hour 1 minute"),
        (timedelta(hours=13), "13 hours"),
        (timedelta(hours=23, minutes=59, seconds=40), "1 day"),
        (timedelta(days=1, hours=2, minutes=29), "1 day 2 hours"),
        (timedelta(days=2), "2 days"),
        (timedelta(days=6, hours=23, minutes=20), "6 days 23 hours"),
        (timedelta(days=6, hours=23, minutes=40), "7 days"),
        (timedelta(days=12, hours=11), "12 days"),
        (timedelta(days=12, hours=13), "13 days"),
    ],
)
def test_a_duration_in_words_at_the_precision_its_size_needs(delta, words):
    assert duration_words(delta) == words


def test_the_sign_is_left_to_the_sentence_around_it():
    # "Overdue by 45 minutes": the caller says which way.
    assert duration_words(-timedelta(minutes=45)) == "45 minutes"
