# The hero picture becomes an ArticleImage (issue 12), in three steps, each in a
# transaction of its own: PostgreSQL will not alter a table whose rows the same
# transaction has just changed. Here the new field; 0005 moves each hero into a
# row; 0006 removes the old fields.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_page_generation"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="hero",
            field=models.OneToOneField(
                blank=True,
                editable=False,
                help_text="The picture at the top of the article: one of its own"
                " pictures, changed only through the services"
                " (article_hero_replace).",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="articles.articleimage",
            ),
        ),
        migrations.AlterField(
            model_name="articleimage",
            name="renditions",
            field=models.JSONField(
                blank=True,
                default=list,
                editable=False,
                help_text="The resized copies (made by a background task): width,"
                " height and address.",
            ),
        ),
    ]
