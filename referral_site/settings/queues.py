"""Celery: the broker, the queues, each task's limits, and beat's rounds with their
intervals. Imported by base.py (`from .queues import *`), which also sets
CELERY_TIMEZONE to TIME_ZONE.
"""

from pathlib import Path as _Path

import environ
from celery.schedules import crontab

# Private names: base.py star-imports this module and keeps its own `env`.
_env = environ.Env()
_BASE_DIR = _Path(__file__).resolve().parent.parent.parent

CELERY_BROKER_URL = _env("CELERY_BROKER_URL", default="redis://localhost:6379/0")
CELERY_TASK_DEFAULT_QUEUE = _env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# Resizing a picture can take seconds and hundreds of MB: its own queue and worker,
# so it never delays opening a callback (docs/security.md, "Uploads"). Sending
# e-mail waits on a mail server that may be slow or frozen (EMAIL_TIMEOUT a try):
# its own queue and worker too, so that opening and escalating callbacks never
# queue behind it. Every worker start names the queues it takes: Procfile.dev all
# three, docker-compose one each.
CELERY_MAIL_QUEUE = _env("CELERY_MAIL_QUEUE", default="mail")
CELERY_TASK_ROUTES = {
    "articles.tasks.article_image_make_renditions": {"queue": "images"},
} | {
    f"{app}.tasks.{task}": {"queue": CELERY_MAIL_QUEUE}
    for app, task in [
        ("clinicians", "callback_notify_assignee"),
        ("clinicians", "callbacks_notify_missed"),
        ("clinicians", "callbacks_remind"),
        ("clinicians", "leads_digest_send"),
        ("clinicians", "leads_notify_unclosed"),
        ("clinicians", "referrals_remind_follow_up"),
        ("articles", "articles_remind_reviews"),
    ]
}
CELERY_TASK_ACKS_LATE = True  # so every task must be safe to run twice
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True  # tasks return nothing worth keeping
# No task runs for ever. At the soft limit Celery raises SoftTimeLimitExceeded in
# the task (its transaction rolls back; the retry or the next beat round does the
# work); at the hard one it kills the process. The slowest task is an e-mail: the
# SMTP timeout (10 s, MAILERS) a try, then up to 60 s recording the send through a
# database restart (clinicians/services/notify.py). Both stay under the e-mail
# claim's lease (CALLBACK_NOTIFY_LEASE_SECONDS) and the broker's visibility timeout.
# Picture renditions take seconds even at the pixel limit: no limit of their own.
# The prefork pool (production) enforces these; `make run`'s solo pool cannot.
CELERY_TASK_SOFT_TIME_LIMIT = _env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = _env.int("CELERY_TASK_TIME_LIMIT", default=150)
# Without it Celery opens a new database connection for every task; with it each
# task treats the connection as a request does (referral_site/celery.py). Celery
# still starts afresh every this many tasks.
CELERY_DB_REUSE_MAX = 1000
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task running when the broker drops finishes, and its late ack is given up
# (referral_site/kombu_fixes.py); the message comes back after the visibility timeout
# and finds its work done. Unacked messages of a killed worker come back after
# the same timeout, but beat's sweep has usually done their work long before.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# No request waits on the broker for more than about a second: a frozen or absent
# Redis makes `.delay()` fail fast, the failure is logged after the commit, and
# beat's sweep does the work instead (referral_site/queueing.py). The worker reads
# these too; it reconnects by itself when they expire.
BROKER_TIMEOUT_SECONDS = _env.float("BROKER_TIMEOUT_SECONDS", default=0.3)
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT_SECONDS
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": BROKER_TIMEOUT_SECONDS,
    "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
    "visibility_timeout": 15 * 60,  # longer than any task runs
}
# One quick retry (a pooled connection gone stale after a Redis restart), no more.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0,
    "interval_max": 0,
}
CELERY_BEAT_SCHEDULE_FILENAME = _env(
    "CELERY_BEAT_SCHEDULE_FILENAME",
    default=str(_BASE_DIR / "var" / "celerybeat-schedule"),
)

