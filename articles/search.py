"""Searching published articles: PostgreSQL full-text search with ranking (title
above summary above body); on SQLite a simpler match with the same interface.
Snippets are built here from plain text, escaped, with the words found marked."""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from .models import Article

SNIPPET_CHARS = 220


@dataclass(frozen=True)
class SearchResult:
    article: Article
    snippet: SafeString


def _words(query: str) -> list[str]:
    return [word for word in re.findall(r"\w+", query.lower()) if len(word) > 1][:10]


def _snippet(article: Article, words: list[str]) -> SafeString:
    """A passage of the summary, or of the body where a word first appears, with
    each word found wrapped in <mark>. Everything else is escaped."""
    text = article.summary
    lowered = text.lower()
    if not any(word in lowered for word in words):
        body = " ".join(strip_tags(article.body).split())
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


def _postgres(query: str):
    vector = (
        SearchVector("title", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("body", weight="C", config="english")
    )
    search = SearchQuery(query, search_type="websearch", config="english")
    return (
        Article.objects.published()
        .annotate(rank=SearchRank(vector, search))
        .filter(rank__gt=0)
        .order_by("-rank", "-pub_date")
    )


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
    )


def articles_search(*, query: str, limit: int = 50) -> list[SearchResult]:
    """Published articles matching `query`, best first, each with a marked snippet."""
    words = _words(query)
    if not words:
        return []
    articles = (
        _postgres(query) if connection.vendor == "postgresql" else _fallback(words)
    )
    return [
        SearchResult(article, _snippet(article, words)) for article in articles[:limit]
    ]
