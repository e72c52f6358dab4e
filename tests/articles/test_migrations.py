"""The data migration that made each article's hero picture an ArticleImage
(articles/migrations/0005_article_hero_pictures.py), run forwards and backwards on
a database migrated to just before it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = ("articles", "0004_article_hero")
AFTER = ("articles", "0006_remove_article_hero_fields")
RENDITIONS = [
    {"width": 480, "height": 270, "url": "/media/articles/renditions/1/a.webp"}
]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def migrate():
    """Migrate the articles app to a migration and return the models as they were
    then; afterwards, every app back to its latest migration."""

    def to(target: tuple[str, str]):
        executor = MigrationExecutor(connection)
        executor.migrate([target])
        return MigrationExecutor(connection).loader.project_state([target]).apps

    yield to
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _article(apps, slug: str, **fields):
    return apps.get_model("articles", "Article").objects.create(
        title=slug, slug=slug, summary="A summary.", body="<p>Text.</p>",
        status="published", pub_date=timezone.now(), **fields,
    )  # fmt: skip


def test_each_hero_becomes_a_picture_of_its_article_and_back(migrate):
    old = migrate(BEFORE)
    with_hero = _article(
        old, "with-hero", hero_image="articles/originals/2026/01/hills.png",
        hero_alt="Green hills", hero_credit="Photo: our team",
        hero_renditions=RENDITIONS,
    )  # fmt: skip
    _article(old, "without-hero")
    updated_at = with_hero.updated_at

    new = migrate(AFTER)

    Article = new.get_model("articles", "Article")
    article = Article.objects.select_related("hero").get(slug="with-hero")
    hero = article.hero
    assert hero.article_id == article.pk
    assert hero.image.name == "articles/originals/2026/01/hills.png"
    assert (hero.alt, hero.credit) == ("Green hills", "Photo: our team")
    assert hero.renditions == RENDITIONS
    assert article.updated_at == updated_at  # nothing a reader sees has changed
    assert Article.objects.get(slug="without-hero").hero is None
    assert new.get_model("articles", "ArticleImage").objects.count() == 1

    back = migrate(BEFORE)

    article = back.get_model("articles", "Article").objects.get(slug="with-hero")
    assert article.hero_id is None
    assert article.hero_image.name == "articles/originals/2026/01/hills.png"
    assert (article.hero_alt, article.hero_credit) == ("Green hills", "Photo: our team")
    assert article.hero_renditions == RENDITIONS
    assert not back.get_model("articles", "ArticleImage").objects.exists()


def test_body_pictures_stay_body_pictures(migrate):
    old = migrate(BEFORE)
    article = _article(old, "with-body-picture")
    old.get_model("articles", "ArticleImage").objects.create(
        article=article, image="articles/originals/2026/01/kit.png", alt="A kit"
    )

    new = migrate(AFTER)

    assert new.get_model("articles", "Article").objects.get().hero_id is None
    assert new.get_model("articles", "ArticleImage").objects.count() == 1
