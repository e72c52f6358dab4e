"""The session store (referral_site/sessions.py): Django's database sessions, which
no longer ask whether a new key is taken before they insert it."""

import pytest
from django.contrib.sessions.models import Session

from referral_site import sessions
from referral_site.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_a_new_session_never_takes_a_key_already_in_use(monkeypatch):
    someone = SessionStore()
    someone["enquiry_thanks"] = {"reference": "theirs"}
    someone.create()
    keys = iter([someone.session_key, "a" * sessions.KEY_LENGTH])
    monkeypatch.setattr(sessions, "get_random_string", lambda *args: next(keys))

    another = SessionStore()
    another["enquiry_thanks"] = {"reference": "mine"}
    another.save()

    assert another.session_key == "a" * sessions.KEY_LENGTH
    assert SessionStore(someone.session_key).load() == {
        "enquiry_thanks": {"reference": "theirs"}
    }
    assert SessionStore(another.session_key).load() == {
        "enquiry_thanks": {"reference": "mine"}
    }
    assert Session.objects.count() == 2


def test_a_new_session_is_one_insert(django_assert_num_queries):
    session = SessionStore()
    session["enquiry_thanks"] = {"reference": "mine"}

    # The insert, in a transaction of its own (here a savepoint and its release).
    with django_assert_num_queries(3):
        session.save()
