from django.core.management.base import BaseCommand

from enquiries.services import enquiries_purge_expired


class Command(BaseCommand):
    help = (
        "Apply the retention policy: anonymise enquiries closed more than"
        " ENQUIRY_RETENTION_DAYS ago and tell the leads about any never closed."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count; change nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        report = enquiries_purge_expired(dry_run=dry_run)
        verb = "Would anonymise" if dry_run else "Anonymised"
        self.stdout.write(
            f"{verb} {report.anonymised} enquiries; "
            f"{report.unclosed_flagged} never closed flagged to the leads."
        )