# How often beat looks for enquiries that never got a callback (Redis or the worker
# was down when they were submitted), and how old such an enquiry must be first.
CALLBACK_SWEEP_INTERVAL_SECONDS = _env.int(
    "CALLBACK_SWEEP_INTERVAL_SECONDS", default=120
)
CALLBACK_SWEEP_GRACE_SECONDS = _env.int("CALLBACK_SWEEP_GRACE_SECONDS", default=300)
# An e-mail run holds its claim this long: longer than any send can take (the SMTP
# timeout is 10 s). A run that dies mid-send is replaced once the claim expires.
CALLBACK_NOTIFY_LEASE_SECONDS = _env.int("CALLBACK_NOTIFY_LEASE_SECONDS", default=300)
# After this many refused assignment e-mails the leads hear of it, and the queue
# shows the callback as "assignee not told" until one goes through.
CALLBACK_NOTIFY_ALERT_AFTER = _env.int("CALLBACK_NOTIFY_ALERT_AFTER", default=3)
# Beat: remind the assignee this long before a callback falls due.
CALLBACK_REMINDER_MINUTES = _env.int("CALLBACK_REMINDER_MINUTES", default=15)
CALLBACK_BEAT_INTERVAL_SECONDS = _env.int("CALLBACK_BEAT_INTERVAL_SECONDS", default=60)
# Beat: how often scheduled articles are looked for and published.
ARTICLE_PUBLISH_INTERVAL_SECONDS = _env.int(
    "ARTICLE_PUBLISH_INTERVAL_SECONDS", default=60
)
CELERY_BEAT_SCHEDULE = {
    "callbacks-sweep": {
        "task": "clinicians.tasks.callbacks_sweep",
        "schedule": CALLBACK_SWEEP_INTERVAL_SECONDS,
    },
    # The sweep's e-mails, on the mail queue: assignment e-mails never sent.
    "callbacks-notify-missed": {
        "task": "clinicians.tasks.callbacks_notify_missed",
        "schedule": CALLBACK_SWEEP_INTERVAL_SECONDS,
    },
    "callbacks-remind": {
        "task": "clinicians.tasks.callbacks_remind",
        "schedule": CALLBACK_BEAT_INTERVAL_SECONDS,
    },
    "callbacks-escalate": {
        "task": "clinicians.tasks.callbacks_escalate",
        "schedule": CALLBACK_BEAT_INTERVAL_SECONDS,
    },
    "callbacks-reassign-off-duty": {
        "task": "clinicians.tasks.callbacks_reassign_off_duty",
        "schedule": CALLBACK_BEAT_INTERVAL_SECONDS,
    },
    # One e-mail a round to the leads, whatever the burst (see services/notify.py).
    "leads-digest": {
        "task": "clinicians.tasks.leads_digest_send",
        "schedule": CALLBACK_BEAT_INTERVAL_SECONDS,
    },
    "referrals-remind-follow-up": {
        "task": "clinicians.tasks.referrals_remind_follow_up",
        "schedule": crontab(hour=8, minute=30),  # daily, as the day's calls begin
    },
    "articles-publish-scheduled": {
        "task": "articles.tasks.articles_publish_scheduled",
        "schedule": ARTICLE_PUBLISH_INTERVAL_SECONDS,
    },
    "articles-remind-reviews": {
        "task": "articles.tasks.articles_remind_reviews",
        "schedule": crontab(hour=8, minute=0),  # daily, at the start of the day
    },
    "enquiries-purge-expired": {
        "task": "enquiries.tasks.enquiries_purge_expired",
        "schedule": crontab(hour=3, minute=15),  # daily, in the quiet of the night
    },
    # Expired sessions stay in the table until removed: a staff session's data,
    # and a person's thank-you state, are not kept past their expiry.
    "sessions-clear-expired": {
        "task": "enquiries.tasks.sessions_clear_expired",
        "schedule": crontab(hour=3, minute=45),  # daily
    },
}
