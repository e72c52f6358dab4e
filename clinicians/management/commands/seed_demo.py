"""Demo content and demo staff users, for `make run` and for trying the admin.

Idempotent: a second run updates what the first made and adds nothing twice.
"""

import os
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from articles.demo_content import ARTICLES, TOPICS
from articles.models import Article, Topic
from clinicians.models import Clinician
from clinicians.staff_groups import CLINICIAN, EDITOR, LEAD, ensure_staff_groups

DEFAULT_PASSWORD = "demo-password-only"

# username, group, display name, is a clinician on duty
DEMO_USERS = [
    ("lead", LEAD, "Dr Demo Lead", True),
    ("clinician", CLINICIAN, "Demo Clinician", True),
    ("editor", EDITOR, "Demo Editor", False),
]


class Command(BaseCommand):
    help = "Load demo articles and the demo staff users lead, clinician and editor."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run with DEBUG off. Never on a live site: its password is public.",
        )

    def handle(self, *args, force: bool = False, verbosity: int = 1, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo makes users with a published password, so it refuses to run"
                " with DEBUG off. Add --force if this really is a demo site."
            )
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        with transaction.atomic():
            ensure_staff_groups()
            articles = self._articles()
            self._users(password)
        if verbosity:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo ready: {articles} articles; staff users "
                    + ", ".join(username for username, *_ in DEMO_USERS)
                    + "."
                )
            )

    def _articles(self) -> int:
        topics = {
            item["name"]: Topic.objects.update_or_create(
                slug=item["slug"],
                defaults={
                    "name": item["name"],
                    "safety_information": item["safety_information"],
                },
            )[0]
            for item in TOPICS
        }
        now = timezone.now()
        for position, item in enumerate(ARTICLES):
            fields = {
                "title": item["title"],
                "summary": item["summary"],
                "body": item["body"],
                "is_published": True,
            }
            article, _ = Article.objects.update_or_create(
                slug=item["slug"],
                defaults=fields,
                # first run only: dates a day apart keep the demo list in order
                create_defaults={**fields, "pub_date": now - timedelta(days=position)},
            )
            article.topics.set([topics[item["topic"]]])
        return len(ARTICLES)

    def _users(self, password: str) -> None:
        User = get_user_model()
        for username, group_name, display_name, is_clinician in DEMO_USERS:
            user, _ = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.org"}
            )
            user.is_staff = True
            user.is_active = True
            user.set_password(password)
            user.save()
            user.groups.set([Group.objects.get(name=group_name)])
            if is_clinician:
                Clinician.objects.update_or_create(
                    user=user, defaults={"display_name": display_name, "on_duty": True}
                )
