import uuid
from collections.abc import Callable

from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject, cached_property
from django.views.decorators.http import condition, require_GET

from referral_site.emails import absolute_url

from .content import TOC_MIN_HEADINGS, json_ld, with_heading_ids, with_pictures
from .models import Article, ReviewerBio, Topic
from .page_cache import anonymous_page, kept_lookup
from .search import articles_search, read_texts, results_html

HOME_LATEST = 3
PER_PAGE = 10
RELATED_COUNT = 3
# Public pages may be kept this long by browsers; a change to an article shows at
# once to anyone who revalidates (Last-Modified / ETag below). Shared caches in front
# of us (nginx's micro-cache, a CDN) keep them for SHARED_MAX_AGE only: they cannot
# be told when an article is withdrawn, so they ask again within seconds. Our own
# page cache (page_cache.py) is told, and keeps them until something changes.
PUBLIC_MAX_AGE = 300
SHARED_MAX_AGE = 10


def _cacheable(response: HttpResponse) -> HttpResponse:
    patch_cache_control(
        response, public=True, max_age=PUBLIC_MAX_AGE, s_maxage=SHARED_MAX_AGE
    )
    return response


def _cards(queryset: QuerySet) -> QuerySet:
    return queryset.only("title", "slug", "summary", "pub_date")


def _page_of(request: HttpRequest, articles: Callable[[], QuerySet]) -> dict:
    """One page of a list of `articles()`, read only if its kept part is not at
    hand; and the number asked for, which that part is kept under."""
    number = request.GET.get("page", "")[:8]
    return {
        "page": SimpleLazyObject(
            lambda: Paginator(articles(), PER_PAGE).get_page(number or None)
        ),
        "page_number": number,
    }


@anonymous_page
def home(request: HttpRequest) -> HttpResponse:
    # Read only if the page's kept part is not at hand (even building a query
    # costs more than serving that part).
    context = {
        "featured": SimpleLazyObject(
            lambda: _cards(Article.objects.published().filter(featured=True))[
                :HOME_LATEST
            ]
        ),
        "latest": SimpleLazyObject(
            lambda: _cards(Article.objects.published())[:HOME_LATEST]
        ),
        "topics": SimpleLazyObject(lambda: Topic.objects.with_published_articles()),
    }
    return _cacheable(render(request, "home.html", context))


@anonymous_page
def article_list(request: HttpRequest) -> HttpResponse:
    context = _page_of(request, lambda: _cards(Article.objects.published()))
    return _cacheable(render(request, "articles/article_list.html", context))


@anonymous_page
def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    topic = kept_lookup("topic", slug, lambda: Topic.objects.filter(slug=slug).first())
    if topic is None:
        raise Http404("No topic has that address.")
    context = {
        "topic": topic,
        **_page_of(
            request, lambda: _cards(Article.objects.published().filter(topics=topic))
        ),
    }
    return _cacheable(render(request, "articles/topic_detail.html", context))


@anonymous_page
def reviewer_detail(request: HttpRequest, slug: str) -> HttpResponse:
    reviewer = get_object_or_404(ReviewerBio, slug=slug)
    articles = _cards(Article.objects.published().filter(reviewer=reviewer))
    context = {"reviewer": reviewer, "articles": articles}
    return _cacheable(render(request, "articles/reviewer_detail.html", context))


def _article_row(queryset: QuerySet) -> QuerySet:
    return queryset.defer("search_vector").select_related(
        "reviewer", "replaced_by", "hero"
    )


def _with_what_it_shows(article: Article) -> Article:
    """Its topics, body pictures and chosen related articles: three queries, once."""
    if hasattr(article, "_prefetched_objects_cache"):
        return article
    prefetch_related_objects(
        [article],
        "topics",
        "images",
        Prefetch("related", queryset=_cards(Article.objects.published())),
    )
    return article


def _article(slug: str, queryset: QuerySet) -> Article:
    return _with_what_it_shows(get_object_or_404(_article_row(queryset), slug=slug))


def _published_version(request: HttpRequest, slug: str) -> tuple | None:
    """The published article's id and when it last changed, or None: what the ETag,
    Last-Modified and the page's kept parts need. Read once a request."""
    if not hasattr(request, "_published_version"):
        request._published_version = kept_lookup(
            "published-article",
            slug,
            lambda: (
                Article.objects.published()
                .filter(slug=slug)
                .values_list("pk", "updated_at")
                .order_by()
                .first()
            ),
        )
    return request._published_version


def _last_modified(request: HttpRequest, slug: str):
    found = _published_version(request, slug)
    return found[1] if found else None


