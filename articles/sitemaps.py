from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Article, Topic


class ArticleSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Article.objects.published().only("slug", "updated_at")

    def lastmod(self, article: Article):
        return article.updated_at


class TopicSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Topic.objects.filter(articles__in=Article.objects.published()).distinct()


class PageSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return ["articles:home", "articles:article_list", "enquiries:enquiry_create",
                "privacy", "cover_your_tracks"]  # fmt: skip

    def location(self, name: str) -> str:
        return reverse(name)


SITEMAPS = {"pages": PageSitemap, "articles": ArticleSitemap, "topics": TopicSitemap}
