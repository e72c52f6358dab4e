from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self) -> None:
        # Here, not at the top: Django imports apps.py before any models module.
        from .page_cache import pages_changed  # noqa: PLC0415 (imports the models)

        # Any change to what the reading pages show makes the page cache forget
        # them (the opening hours in every footer: enquiries/signals.py).
        for name in ("Article", "Topic", "ReviewerBio", "ArticleImage"):
            model = self.get_model(name)
            for signal in (post_save, post_delete):
                signal.connect(pages_changed, sender=model, weak=False)
        for through in (
            self.get_model("Article").topics.through,
            self.get_model("Article").related.through,
        ):
            m2m_changed.connect(pages_changed, sender=through, weak=False)
