from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CliniciansConfig(AppConfig):
    name = "clinicians"
    verbose_name = "Clinicians and callbacks"

    def ready(self) -> None:
        from . import receivers, staff_groups

        receivers.connect()
        post_migrate.connect(staff_groups.ensure_staff_groups, sender=self)
