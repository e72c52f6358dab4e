from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from enquiries.models import AuditEvent, Enquiry


class Command(BaseCommand):
    help = (
        "List who opened, exported or erased one enquiry's details, and when"
        " (for a subject access request)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("reference", help="The enquiry's reference, like R-7KQ3MX.")

    def handle(self, *args, reference: str, **options) -> None:
        enquiry = Enquiry.objects.filter(reference=reference.strip().upper()).first()
        if enquiry is None:
            raise CommandError(f"No enquiry has the reference {reference}.")
        events = (
            AuditEvent.objects.filter(enquiry=enquiry)
            .select_related("actor")
            .order_by("at", "pk")
        )
        self.stdout.write(f"Access log for {enquiry.reference}:")
        for event in events:
            who = (
                event.actor.get_username()
                if event.actor
                else "(the person or the system)"
            )
            when = timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S %Z")
            self.stdout.write(f"{when}  {who:<24} {event.get_action_display()}")
        if not events:
            self.stdout.write("No one has opened its details.")
