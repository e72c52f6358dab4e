from django.core.management.base import BaseCommand, CommandError

from enquiries.encryption import ModelReport, encryption_report


class Command(BaseCommand):
    help = (
        "Report, per model, encrypted values that no key in FIELD_ENCRYPTION_KEY"
        " opens, plaintext sitting in encrypted columns, and values still under an"
        " older key. Names the model, pk and field of each problem, never a value."
        " Fails on the first two; with --require-newest also on the third."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--require-newest",
            action="store_true",
            help="Also fail while any value is still under an older key: run this"
            " before removing one.",
        )

    def handle(self, *args, require_newest: bool, **options) -> None:
        report = encryption_report()
        for model in report.models:
            self._write_model(model)

        problems = []
        if report.undecryptable:
            problems.append(
                f"{_values(report.undecryptable)} cannot be decrypted with any key"
                " in FIELD_ENCRYPTION_KEY (add the missing key)"
            )
        if report.plaintext:
            problems.append(
                f"{_values(report.plaintext)} in encrypted columns not encrypted at"
                " all (reencrypt_enquiries encrypts them)"
            )
        if require_newest and report.older_key:
            problems.append(
                f"{_values(report.older_key)} still under an older key (run"
                " reencrypt_enquiries before removing it)"
            )
        if problems:
            # A non-zero exit, so a deploy script or an operator cannot miss it.
            raise CommandError("; ".join(problems) + ".")

        counted = f"{report.values} encrypted values in {len(report.models)} models"
        if report.older_key:
            self.stdout.write(
                f"All {counted} decrypt; {_values(report.older_key)} still under an"
                " older key: keep it until reencrypt_enquiries has run."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(f"All {counted} decrypt with the newest key.")
            )

    def _write_model(self, model: ModelReport) -> None:
        self.stdout.write(
            f"{model.model}: rows {model.rows}, values {model.values}, under an"
            f" older key {model.older_key}, undecryptable {model.undecryptable}"
            f" (rows {model.undecryptable_rows}), plaintext {model.plaintext}."
        )
        for kind, count, locations in (
            ("cannot be decrypted", model.undecryptable, model.undecryptable_at),
            ("is plaintext", model.plaintext, model.plaintext_at),
        ):
            for location in locations:
                self.stdout.write(f"  {location} {kind}")
            if count > len(locations):
                self.stdout.write(f"  ... and {count - len(locations)} more")


def _values(count: int) -> str:
    return f"{count} value" if count == 1 else f"{count} values"
