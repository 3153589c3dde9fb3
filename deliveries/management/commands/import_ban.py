"""`manage.py import_ban adresses-62.csv.gz`: load the BAN's open CSV of a département into the offline geocoder's
table (deliveries.geocoding.ban_import). Idempotent; bad lines are reported, not fatal."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from deliveries.geocoding import SAMPLE_CSV, ban_import


class Command(BaseCommand):
    help = "Import the Base Adresse Nationale's CSV of a département (.csv or .csv.gz) for the offline geocoder."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", default=str(SAMPLE_CSV), help="adresses-XX.csv(.gz); default: the repository's extract"
        )

    def handle(self, *args, path: str, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"Fichier introuvable : {file}")
        try:
            report = ban_import(file)
        except (ValueError, UnicodeDecodeError, OSError) as error:
            raise CommandError(f"{file} : {error}") from error
        for line, reason in report.rejected:
            self.stderr.write(f"ligne {line} ignorée : {reason}")
        skipped = report.read - report.saved
        self.stdout.write(f"import_ban: {report.saved} adresses enregistrées, {skipped} lignes ignorées ({file.name})")
