"""`manage.py import_wordpress EXPORT.xml`: the old blog's posts become articles."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.wordpress import WordPressImportError, articles_import_wordpress


class Command(BaseCommand):
    help = (
        "Import posts from a WordPress export (WXR) as articles. Safe to run again:"
        " it updates what an earlier run made. All or nothing. Pictures keep their"
        " alt text and credit (figcaption, caption or the attachment's caption)."
        " Links to the old blog go to the new article when the post is in the"
        " import (by slug or ?p= id); any other link to the old blog keeps its"
        " text, loses the link, and is listed at the end for an editor to fix."
        " Links to other sites are kept."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("export", type=Path, help="The WXR file (.xml).")
        parser.add_argument(
            "--media-dir",
            type=Path,
            help="The folder holding the export's uploads/ folder, where pictures"
            " are read from (default: the export's folder). Nothing is downloaded.",
        )
        parser.add_argument(
            "--old-site",
            action="append",
            default=[],
            metavar="URL",
            help="Another address of the old blog (such as https://www.old-site"
            ".example/), whose links are rewritten too. The export's own <link>"
            " and base URLs are always used. May be given more than once.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the export and report the counts; save nothing.",
        )

    def handle(
        self,
        *args,
        export: Path,
        media_dir: Path | None,
        old_site: list[str],
        dry_run: bool,
        **options,
    ) -> None:
        try:
            report = articles_import_wordpress(
                path=export, media_dir=media_dir, old_sites=old_site, dry_run=dry_run
            )
        except WordPressImportError as error:
            raise CommandError(f"{error} Nothing was imported.") from error
        if report.dry_run:
            self.stdout.write("Dry run: nothing was saved.")
        self.stdout.write(
            f"Created {report.created}, updated {report.updated},"
            f" skipped {report.skipped}."
        )
        self.stdout.write(
            f"Pictures: {report.pictures} imported, {report.pictures_credited} with"
            " a credit."
        )
        unresolved = len(report.unresolved_links)
        self.stdout.write(
            f"Links to the old blog: {report.links_rewritten} rewritten,"
            f" {unresolved} left unresolved."
        )
        if unresolved:
            self.stdout.write(
                self.style.WARNING(
                    "Unresolved links have become plain text; link them again by hand:"
                )
            )
            for link in report.unresolved_links:
                self.stdout.write(f"  {link}")
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"Warning: {warning}"))
