import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Enquiry
from .references import new_reference
from .signals import enquiry_submitted

# Bump when the consent wording on the form changes: each enquiry records the version
# the person agreed to.
CONSENT_VERSION = "2026-11-25"

_REFERENCE_ATTEMPTS = 5


def enquiry_submit(
    *, name: str, phone: str, message: str, submission_token: uuid.UUID
) -> tuple[Enquiry, bool]:
    """Save a consented enquiry and announce it; return it and whether it is new.

    Idempotent on `submission_token`: a refreshed or double-clicked form returns the
    enquiry the first send made, announces nothing and saves nothing new. The enquiry
    is committed before anything else happens: receivers act only after the commit.
    """
    existing = Enquiry.objects.filter(submission_token=submission_token).first()
    if existing:
        return existing, False
    enquiry = Enquiry(
        reference=new_reference(),
        name=name,
        phone=phone,
        message=message,
        consent_version=CONSENT_VERSION,
        consented_at=timezone.now(),
        submission_token=submission_token,
    )
    enquiry.full_clean(exclude=["reference", "submission_token"])
    with transaction.atomic():
        for _attempt in range(_REFERENCE_ATTEMPTS):
            try:
                with transaction.atomic():
                    enquiry.save()
                break
            except IntegrityError:
                # Either the same form arrived twice at once, or (rarely) the random
                # reference is taken: the first wins, the second draws again.
                existing = Enquiry.objects.filter(
                    submission_token=submission_token
                ).first()
                if existing:
                    return existing, False
                enquiry.pk = None
                enquiry.reference = new_reference()
        else:
            raise IntegrityError("No free enquiry reference after several attempts.")
        enquiry_submitted.send(sender=Enquiry, enquiry_id=enquiry.pk)
    return enquiry, True
