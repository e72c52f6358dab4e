from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class EnquiriesConfig(AppConfig):
    name = "enquiries"
    verbose_name = "Enquiries"

    def ready(self) -> None:
        # Here, not at the top: Django imports apps.py before any models module.
        from articles.page_cache import pages_changed  # noqa: PLC0415 (imports models)

        # Every kept public page shows the opening hours in its footer.
        for name in ("OpeningHours", "ClosedDay"):
            for signal in (post_save, post_delete):
                signal.connect(pages_changed, sender=self.get_model(name), weak=False)
