"""manage.py backup: the database, the media files and the public certificates (the private
signing keys on request) in one tar.gz archive with a SHA-256 manifest. See ppid/backup/."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ppid.backup import BackupError, backup_create, file_sha256


class Command(BaseCommand):
    help = "Back up the database, MEDIA_ROOT and the signing certificates into one archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "output",
            nargs="?",
            help="archive (or folder) to write; default: ppid-backup-<date>-<time>.tar.gz here",
        )
        parser.add_argument(
            "--format",
            choices=["native", "json"],
            default="native",
            help="native: pg_dump custom format (PostgreSQL) or the SQLite file; json: "
            "Django's dumpdata, to move between database engines",
        )
        parser.add_argument(
            "--with-signing-keys",
            action="store_true",
            help="also store the private signing keys of PPID_SIGNING_DIR (.p12, PEM keys); "
            "they stay encrypted with PPID_SIGNING_PASSPHRASE, which is never stored",
        )

    def handle(self, *args, output, format, with_signing_keys, **options):
        name = f"ppid-backup-{timezone.localtime().strftime('%Y%m%d-%H%M%S')}.tar.gz"
        path = Path(output or name).resolve()
        if path.is_dir():
            path = path / name
        try:
            manifest = backup_create(
                output=path,
                include_signing_keys=with_signing_keys,
                db_format=format,
                progress=self.stdout.write,
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {path} ({path.stat().st_size:,} bytes, {len(manifest.files)} files), "
                f"sha256 {file_sha256(path)}"
            )
        )
        if not with_signing_keys:
            self.stdout.write(
                "Private signing keys are not in this archive: keep them (and the passphrase) "
                "in a separate safe place, or use --with-signing-keys."
            )
