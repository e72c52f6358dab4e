from datetime import timedelta

import factory
from django.utils import timezone

from articles.models import Article, ReviewerBio, Topic


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Advice article {n}")
    slug = factory.Sequence(lambda n: f"advice-article-{n}")
    summary = "A short, plain summary of the article."
    body = "<h2>What to expect</h2><p>Plain advice.</p>"
    status = Article.Status.PUBLISHED
    pub_date = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["slug"]

    name = "Heroin and opioids"
    slug = "heroin-and-opioids"
    safety_information = (
        "<p><strong>Signs of an opioid overdose:</strong> slow breathing.</p>"
        "<p>Give naloxone if you have it, and call 999.</p>"
    )


class ReviewerBioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewerBio
        django_get_or_create = ["slug"]

    name = "Dr Alex Example"
    slug = "dr-alex-example"
    role = "Consultant addiction psychiatrist"
    registration_body = "GMC"
    registration_number = "0000000"
    bio = "A fictional reviewer for tests."


ARTICLE_ADD = "/admin/articles/article/add/"


def article_form(**changes) -> dict:
    """A valid POST to the admin's "add article" page, published now."""
    now = timezone.localtime()
    return {
        "title": "Cutting down safely",
        "slug": "cutting-down-safely",
        "summary": "How to cut down on drinking without risk.",
        "body": "<h2>Start slowly</h2><p>Plain advice.</p>",
        "status": "published",
        "pub_date_0": now.date().isoformat(),
        "pub_date_1": now.strftime("%H:%M:%S"),
        "hero_alt": "",
        "hero_credit": "",
        "references": "",
        "seo_title": "",
        "seo_description": "",
        # the body pictures' inline, empty
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
    } | changes
