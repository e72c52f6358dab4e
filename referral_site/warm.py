"""Ready before the first request: what Django and Celery otherwise do on it.

A new gunicorn worker would import every view through the URLconf, compile each
template and load Celery's tasks and its broker transport on the first requests it
serves: half a second, paid by whoever arrives first after a deploy or a restart,
often someone sending the form. `warm_up()` does it while the worker boots, before
it accepts a connection. It opens no connection (to the database, Redis or SMTP),
so it is just as safe in a process that forks afterwards: Celery's worker
warms up once, before it forks its pool (referral_site/celery.py).
"""

import logging
from pathlib import Path

from celery import Celery
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.template.autoreload import get_template_directories
from django.urls import get_resolver

logger = logging.getLogger(__name__)

_TEMPLATE_SUFFIXES = {".html", ".txt"}


def template_names() -> set[str]:
    """Every template the site's engines can find, Django's own apart (its admin's
    compile on first use, as before)."""
    return {
        path.relative_to(folder).as_posix()
        for folder in get_template_directories()
        for path in Path(folder).rglob("*")
        if path.suffix in _TEMPLATE_SUFFIXES
    }


def compile_templates() -> int:
    """Compile every template into the cached loader; the number compiled."""
    compiled = 0
    for engine in engines.all():
        for name in sorted(template_names()):
            try:
                engine.get_template(name)
            except (TemplateDoesNotExist, TemplateSyntaxError) as error:
                # The page using it fails as it would have; booting does not.
                logger.warning("Template %s did not compile: %s", name, error)
            else:
                compiled += 1
    return compiled


def load_celery(app: Celery) -> None:
    """Celery's task registry (every app's tasks.py imported, as a worker does, so
    that `send_after_commit` finds each task by its name at once), result backend
    (none: loading finds that out) and the broker transport's modules, without
    connecting."""
    app.autodiscover_tasks(force=True)
    app.finalize(auto=True)
    app.backend  # noqa: B018
    app.connection_for_write().transport  # noqa: B018


def warm_up(celery_app: Celery) -> None:
    # Imports every URLconf and view, and builds the table reverse() reads.
    get_resolver().reverse_dict  # noqa: B018
    compile_templates()
    load_celery(celery_app)
