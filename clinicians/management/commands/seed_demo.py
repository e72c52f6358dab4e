"""Demo content and demo staff users, for `make run` and for trying the admin.

Idempotent: a second run updates what the first made and adds nothing twice.
"""

import os
from datetime import time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from articles.demo_content import (
    ARTICLES,
    HERO_ALT,
    HERO_CREDIT,
    REFERENCES,
    REVIEWER,
    TOPICS,
    hero_image_png,
)
from articles.models import Article, ReviewerBio, Topic
from articles.services import article_hero_replace
from clinicians.models import Clinician, Provider, Shift
from clinicians.staff_groups import CLINICIAN, EDITOR, LEAD, ensure_staff_groups

DEFAULT_PASSWORD = "demo-password-only"

# username, group, display name, registration (fictional), specialisms
DEMO_USERS = [
    ("lead", LEAD, "Dr Demo Lead", ("GMC", "0000001"), ["alcohol"]),
    ("clinician", CLINICIAN, "Demo Clinician", ("NMC", "00X0000E"),
     ["heroin-and-opioids", "cocaine"]),
    ("editor", EDITOR, "Demo Editor", None, []),
]  # fmt: skip
# The demo rota has the clinician on duty every hour of every day, so that `make run`
# always has someone to assign a new callback to, whenever it is tried.
ALL_DAY = (time(0), time(23, 59, 59, 999999))
# Fictional providers: example.org addresses and Ofcom's drama numbers.
DEMO_PROVIDERS = [
    {"name": "Example Recovery House (demo)", "kind": "residential", "regulator": "CQC",
     "registration_id": "1-000000001", "region": "Yorkshire and the Humber",
     "cost_band": "high", "nhs_funded": False,
     "website": "https://recovery-house.example.org", "phone": "0113 496 0001"},
    {"name": "Example Community Drug and Alcohol Service (demo)", "kind": "community",
     "regulator": "CQC", "registration_id": "1-000000002", "region": "London",
     "cost_band": "free", "nhs_funded": True,
     "website": "https://community.example.org", "phone": "020 7946 0002"},
    {"name": "Example Mutual Aid Group (demo)", "kind": "support_group",
     "regulator": "", "registration_id": "", "region": "Online",
     "cost_band": "free", "nhs_funded": False,
     "website": "https://mutual-aid.example.org", "phone": ""},
]  # fmt: skip


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
            for provider in DEMO_PROVIDERS:
                Provider.objects.update_or_create(
                    name=provider["name"],
                    defaults=provider | {"last_verified_on": timezone.localdate()},
                )
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
        reviewer, _ = ReviewerBio.objects.update_or_create(
            slug=REVIEWER["slug"], defaults=REVIEWER
        )
        now = timezone.now()
        reviewed = timezone.localdate() - timedelta(days=30)
        for position, item in enumerate(ARTICLES):
            fields = {
                "title": item["title"],
                "summary": item["summary"],
                "body": item["body"],
                "status": Article.Status.PUBLISHED,
                "reviewer": reviewer,
                "last_reviewed_on": reviewed,
                "next_review_due": reviewed + timedelta(days=365),
                "references": "\n".join(REFERENCES.get(item["slug"], [])),
                "featured": position == 0,
            }
            article, _ = Article.objects.update_or_create(
                slug=item["slug"],
                defaults=fields,
                # first run only: dates a day apart keep the demo list in order
                create_defaults={**fields, "pub_date": now - timedelta(days=position)},
            )
            article.topics.set([topics[item["topic"]]])
            if position == 0 and not article.hero_id:
                article_hero_replace(  # resized once this commits
                    article=article,
                    upload=ContentFile(hero_image_png(), name="demo-hills.png"),
                    alt=HERO_ALT,
                    credit=HERO_CREDIT,
                )
        return len(ARTICLES)

    def _users(self, password: str) -> None:
        User = get_user_model()
        for username, group_name, display_name, registration, specialisms in DEMO_USERS:
            user, _ = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.org"}
            )
            user.is_staff = True
            user.is_active = True
            user.set_password(password)
            user.save()
            user.groups.set([Group.objects.get(name=group_name)])
            if registration:
                clinician, _ = Clinician.objects.update_or_create(
                    user=user,
                    defaults={
                        "display_name": display_name,
                        "registration_body": registration[0],
                        "registration_number": registration[1],
                    },
                )
                clinician.specialisms.set(Topic.objects.filter(slug__in=specialisms))
                if group_name != CLINICIAN:
                    continue  # the lead oversees: new callbacks go to the clinician
                for weekday in range(7):
                    Shift.objects.get_or_create(
                        clinician=clinician,
                        weekday=weekday,
                        starts=ALL_DAY[0],
                        defaults={"ends": ALL_DAY[1]},
                    )
