"""The callbacks side in the admin, one module a screen:

- callbacks: the queue and a callback's page (its actions are in actions.py)
- rota: clinicians, their shifts and duty changes
- directory: the providers we refer to, and the referrals made
- durations: how long something took, in words, for all of them
"""

from . import callbacks, directory, rota

__all__ = ["callbacks", "directory", "rota"]
