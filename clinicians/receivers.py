"""The callbacks side listens to intake; intake never imports this app."""

from enquiries.models import Enquiry
from enquiries.presenters import Section
from enquiries.signals import (
    enquiries_unclosed,
    enquiry_anonymised,
    enquiry_record_requested,
    enquiry_submitted,
)
from referral_site.queueing import send_after_commit

from . import services
from .models import Callback
from .record import callback_record, summary
from .services.queue import CALLBACK_OPEN_TASK


def queue_callback(sender, *, enquiry_id: int, **kwargs) -> None:
    # The enquiry is committed first. If the broker cannot be reached, the person
    # still sees their thank-you page: the sweep opens the callback later.
    send_after_commit(CALLBACK_OPEN_TASK, enquiry_id)  # the id only: nothing personal


def close_and_erase(
    sender, *, enquiry_id: int, action: str = "", actor_id: int | None = None, **kwargs
) -> None:
    services.callback_close_anonymised(
        enquiry_id=enquiry_id, action=action, actor_id=actor_id
    )


def record_sections(sender, *, enquiry: Enquiry, **kwargs) -> list[Section]:
    """What the callbacks side holds about the person, for their copy of it."""
    callback = (
        Callback.objects.select_related("assigned_to").filter(enquiry=enquiry).first()
    )
    if callback is None:
        return []
    return [summary(callback), *callback_record(callback)]


def tell_leads_about_unclosed(sender, *, enquiry_ids: list[int], **kwargs) -> None:
    # Queued for the mail worker, not sent here: a mail server that refuses or
    # hangs must not stop the purge (the retention policy) that found them.
    services.leads_notify_unclosed_queue(enquiry_ids=enquiry_ids)


def connect() -> None:
    enquiry_submitted.connect(queue_callback, dispatch_uid="clinicians.queue_callback")
    enquiry_anonymised.connect(
        close_and_erase, dispatch_uid="clinicians.close_and_erase"
    )
    enquiry_record_requested.connect(
        record_sections, dispatch_uid="clinicians.record_sections"
    )
    enquiries_unclosed.connect(
        tell_leads_about_unclosed, dispatch_uid="clinicians.tell_leads_about_unclosed"
    )
