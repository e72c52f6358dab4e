from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from .models import Article


class LatestArticlesFeed(Feed):
    feed_type = Atom1Feed
    link = "/articles/"
    feed_url = "/feed/"
    items_count = 20

    def title(self) -> str:
        return f"{settings.SITE_NAME}: advice about drugs and alcohol"

    def subtitle(self) -> str:
        return "Clinically reviewed advice from addictions clinicians."

    def items(self):
        return Article.objects.published()[: self.items_count]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.summary

    def item_pubdate(self, item: Article):
        return item.pub_date

    def item_updateddate(self, item: Article):
        return item.updated_at
