"""Searching published articles: PostgreSQL full-text search with ranking (title
above summary above body) over the stored, GIN-indexed `Article.search_vector`; on
SQLite a simpler match with the same interface. Snippets are built here from plain
text, escaped, with the words found marked, and only for the results shown."""

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe

from .models import ARTICLE_ROUTE, Article
from .page_cache import kept_lookup

SNIPPET_CHARS = 220


@dataclass(slots=True)
class Found:
    """What a result shows of a published article, and what its snippet needs:
    a record, not a model instance (making 50 of those was a search's biggest
    cost after the query)."""

    pk: int
    title: str
    slug: str
    summary: str
    updated_at: datetime
    plain_text: str | None = None  # made ready by read_texts


@dataclass(frozen=True)
class SearchResult:
    article: Found
    words: tuple[str, ...]

    @cached_property
    def snippet(self) -> SafeString:
        # Built when a page shows the result, not for every result found.
        return _snippet(self.article, list(self.words))


def _words(query: str) -> list[str]:
    return [word for word in re.findall(r"\w+", query.lower()) if len(word) > 1][:10]


def _from_the_body(article: Found, words: list[str]) -> bool:
    lowered = article.summary.lower()
    return not any(word in lowered for word in words)


def _snippet(article: Found, words: list[str]) -> SafeString:
    """A passage of the summary, or of the body where a word first appears, with
    each word found wrapped in <mark>. Everything else is escaped."""
    text = article.summary
    if _from_the_body(article, words):
        body = _plain_text(article)
        positions = [body.lower().find(word) for word in words]
        first = min((p for p in positions if p >= 0), default=0)
        start = max(first - 60, 0)
        text = ("…" if start else "") + body[start : start + SNIPPET_CHARS] + "…"
    html = escape(text)
    if words:
        # Only at the start of a word, never inside an entity such as &amp;.
        alternatives = "|".join(re.escape(word) for word in words)
        pattern = re.compile(rf"(?<![&#])\b(?:{alternatives})", re.IGNORECASE)
        html = pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", html)
    # Escaped above; only <mark> added.
    return mark_safe(html)  # nosec B308 B703


def _plain(body: str) -> str:
    return " ".join(strip_tags(body).split())


def _text_key(article: Found) -> str:
    return f"{article.pk}:{article.updated_at.isoformat()}"


def _plain_text(article: Found) -> str:
    """The body's words without its markup: kept in this process until the article
    changes (taking the tags out is most of what a search page costs). Made
    ready by `read_texts` for the results a page shows."""
    if article.plain_text is not None:
        return article.plain_text
    return kept_lookup(
        "plain-text",
        _text_key(article),
        lambda: _plain(
            Article.objects.filter(pk=article.pk).values_list("body", flat=True).get()
        ),
    )


def read_texts(results: list[SearchResult]) -> None:
    """Make ready the text of the results about to be shown whose snippet comes
    from the body: from memory, or all that are missing in one query."""
    wanted = [r.article for r in results if _from_the_body(r.article, list(r.words))]
    missing = []
    for article in wanted:
        article.plain_text = kept_lookup("plain-text", _text_key(article), _none)
        if article.plain_text is None:
            missing.append(article)
    if not missing:
        return
    bodies = dict(
        Article.objects.filter(pk__in=[a.pk for a in missing]).values_list("pk", "body")
    )
    for article in missing:
        body = bodies.get(article.pk, "")
        article.plain_text = kept_lookup(
            "plain-text", _text_key(article), lambda body=body: _plain(body)
        )


def _none() -> None:
    return None  # kept_lookup only looks: nothing is read, nothing kept


# What a result shows, and the snippet needs before the body (`Found`): not the
# body itself (read, for the results shown, only when the summary lacks the words).
_SHOWN = ("id", "title", "slug", "summary", "updated_at")


# The stored vector, weighted title A, summary B, body C by the trigger in migration
# 0002; `@@` is answered by the GIN index. Written as SQL: the ORM took seven times
# as long to build this query as PostgreSQL took to answer it. What the public may
# see is `Article.objects.published()`: published, and its date has come
# (`test_an_article_the_public_may_not_see_is_never_found` holds the two together).
# A query of only exclusions ("-heroin") matches every other article at rank 0:
# that is not a result.
_POSTGRES_SEARCH = """
    SELECT {columns}, ts_rank(a.search_vector, q) AS rank
    FROM {table} a, websearch_to_tsquery('english', %(query)s) q
    WHERE a.status = %(published)s AND a.pub_date <= %(now)s
      AND a.search_vector @@ q AND ts_rank(a.search_vector, q) > 0
    ORDER BY rank DESC, a.pub_date DESC
    LIMIT %(limit)s
"""


def _postgres(query: str, limit: int) -> list[Found]:
    sql = _POSTGRES_SEARCH.format(  # nosec B608: names from the model, not input
        columns=", ".join(f"a.{connection.ops.quote_name(f)}" for f in _SHOWN),
        table=connection.ops.quote_name(Article._meta.db_table),
    )
    params = {
        "query": query,
        "published": Article.Status.PUBLISHED,
        "now": timezone.now(),
        "limit": limit,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [Found(*row[:-1]) for row in rows]  # its rank last, left out


def _fallback(words: list[str]):
    matches = Q()
    for word in words:
        matches &= (
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(body__icontains=word)
        )
    first = words[0]
    weight = Case(
        When(title__icontains=first, then=Value(3)),
        When(summary__icontains=first, then=Value(2)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        Article.objects.published()
        .filter(matches)
        .annotate(rank=weight)
        .order_by(F("rank").desc(), "-pub_date")
        .values_list(*_SHOWN)
    )


def results_html(results: list[SearchResult]) -> SafeString:
    """The results a page shows, as list items: built here rather than by the
    template (a search page's results were most of its template's work). The title
    is escaped; the snippet was escaped as it was built. The articles' addresses
    come from one reverse() of `Article.get_absolute_url`'s route, its slug put in
    for each."""
    before, _slug, after = reverse(ARTICLE_ROUTE, kwargs={"slug": "-"}).rpartition("-")
    return mark_safe(  # nosec B308 B703: each value escaped by format_html
        "".join(
            format_html(
                '<li class="border-bottom py-3"><h2 class="h5"><a href="{}">{}</a>'
                '</h2><p class="mb-0">{}</p></li>',
                f"{before}{result.article.slug}{after}",
                result.article.title,
                result.snippet,
            )
            for result in results
        )
    )


def articles_search(*, query: str, limit: int = 50) -> list[SearchResult]:
    """Published articles matching `query`, best first, each with a
    marked snippet that is built when first read."""
    words = _words(query)
    if not words:
        return []
    if connection.vendor == "postgresql":
        articles = _postgres(query, limit)
    else:
        articles = [Found(*row) for row in _fallback(words)[:limit]]
    return [SearchResult(article, tuple(words)) for article in articles]
