# The hero's old fields, now held by its ArticleImage (0005). Reversed, they come
# back empty, and 0005's reverse fills them again.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_article_hero_pictures"),
    ]

    operations = [
        migrations.RemoveField(model_name="article", name="hero_image"),
        migrations.RemoveField(model_name="article", name="hero_alt"),
        migrations.RemoveField(model_name="article", name="hero_credit"),
        migrations.RemoveField(model_name="article", name="hero_renditions"),
        migrations.RemoveField(model_name="historicalarticle", name="hero_image"),
        migrations.RemoveField(model_name="historicalarticle", name="hero_alt"),
        migrations.RemoveField(model_name="historicalarticle", name="hero_credit"),
    ]
