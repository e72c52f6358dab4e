"""The articles and topics in /sitemap.xml; the site's fixed pages, from every
app, are listed by the project's URLconf (referral_site/urls.py)."""

from django.contrib.sitemaps import Sitemap

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
        return Topic.objects.with_published_articles()