def _etag(request: HttpRequest, slug: str) -> str | None:
    modified = _last_modified(request, slug)
    return f'"{slug}-{modified.timestamp()}"' if modified else None


@anonymous_page
@require_GET
@condition(etag_func=_etag, last_modified_func=_last_modified)
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    found = _published_version(request, slug)
    if found is None:
        # Not published: an archived article may point readers to its replacement.
        archived = (
            Article.objects.filter(slug=slug, status=Article.Status.ARCHIVED)
            .select_related("replaced_by")
            .first()
        )
        replacement = archived and archived.replaced_by
        if replacement and replacement.status == Article.Status.PUBLISHED:
            return redirect(replacement, permanent=True)
        raise Http404("No published article has that address.")
    pk = found[0]
    # Its whole row only if a part of its page is not kept (and still published:
    # withdrawn in another process this very second, it is not shown).
    main = _ArticleMain(
        lambda: get_object_or_404(_article_row(Article.objects.published()), pk=pk)
    )
    return _cacheable(_render_article(request, main, version=found))


@staff_member_required
def article_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """Any status, for staff only: how the article will look once published."""
    if not request.user.has_perm("articles.view_article"):
        return HttpResponse(status=403)
    article = _article(slug, Article.objects.all())
    response = _render_article(request, _ArticleMain(lambda: article), version=None)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _related(article: Article) -> list[Article]:
    chosen = list(article.related.all())  # prefetched: published only
    if chosen:
        return chosen[:RELATED_COUNT]
    topic_ids = [topic.pk for topic in article.topics.all()]
    return list(
        _cards(Article.objects.published())
        .filter(topics__in=topic_ids)
        .exclude(pk=article.pk)
        .distinct()[:RELATED_COUNT]
    )


class _ArticleMain:
    """What the article's kept part shows (templates/articles/_article_main.html),
    worked out only when that part is rendered: a page whose parts are kept reads
    nothing from the database."""

    def __init__(self, load: Callable[[], Article]):
        self._load = load

    @cached_property
    def article(self) -> Article:
        return self._load()

    @cached_property
    def _text(self) -> tuple[str, list]:
        article = _with_what_it_shows(self.article)
        return with_heading_ids(with_pictures(article.body, article.body_pictures))

    @property
    def topics(self):
        return _with_what_it_shows(self.article).topics.all()

    @property
    def body(self) -> str:
        return self._text[0]

    @property
    def headings(self) -> list:
        headings = self._text[1]
        return headings if len(headings) >= TOC_MIN_HEADINGS else []

    @cached_property
    def related(self) -> list[Article]:
        return _related(_with_what_it_shows(self.article))

    @cached_property
    def canonical_url(self) -> str:
        return absolute_url(self.article.get_absolute_url())

    def structured_data(self) -> str:
        article = self.article
        structured = {
            "@context": "https://schema.org",
            "@type": "MedicalWebPage",
            "headline": article.title,
            "description": article.seo_description or article.summary,
            "url": self.canonical_url,
            "datePublished": article.pub_date.isoformat(),
            "dateModified": article.updated_at.isoformat(),
            "inLanguage": "en-GB",
        }
        if article.reviewer and article.last_reviewed_on:
            reviewer = article.reviewer
            structured["lastReviewed"] = article.last_reviewed_on.isoformat()
            structured["reviewedBy"] = {
                "@type": "Person",
                "name": reviewer.name,
                "jobTitle": reviewer.role,
                "url": absolute_url(reviewer.get_absolute_url()),
            }
        return json_ld(structured)


def _render_article(request, main: _ArticleMain, *, version: tuple | None):
    """The article's page: `version` (its id and when it last changed) names the
    parts kept for every reader; a preview (None) keeps nothing, and gets a version
    no other page can match."""
    context = {"article": SimpleLazyObject(lambda: main.article), "main": main}
    if version is None:
        context |= {
            "preview": True,
            "article_pk": uuid.uuid4().hex,
            "kept_version": "preview",
            "fragment_seconds": 0,
        }
    else:
        context |= {"article_pk": version[0], "article_updated": version[1]}
    return render(request, "articles/article_detail.html", context)


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    results = articles_search(query=query) if query else []
    page = Paginator(results, PER_PAGE).get_page(request.GET.get("page"))
    read_texts(page.object_list)
    context = {
        "query": query,
        "page": page,
        "results": results_html(page.object_list),
        # Shown only when nothing was found: read only then.
        "topics": SimpleLazyObject(lambda: Topic.objects.with_published_articles()),
    }
    return render(request, "articles/search.html", context)


def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /get-help/thank-you/",
        "Disallow: /get-help/withdraw/",
        "Disallow: /search/",
        f"Sitemap: {absolute_url('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
