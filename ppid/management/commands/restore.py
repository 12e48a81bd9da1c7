"""manage.py restore: load an archive written by `manage.py backup` into an empty database and
storage, after checking every file against the manifest. See ppid/backup/."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ppid.backup import BackupError, backup_restore, migrations_pending
from ppid.pagecache import invalidate_public_pages


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database, MEDIA_ROOT and signing directory."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="archive written by manage.py backup")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database and media that are not empty (and signing files that "
            "differ); the database part stays one transaction for PostgreSQL and SQLite dumps",
        )

    def handle(self, *args, archive, force, **options):
        try:
            manifest = backup_restore(
                archive=Path(archive), force=force, progress=self.stdout.write
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        try:
            invalidate_public_pages()  # a shared cache may still hold the old public pages
        except Exception as error:  # the cache is down: nothing of the restore depends on it
            self.stderr.write(f"Could not clear the public page cache: {error}")
        self.stdout.write(self.style.SUCCESS(f"Restored the backup of {manifest.created_at}."))
        pending = migrations_pending()
        if pending:
            self.stdout.write(
                f"This code has {len(pending)} migrations the backup lacks "
                f"({', '.join(pending[:5])}{'…' if len(pending) > 5 else ''}): "
                "run manage.py migrate."
            )
        if not manifest.signing_keys:
            self.stdout.write(
                "The archive holds no private signing keys: put each body's .p12 file into "
                "PPID_SIGNING_DIR before new editions are signed."
            )
