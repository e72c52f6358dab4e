"""The staff groups and what each may do: least privilege, kept in one place.

Run after every migrate (post_migrate), so a new permission reaches its group on the
next deploy and a fresh database has the groups before anyone logs in.
"""

from django.apps import apps as django_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

from referral_site.roles import CLINICIAN, EDITOR, LEAD

GROUP_PERMISSIONS: dict[str, list[str]] = {
    EDITOR: [
        "articles.add_article",
        "articles.change_article",
        "articles.delete_article",
        "articles.view_article",
        "articles.add_articleimage",
        "articles.change_articleimage",
        "articles.delete_articleimage",
        "articles.view_articleimage",
        "articles.add_topic",
        "articles.change_topic",
        "articles.view_topic",
        "articles.add_reviewerbio",
        "articles.change_reviewerbio",
        "articles.view_reviewerbio",
    ],
    # The clinical record (tries, history, risk panel, referral) has no screens of
    # its own: it is read on the callback's page, by whoever may open the callback.
    CLINICIAN: [
        "clinicians.view_callback",
        "clinicians.change_callback",
        "clinicians.view_clinician",
        "clinicians.view_provider",
    ],
    LEAD: [
        "clinicians.view_callback",
        "clinicians.change_callback",
        "clinicians.view_any_callback",
        "clinicians.reassign_callback",
        "clinicians.signoff_callback",
        "clinicians.view_dashboard",
        "clinicians.view_provider",
        "clinicians.add_provider",
        "clinicians.change_provider",
        "clinicians.view_referral",
        "clinicians.view_clinician",
        "clinicians.add_clinician",
        "clinicians.change_clinician",
        "clinicians.view_shift",
        "clinicians.add_shift",
        "clinicians.change_shift",
        "clinicians.delete_shift",
        "clinicians.view_dutychange",
        "clinicians.add_dutychange",
        "clinicians.change_dutychange",
        "clinicians.delete_dutychange",
        "enquiries.view_enquiry",
        "enquiries.export_enquiry",
        "enquiries.erase_enquiry",
        "enquiries.view_auditevent",
        # What we tell people about their data is a clinical-governance decision.
        "enquiries.add_privacynotice",
        "enquiries.change_privacynotice",
        "enquiries.view_privacynotice",
        "enquiries.view_openinghours",
        "enquiries.change_openinghours",
        "enquiries.view_closedday",
        "enquiries.add_closedday",
        "enquiries.change_closedday",
        "enquiries.delete_closedday",
        # A lost phone: a lead removes its authenticator, so its owner sets up
        # again. Nobody removes their own second factor (see docs/security.md).
        "otp_totp.view_totpdevice",
        "otp_totp.delete_totpdevice",
        "otp_static.view_staticdevice",
        "otp_static.delete_staticdevice",
    ],
}


def ensure_staff_groups(**kwargs) -> None:
    """Create the groups and set their permissions exactly. Safe to run any time.

    Run after this app's migrations, when apps later in INSTALLED_APPS (the
    second-factor ones) may not have their permissions yet: make them first."""
    for app_config in django_apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for group_name, codenames in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        permissions = []
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            permissions.append(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=codename
                )
            )
        group.permissions.set(permissions)
