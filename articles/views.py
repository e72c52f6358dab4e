from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import condition, require_GET

from .content import TOC_MIN_HEADINGS, json_ld, with_heading_ids, with_pictures
from .models import Article, ReviewerBio, Topic
from .page_cache import anonymous_page
from .search import articles_search

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


@anonymous_page
def home(request: HttpRequest) -> HttpResponse:
    published = Article.objects.published()
    context = {
        "featured": _cards(published.filter(featured=True))[:HOME_LATEST],
        "latest": _cards(published)[:HOME_LATEST],
        "topics": Topic.objects.filter(articles__in=published).distinct(),
    }
    return _cacheable(render(request, "home.html", context))


@anonymous_page
def article_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(_cards(Article.objects.published()), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return _cacheable(render(request, "articles/article_list.html", {"page": page}))


@anonymous_page
def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    page = Paginator(
        _cards(Article.objects.published().filter(topics=topic)), PER_PAGE
    ).get_page(request.GET.get("page"))
    context = {"topic": topic, "page": page}
    return _cacheable(render(request, "articles/topic_detail.html", context))


@anonymous_page
def reviewer_detail(request: HttpRequest, slug: str) -> HttpResponse:
    reviewer = get_object_or_404(ReviewerBio, slug=slug)
    articles = _cards(Article.objects.published().filter(reviewer=reviewer))
    context = {"reviewer": reviewer, "articles": articles}
    return _cacheable(render(request, "articles/reviewer_detail.html", context))


def _article_row(queryset: QuerySet) -> QuerySet:
    return queryset.defer("search_vector").select_related("reviewer", "replaced_by")


def _with_what_it_shows(article: Article) -> Article:
    """Its topics, body pictures and chosen related articles: three queries."""
    prefetch_related_objects(
        [article],
        "topics",
        "images",
        Prefetch("related", queryset=_cards(Article.objects.published())),
    )
    return article


def _article(slug: str, queryset: QuerySet) -> Article:
    return _with_what_it_shows(get_object_or_404(_article_row(queryset), slug=slug))


def _published_article(request: HttpRequest, slug: str) -> Article | None:
    # Read once a request, for the ETag, Last-Modified and the page itself.
    if not hasattr(request, "_published_article"):
        request._published_article = (
            _article_row(Article.objects.published()).filter(slug=slug).first()
        )
    return request._published_article


def _last_modified(request: HttpRequest, slug: str):
    article = _published_article(request, slug)
    return article.updated_at if article else None


def _etag(request: HttpRequest, slug: str) -> str | None:
    modified = _last_modified(request, slug)
    return f'"{slug}-{modified.timestamp()}"' if modified else None


@anonymous_page
@require_GET
@condition(etag_func=_etag, last_modified_func=_last_modified)
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = _published_article(request, slug)
    if article is None:
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
    return _cacheable(_render_article(request, _with_what_it_shows(article)))


@staff_member_required
def article_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """Any status, for staff only: how the article will look once published."""
    if not request.user.has_perm("articles.view_article"):
        return HttpResponse(status=403)
    article = _article(slug, Article.objects.all())
    response = _render_article(request, article, preview=True)
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


def _render_article(request, article: Article, *, preview: bool = False):
    body, headings = with_heading_ids(with_pictures(article.body, article.images.all()))
    url = settings.SITE_URL.rstrip("/") + article.get_absolute_url()
    structured = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "headline": article.title,
        "description": article.seo_description or article.summary,
        "url": url,
        "datePublished": article.pub_date.isoformat(),
        "dateModified": article.updated_at.isoformat(),
        "inLanguage": "en-GB",
    }
    if article.reviewer and article.last_reviewed_on:
        structured["lastReviewed"] = article.last_reviewed_on.isoformat()
        structured["reviewedBy"] = {
            "@type": "Person",
            "name": article.reviewer.name,
            "jobTitle": article.reviewer.role,
            "url": settings.SITE_URL.rstrip("/") + article.reviewer.get_absolute_url(),
        }
    context = {
        "article": article,
        "body": body,
        "headings": headings if len(headings) >= TOC_MIN_HEADINGS else [],
        "related": _related(article),
        "canonical_url": url,
        "structured_data": json_ld(structured),
        "preview": preview,
    }
    return render(request, "articles/article_detail.html", context)


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    results = articles_search(query=query) if query else []
    page = Paginator(results, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "query": query,
        "page": page,
        "topics": Topic.objects.filter(
            articles__status=Article.Status.PUBLISHED
        ).distinct(),
    }
    return render(request, "articles/search.html", context)


def robots_txt(request: HttpRequest) -> HttpResponse:
    site = settings.SITE_URL.rstrip("/")
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /get-help/thank-you/",
        "Disallow: /get-help/withdraw/",
        "Disallow: /search/",
        f"Sitemap: {site}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
