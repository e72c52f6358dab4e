"""The session store: Django's, in the database, with one query fewer for each new
session (`SESSION_ENGINE`).

Django asks the database whether each new random key is taken before it inserts
the session. The insert refuses a taken key anyway (the key is the primary key:
`CreateError`, and `create()` draws another), so the question answered "no" to 165
random bits on every send of the form and every staff login."""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils.crypto import get_random_string

KEY_LENGTH = 32  # Django's


class SessionStore(DatabaseSessionStore):
    def _get_new_session_key(self) -> str:
        return get_random_string(KEY_LENGTH, VALID_KEY_CHARS)

    async def _aget_new_session_key(self) -> str:
        return self._get_new_session_key()
