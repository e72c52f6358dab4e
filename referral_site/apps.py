"""The admin, installed as StaffAdminConfig in INSTALLED_APPS in place of
"django.contrib.admin": Django's supported way to make its default site (the
`admin.site` every app registers with) our own class."""

from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    # A dotted path, imported once the apps are loaded: admin_security imports
    # models (django_otp's), which cannot be imported while INSTALLED_APPS loads.
    default_site = "referral_site.admin_security.StaffAdminSite"

    def ready(self) -> None:
        super().ready()  # autodiscover: every app's admin.py registers with the site
        self.module.site.ready()  # then the site guards what they registered
