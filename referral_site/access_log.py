"""gunicorn's access log, redacted as every other log is (referral_site/logging.py).

A request for /get-help/withdraw/<token>/, and the Referer of anything that page
loads, would otherwise write the private withdrawal link's token, a capability that
erases a person's data, into the access log in clear. Every place that starts
gunicorn passes `--logger-class referral_site.access_log.RedactingLogger`
(docker-compose.yml, the Dockerfile; gunicorn.conf.py for a bare `gunicorn`).
"""

from gunicorn.glogging import Logger

from .logging import redact


class RedactingLogger(Logger):
    # The request line, path, query string and Referer: what a client controls
    # and the default and common access-log formats print.
    REDACTED_ATOMS = ("r", "U", "q", "f", "{referer}i")

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        for name in self.REDACTED_ATOMS:
            if isinstance(atoms.get(name), str):
                atoms[name] = redact(atoms[name])
        return atoms
