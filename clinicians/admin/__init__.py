"""The callbacks side in the admin, one module a screen:

- callbacks: the queue and a callback's page (CallbackAdmin)
  - queue: the queue's filters and the rows it reads
  - actions: the buttons on a callback's page, as one table
- rota: clinicians, their shifts and duty changes
- directory: the providers we refer to, and the referrals made
- durations: how long something took, in words, for all of them

Screens staff only read use referral_site.admin_security.ReadOnlyAdminMixin; the
answers are put into words by enquiries.presenters, next to their choices.
"""

from . import callbacks, directory, rota

__all__ = ["callbacks", "directory", "rota"]
