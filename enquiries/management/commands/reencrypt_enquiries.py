from django.core.management.base import BaseCommand, CommandError

from enquiries.encryption import UndecryptableValue, reencrypt_all


class Command(BaseCommand):
    # The name predates covering other apps; DESIGN.md fixes it.
    help = (
        "Re-encrypt every encrypted field of every app under the newest key (the"
        " first in FIELD_ENCRYPTION_KEY). Put the new key first, keep the old ones"
        " after it, run this, check with `check_encryption --require-newest`, then"
        " remove the old keys. Refuses, changing nothing, while any value cannot be"
        " decrypted with the configured keys. Safe to stop and rerun."
    )

    def handle(self, *args, **options) -> None:
        try:
            rewritten = reencrypt_all()
        except UndecryptableValue as refusal:
            raise CommandError(str(refusal)) from None
        for label, count in rewritten.items():
            rows = "row" if count == 1 else "rows"
            self.stdout.write(
                f"Re-encrypted {count} {rows} of {label} under the newest key."
            )
