"""Searching published articles: PostgreSQL full-text search with ranking (title
above summary above body) over the stored, GIN-indexed `Article.search_vector`; on
SQLite a simpler match with the same interface. Snippets are built here from plain
text, escaped, with the words found marked, and only for the results shown."""

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property, lru_cache
from html import escape

from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

from .models import ARTICLE_ROUTE, Article
from .page_cache import KeptByVersion

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

    @property
    def version(self) -> tuple[int, datetime]:
        """Which version of the article this is: the key its plain text is kept by."""
        return (self.pk, self.updated_at)


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
        lowered = body.lower()
        positions = [lowered.find(word) for word in words]
        first = min((p for p in positions if p >= 0), default=0)
        start = max(first - 60, 0)
        text = ("…" if start else "") + body[start : start + SNIPPET_CHARS] + "…"
    html = escape(text)
    if words:
        html = _marks(tuple(words)).sub(r"<mark>\g<0></mark>", html)
    # Escaped above; only <mark> added.
    return mark_safe(html)  # nosec B308 B703


@lru_cache(maxsize=64)
def _marks(words: tuple[str, ...]) -> re.Pattern:
    # Only at the start of a word, never inside an entity such as &amp;.
    alternatives = "|".join(re.escape(word) for word in words)
    return re.compile(rf"(?<![&#])\b(?:{alternatives})", re.IGNORECASE)


def _plain(body: str) -> str:
    return " ".join(strip_tags(body).split())


# The body's words without its markup, for each version of an article: its id and
# `updated_at`, which every save moves (a body rewritten by SQL alone keeps its old
# snippet until the article is next saved, as its page's Last-Modified does).
# Taking the tags out is most of what a snippet costs. About 5 kB each.
_plain_texts: KeptByVersion[tuple[int, datetime], str] = KeptByVersion(size=512)


def _plain_text(article: Found) -> str:
    """The body's plain text: made ready by `read_texts` for the results a page
    shows; read here for one read on its own."""
    if article.plain_text is None:
        article.plain_text = _plain_texts.get(article.version)
    if article.plain_text is None:
        body = Article.objects.filter(pk=article.pk).values_list("body", flat=True)
        article.plain_text = _plain_texts.put(article.version, _plain(body.get()))
    return article.plain_text


def read_texts(results: list[SearchResult]) -> None:
    """Make ready the text of the results about to be shown whose snippet comes
    from the body: from memory, or all that are missing in one query."""
    missing = []
    for result in results:
        article = result.article
        if _from_the_body(article, list(result.words)):
            article.plain_text = _plain_texts.get(article.version)
            if article.plain_text is None:
                missing.append(article)
    if not missing:
        return
    bodies = dict(
        Article.objects.filter(pk__in=[a.pk for a in missing]).values_list("pk", "body")
    )
    for article in missing:
        article.plain_text = _plain_texts.put(
            article.version, _plain(bodies.get(article.pk, ""))
        )


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
    and address are escaped; the snippet was escaped as it was built. The
    articles' addresses come from `Article.get_absolute_url`'s route, reversed once
    for the site's path prefix, its slug put in for each."""
    before, after = _article_address(get_script_prefix())
    return mark_safe(  # nosec B308 B703: each value escaped here
        "".join(
            '<li class="border-bottom py-3"><h2 class="h5">'
            f'<a href="{escape(before + result.article.slug + after)}">'
            f"{escape(result.article.title)}</a></h2>"
            f'<p class="mb-0">{result.snippet}</p></li>'
            for result in results
        )
    )


@lru_cache(maxsize=8)
def _article_address(prefix: str) -> tuple[str, str]:
    before, _slug, after = reverse(ARTICLE_ROUTE, kwargs={"slug": "-"}).rpartition("-")
    return before, after


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
