from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Article

HOME_LATEST = 3
PER_PAGE = 10


def home(request: HttpRequest) -> HttpResponse:
    latest = Article.objects.published()[:HOME_LATEST]
    return render(request, "home.html", {"latest": latest})


def article_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(Article.objects.published(), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "articles/article_list.html", {"page": page})


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.published(), slug=slug)
    return render(request, "articles/article_detail.html", {"article": article})
