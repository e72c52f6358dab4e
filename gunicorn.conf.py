"""gunicorn's settings when it is started from the project folder (gunicorn reads
./gunicorn.conf.py by itself); the command line overrides them.

gunicorn believes the connection's address, and the client address the rate limit
and the login lockout count comes from our proxy's X-Forwarded-For entry
(TRUSTED_PROXY_COUNT): so gunicorn must be reachable by that proxy only. It listens
on loopback here; use a Unix socket (`--bind unix:/run/referral/gunicorn.sock`) or a
private network the proxy alone can reach, never a public address.
"""

import multiprocessing
import os

bind = ["127.0.0.1:8000"]
# Sync workers, one more than the cores: while one waits on PostgreSQL or Redis
# another uses the core. `make bench` on the 2-core build machine served more with 3
# than with gunicorn's general (2 x cores) + 1, which only added switching.
# WEB_CONCURRENCY overrides it (as on most hosts).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
logger_class = "referral_site.access_log.RedactingLogger"
accesslog = "-"
