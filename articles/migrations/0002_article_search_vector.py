"""Store each article's full-text search vector, GIN-indexed, so a search is an index
lookup rather than a to_tsvector of every published article.

On PostgreSQL a trigger keeps the vector current whatever writes the row (the admin,
services, the WordPress importer, seed_demo, QuerySet.update, plain SQL), and the
existing rows are filled here. On SQLite the column stays empty, with no index: search
there matches words with icontains instead (articles/search.py).
"""

from django.db import migrations

import articles.models


def _vector(row: str) -> str:
    """The weighted vector search ranks on: title above summary above body."""
    return f"""
        setweight(to_tsvector('english', coalesce({row}title, '')), 'A')
        || setweight(to_tsvector('english', coalesce({row}summary, '')), 'B')
        || setweight(to_tsvector('english', coalesce({row}body, '')), 'C')"""


POSTGRESQL = [
    f"""CREATE FUNCTION articles_article_search_vector_update() RETURNS trigger AS $$
    BEGIN
        NEW.search_vector := {_vector("NEW.")};
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;""",
    # Only when a column the vector reads is written: a change of status or review
    # date leaves it alone. Django's save() writes every column, so it always fires.
    """CREATE TRIGGER articles_article_search_vector_update
    BEFORE INSERT OR UPDATE OF title, summary, body ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector_update();""",
    # Built from the constant above, nothing from outside.
    f"UPDATE articles_article SET search_vector = {_vector('')};",  # nosec B608
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER articles_article_search_vector_update ON articles_article;",
    "DROP FUNCTION articles_article_search_vector_update();",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=articles.models.StoredSearchVectorField(
                editable=False,
                help_text="Title, summary and body as PostgreSQL full-text search"
                " reads them; kept current by a database trigger. Empty on SQLite.",
                null=True,
            ),
        ),
        # Filled before the index is built: one build rather than one insert a row.
        migrations.RunPython(forwards, backwards),
        migrations.AddIndex(
            model_name="article",
            index=articles.models.PostgresGinIndex(
                fields=["search_vector"], name="articles_ar_search__95c6c6_gin"
            ),
        ),
    ]
