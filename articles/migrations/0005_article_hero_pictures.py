"""Each article's hero picture (its file, description, credit and resized copies)
becomes an ArticleImage of that article, which `Article.hero` points at. The files
stay where they are: the row names the same file, and the copies already made are
kept. Reversible: the row's values go back on the article and the row is deleted.
"""

from django.db import migrations


def heroes_to_pictures(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    ArticleImage = apps.get_model("articles", "ArticleImage")
    articles = Article.objects.exclude(hero_image="").filter(hero__isnull=True)
    for article in articles.iterator():
        picture = ArticleImage.objects.create(
            article=article,
            image=article.hero_image.name,
            alt=article.hero_alt,
            credit=article.hero_credit,
            renditions=article.hero_renditions,
        )
        # An UPDATE, not save(): the article's last change and revisions stay as
        # they were (nothing a reader sees changes).
        Article.objects.filter(pk=article.pk).update(hero=picture)


def pictures_to_heroes(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    ArticleImage = apps.get_model("articles", "ArticleImage")
    for article in Article.objects.filter(hero__isnull=False).select_related("hero"):
        picture = article.hero
        Article.objects.filter(pk=article.pk).update(
            hero=None,
            hero_image=picture.image.name,
            hero_alt=picture.alt,
            hero_credit=picture.credit,
            hero_renditions=picture.renditions,
        )
        ArticleImage.objects.filter(pk=picture.pk).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_article_hero"),
    ]

    operations = [
        migrations.RunPython(heroes_to_pictures, pictures_to_heroes),
    ]
