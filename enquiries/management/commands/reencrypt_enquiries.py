from django.core.management.base import BaseCommand

from enquiries.services import enquiries_reencrypt


class Command(BaseCommand):
    help = (
        "Re-encrypt every enquiry under the newest key (the first in"
        " FIELD_ENCRYPTION_KEY). Put the new key first, keep the old ones after it,"
        " run this, then remove the old keys."
    )

    def handle(self, *args, **options) -> None:
        count = enquiries_reencrypt()
        self.stdout.write(f"Re-encrypted {count} enquiries under the newest key.")
