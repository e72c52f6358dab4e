from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CliniciansConfig(AppConfig):
    name = "clinicians"
    verbose_name = "Clinicians and callbacks"

    def ready(self) -> None:
        # Here, not at the top: Django imports apps.py before any models module.
        from . import receivers, staff_groups  # noqa: PLC0415 (they import models)

        receivers.connect()
        post_migrate.connect(staff_groups.ensure_staff_groups, sender=self)
