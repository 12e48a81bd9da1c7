"""Backup and restore of a whole installation in one archive (`manage.py backup` / `restore`).

The archive is a tar.gz holding:

- the database: `database.pgdump` (PostgreSQL, `pg_dump --format=custom`: schema, data,
  sequences and constraints exactly as they are, from one consistent snapshot),
  `database.sqlite3` (SQLite, the online backup API) or, with `--format json`,
  `database.json` (Django's `dumpdata`, the portable way between engines, e.g. the SQLite demo
  into PostgreSQL);
- `media/…`: every file under MEDIA_ROOT (attachments, thumbnails, signed PDFs, logos);
- `signing/…`: the public certificates in PPID_SIGNING_DIR (the demo CA, which verification
  trusts), and the private keys (`*.p12`, PEM private keys) only when asked for;
- `manifest.json`, last: format and version, creation time, the database engine and format,
  the migrations applied, and every other member with its size and SHA-256.

The database is dumped before the files are read, so every file a row refers to is in the
archive (files are only ever added under new names while the system runs).

Restore reads and checks the whole archive into a staging area first (names, sizes, SHA-256
against the manifest) and refuses a database or storage that is not empty before anything is
touched; then the database is loaded in one transaction, and the staged files are moved into
place by renames on the same file system.
"""

from ppid.backup.archive import BackupError, Manifest, file_sha256
from ppid.backup.database import migrations_pending
from ppid.backup.services import backup_create, backup_restore

__all__ = [
    "BackupError",
    "Manifest",
    "backup_create",
    "backup_restore",
    "file_sha256",
    "migrations_pending",
]
