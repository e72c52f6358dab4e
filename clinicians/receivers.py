"""The callbacks side listens to intake; intake never imports this app."""

import logging

from django.db import transaction

from enquiries.signals import (
    enquiries_unclosed,
    enquiry_anonymised,
    enquiry_submitted,
    enquiry_withdrawn,
)

from . import services
from .tasks import callback_open

logger = logging.getLogger(__name__)


def queue_callback(sender, *, enquiry_id: int, **kwargs) -> None:
    transaction.on_commit(lambda: _send_callback_open(enquiry_id))


def _send_callback_open(enquiry_id: int) -> None:
    # The enquiry is already committed. If the broker cannot be reached, the person
    # must still see their thank-you page: the sweep opens the callback later.
    try:
        callback_open.delay(enquiry_id)  # the id only: no personal data in the broker
    except Exception:  # any broker failure is handled the same way
        logger.warning(
            "Could not queue the callback for enquiry %s; the sweep will open it.",
            enquiry_id,
            exc_info=True,
        )


def close_withdrawn_callback(sender, *, enquiry_id: int, **kwargs) -> None:
    services.callback_close_withdrawn(enquiry_id=enquiry_id)


def erase_notes(sender, *, enquiry_id: int, **kwargs) -> None:
    services.callback_erase_notes(enquiry_id=enquiry_id)


def tell_leads_about_unclosed(sender, *, enquiry_ids: list[int], **kwargs) -> None:
    services.leads_notify_unclosed(enquiry_ids=enquiry_ids)


def connect() -> None:
    enquiry_submitted.connect(queue_callback, dispatch_uid="clinicians.queue_callback")
    enquiry_withdrawn.connect(
        close_withdrawn_callback, dispatch_uid="clinicians.close_withdrawn_callback"
    )
    enquiry_anonymised.connect(erase_notes, dispatch_uid="clinicians.erase_notes")
    enquiries_unclosed.connect(
        tell_leads_about_unclosed, dispatch_uid="clinicians.tell_leads_about_unclosed"
    )
