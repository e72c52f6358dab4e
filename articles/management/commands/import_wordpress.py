"""`manage.py import_wordpress EXPORT.xml`: the old blog's posts become articles."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.wordpress import WordPressImportError, articles_import_wordpress


class Command(BaseCommand):
    help = (
        "Import posts from a WordPress export (WXR) as articles. Safe to run again:"
        " it updates what an earlier run made. All or nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("export", type=Path, help="The WXR file (.xml).")
        parser.add_argument(
            "--media-dir",
            type=Path,
            help="The folder holding the export's uploads/ folder, where featured"
            " images are read from (default: the export's folder). Nothing is"
            " downloaded.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the export and report the counts; save nothing.",
        )

    def handle(
        self, *args, export: Path, media_dir: Path | None, dry_run: bool, **options
    ) -> None:
        try:
            report = articles_import_wordpress(
                path=export, media_dir=media_dir, dry_run=dry_run
            )
        except WordPressImportError as error:
            raise CommandError(f"{error} Nothing was imported.") from error
        if report.dry_run:
            self.stdout.write("Dry run: nothing was saved.")
        self.stdout.write(
            f"Created {report.created}, updated {report.updated},"
            f" skipped {report.skipped}."
        )
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"Warning: {warning}"))
