"""The import run: every post of an export, in one transaction, all or nothing."""

from collections.abc import Sequence
from pathlib import Path

from django.core.files.storage import Storage
from django.db import transaction

from .export import read_export
from .links import old_blog_links
from .media import write_pictures
from .posts import import_post, post_targets
from .report import ImportReport


def articles_import_wordpress(
    *,
    path: Path,
    media_dir: Path | None = None,
    old_sites: Sequence[str] = (),
    dry_run: bool = False,
) -> ImportReport:
    """Create or update an article for each post in the WXR export at `path`.

    Idempotent: articles are matched by `wordpress_id`, then by slug (an article
    with that slug and no `wordpress_id` is adopted), so a second run updates
    what the first made and creates nothing (a body picture already stored for
    the article, byte for byte, is reused). Only posts become articles; pages,
    menu items, trashed posts and auto-drafts are counted as skipped (attachments
    are read for pictures, and not counted).

    Pictures keep their alt text and credit, and links to the old blog are
    rewritten or unlinked, as `media` and `links` say; `old_sites` names more
    addresses of the old blog than the export does.

    All or nothing: the import runs in one transaction, picture files are written
    only once every post has been saved, and written files are deleted again if
    anything fails. Raises WordPressImportError for a file that is not XML, not a
    WordPress export, or has a post without an id or title. Pictures are read
    from `media_dir` (default: the export's folder) and nothing else; a missing or
    unreadable picture is a warning, and the post is imported without it.
    With `dry_run`, everything is checked and counted and nothing is saved.
    """
    path = Path(path)
    media_dir = Path(media_dir) if media_dir is not None else path.parent
    export = read_export(path)
    report = ImportReport(skipped=export.skipped, dry_run=dry_run)
    written: list[tuple[Storage, str]] = []
    try:
        with transaction.atomic():
            targets = post_targets(export.posts)
            slugs = {wordpress_id: t.slug for wordpress_id, t in targets.items()}
            links = old_blog_links(export, slugs=slugs, old_sites=old_sites)
            pending = [
                import_post(
                    post=post,
                    target=targets[post.wordpress_id],
                    export=export,
                    links=links,
                    media_dir=media_dir,
                    report=report,
                )
                for post in export.posts
            ]
            if dry_run:
                transaction.set_rollback(True)
            else:
                for item in pending:
                    if item.hero is not None or item.new_pictures:
                        write_pictures(item, written=written)
    except BaseException:
        # The rows are rolled back; the files are not, so remove them by hand.
        for storage, name in written:
            storage.delete(name)
        raise
    return report
