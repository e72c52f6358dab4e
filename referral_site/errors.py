"""What a person sees when the site itself fails: never a bare error page.

Django calls `server_error` for any exception nothing else handled, in a view or
in a middleware. When the database is the cause (PostgreSQL restarting, or down),
the answer is a calm 503 with every other way to get help; a person who was
sending the form finds their answers kept on the page, ready to send again. The
page needs nothing from the database.
"""

import logging
import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.debug import SafeExceptionReporterFilter

logger = logging.getLogger(__name__)


class NoPersonalDataReporterFilter(SafeExceptionReporterFilter):
    """Error reports (DEFAULT_EXCEPTION_REPORTER_FILTER) show no submitted values
    and no local variables, for every view: what a person typed into the form, or
    a token in a POST, never reaches an error e-mail or an error tracker. The
    traceback itself, the path and the parameter names are enough to find a bug."""

    def is_active(self, request) -> bool:
        return True

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]


# How long a browser should wait before trying again: about a restart's length.
RETRY_AFTER_SECONDS = 30


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the outage page when the database failed, else the 500 page."""
    error = sys.exc_info()[1]
    # InterfaceError: "connection already closed", once the server went away
    # mid-request; not a DatabaseError in Django's hierarchy, but the same outage.
    if isinstance(error, DatabaseError | InterfaceError):
        response = _outage(request)
    else:
        response = render(request, "500.html", status=500)
    add_never_cache_headers(response)
    return response


def _outage(request: HttpRequest) -> HttpResponse:
    logger.error("The database is unavailable: answered with the outage page.")
    form_path = reverse("enquiries:enquiry_create")
    kept = []
    if request.method == "POST" and request.path == form_path:
        # Their own answers, back to their own browser only (no-store): nothing
        # is logged or kept on our side.
        kept = [
            (name, value)
            for name, values in request.POST.lists()
            if name != "csrfmiddlewaretoken"
            for value in values
        ]
    # Only a send that committed redirects to the thank-you page: a person who
    # lands on it while the database is away has been heard, and must not think
    # otherwise (and send again, or give up). Their reference and private link
    # stay in the session until the page can show them.
    sent = request.path == reverse("enquiries:enquiry_thanks")
    context = {
        "kept": kept,
        "sent": sent,
        "form_path": form_path,
        "phone": settings.SERVICE_PHONE,
    }
    response = render(request, "503.html", context, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
