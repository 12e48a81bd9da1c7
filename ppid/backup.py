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

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

import django
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "ppid-backup"
VERSION = 1
MANIFEST = "manifest.json"
MEDIA, SIGNING = "media", "signing"
DATABASE_FILES = {
    "pg_dump": "database.pgdump",
    "sqlite": "database.sqlite3",
    "json": "database.json",
}
SECRET_SUFFIXES = {".p12", ".pfx", ".key"}
CHUNK = 1024 * 1024
STAGING_PREFIX = ".restore-"  # restore's staging folders, never part of a backup

Progress = Callable[[str], None]


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why (shown to the operator)."""


@dataclass
class Manifest:
    created_at: str
    database: dict[str, Any]
    migrations: list[str]
    signing_keys: bool
    files: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_json(self) -> bytes:
        data = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": self.created_at,
            "django": django.get_version(),
            "database": self.database,
            "migrations": self.migrations,
            "signing_keys": self.signing_keys,
            "files": [{"path": p, **meta} for p, meta in sorted(self.files.items())],
        }
        return json.dumps(data, indent=2, ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            data = json.loads(raw)
            if data.get("format") != FORMAT:
                raise BackupError("Not a PPID Dokumentasi backup (manifest format).")
            if data.get("version") != VERSION:
                raise BackupError(f"Unsupported backup version {data.get('version')!r}.")
            return cls(
                created_at=data["created_at"],
                database=data["database"],
                migrations=list(data["migrations"]),
                signing_keys=bool(data["signing_keys"]),
                files={
                    f["path"]: {"size": int(f["size"]), "sha256": str(f["sha256"])}
                    for f in data["files"]
                },
            )
        except (ValueError, KeyError, TypeError) as error:
            raise BackupError(f"The manifest is damaged: {error}") from error


# --- helpers ---------------------------------------------------------------------------------


def _sha256_copy(source: IO[bytes], target: IO[bytes] | None = None) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if target is not None:
            target.write(chunk)
    return digest.hexdigest(), size


class _HashingReader:
    """A file object that hashes what tarfile reads from it."""

    def __init__(self, handle: IO[bytes]):
        self.handle, self.digest = handle, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        self.digest.update(chunk)
        return chunk


def _files_under(root: Path, *, skip: Path | None = None) -> Iterator[tuple[Path, str]]:
    """(path, relative POSIX name) of every regular file under root, sorted; symlinks skipped."""
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not d.startswith(STAGING_PREFIX) and (skip is None or here / d != skip)
        )
        for name in sorted(filenames):
            path = here / name
            if path.is_file() and not path.is_symlink():
                yield path, path.relative_to(root).as_posix()


def is_secret(path: Path) -> bool:
    """A private key: a PKCS#12 file or a PEM file holding a private key."""
    if path.suffix.lower() in SECRET_SUFFIXES:
        return True
    with path.open("rb") as handle:
        return b"PRIVATE KEY" in handle.read()


def _database_env(db: dict[str, Any]) -> dict[str, str]:
    """libpq environment for pg_dump/pg_restore (keeps the password off the command line)."""
    env = {**os.environ}
    mapping = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD"}
    for key, var in mapping.items():
        if db.get(key):
            env[var] = str(db[key])
    for option, var in {
        "sslmode": "PGSSLMODE",
        "sslrootcert": "PGSSLROOTCERT",
        "sslcert": "PGSSLCERT",
        "sslkey": "PGSSLKEY",
        "passfile": "PGPASSFILE",
        "service": "PGSERVICE",
    }.items():
        if db.get("OPTIONS", {}).get(option):
            env[var] = str(db["OPTIONS"][option])
    return env


def _client(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found: install the PostgreSQL client tools of the server's major "
            "version (Debian: postgresql-client), or use --format json."
        )
    return path


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-2000:]}")


def _applied_migrations(alias: str) -> list[str]:
    recorder = MigrationRecorder(connections[alias])
    if not recorder.has_table():
        return []
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


# --- backup ----------------------------------------------------------------------------------


class _FullPrecisionEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts times to milliseconds; a backup keeps every microsecond."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def _dump_json(target: Path, alias: str) -> None:
    """What `dumpdata --natural-foreign` writes (rows by their primary keys, in dependency
    order), without the content types and permissions that `migrate` creates again, and with
    full-precision times."""
    excluded = {"contenttypes", "auth.permission"}
    configs = [
        config
        for config in apps.get_app_configs()
        if config.models_module is not None and config.label not in excluded
    ]
    models = serializers.sort_dependencies([(c, None) for c in configs], allow_cycles=True)

    def rows() -> Iterator[Any]:
        for model in models:
            meta = model._meta
            if meta.proxy or not meta.managed or meta.label_lower in excluded:
                continue
            yield from model._base_manager.using(alias).order_by(meta.pk.name).iterator()

    with target.open("w", encoding="utf-8") as stream:
        serializers.serialize(
            "json",
            rows(),
            stream=stream,
            use_natural_foreign_keys=True,
            cls=_FullPrecisionEncoder,
        )


def _dump_database(target: Path, db_format: str, alias: str) -> dict[str, Any]:
    connection = connections[alias]
    vendor = connection.vendor
    if db_format == "json":
        _dump_json(target, alias)
    elif vendor == "postgresql":
        db = connection.settings_dict
        _run(
            [
                _client("pg_dump"),
                "--format=custom",
                "--no-password",
                f"--file={target}",
                f"--dbname={db['NAME']}",
            ],
            _database_env(db),
        )
        db_format = "pg_dump"
    elif vendor == "sqlite":
        source = sqlite3.connect(connection.settings_dict["NAME"])
        dest = sqlite3.connect(target)
        try:
            with dest:
                source.backup(dest)
        finally:
            dest.close()
            source.close()
        db_format = "sqlite"
    else:
        raise BackupError(f"No native dump for {vendor}; use --format json.")
    return {"vendor": vendor, "format": db_format, "file": DATABASE_FILES[db_format]}


def backup_create(
    *,
    output: Path,
    include_signing_keys: bool = False,
    db_format: str = "native",
    alias: str = DEFAULT_DB_ALIAS,
    progress: Progress = lambda message: None,
) -> Manifest:
    """Write the archive to `output` (created atomically, readable by its owner only)."""
    output = Path(output)
    if output.exists():
        raise BackupError(f"{output} exists already; choose another name.")
    media_root = Path(settings.MEDIA_ROOT)
    signing_dir = Path(settings.PPID_SIGNING_DIR)
    manifest = Manifest(
        created_at=timezone.now().isoformat(),
        database={},
        migrations=_applied_migrations(alias),
        signing_keys=include_signing_keys,
    )
    fd, partial = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".part")
    os.close(fd)  # mkstemp made it 0600; the archive holds password hashes and tokens
    try:
        with tempfile.TemporaryDirectory() as work, tarfile.open(partial, "w:gz") as tar:
            dump = Path(work) / "database"
            progress(f"Dumping the database ({connections[alias].vendor})…")
            manifest.database = _dump_database(dump, db_format, alias)
            _add(tar, manifest, dump, manifest.database["file"])
            progress(f"  {manifest.database['file']}: {dump.stat().st_size:,} bytes")

            count = 0
            for path, name in _files_under(media_root, skip=signing_dir):
                _add(tar, manifest, path, f"{MEDIA}/{name}")
                count += 1
            progress(f"Media: {count} files from {media_root}")

            kept = skipped = 0
            for path, name in _files_under(signing_dir):
                if is_secret(path) and not include_signing_keys:
                    skipped += 1
                    continue
                _add(tar, manifest, path, f"{SIGNING}/{name}")
                kept += 1
            progress(
                f"Signing directory: {kept} files"
                + (f", {skipped} private keys left out (--with-signing-keys)" if skipped else "")
            )

            info = tarfile.TarInfo(MANIFEST)
            raw = manifest.to_json()
            info.size, info.mtime, info.mode = len(raw), int(timezone.now().timestamp()), 0o600
            tar.addfile(info, _BytesReader(raw))
        os.replace(partial, output)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return manifest


class _BytesReader:
    def __init__(self, data: bytes):
        self.data, self.offset = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.offset + size
        chunk, self.offset = self.data[self.offset : end], min(end, len(self.data))
        return chunk


def _add(tar: tarfile.TarFile, manifest: Manifest, path: Path, name: str) -> None:
    """Add one file, hashing exactly the bytes written to the archive."""
    with path.open("rb") as handle:
        info = tar.gettarinfo(fileobj=handle, arcname=name)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        reader = _HashingReader(handle)
        tar.addfile(info, reader)
    manifest.files[name] = {"size": info.size, "sha256": reader.digest.hexdigest()}


def file_sha256(path: Path) -> str:
    with Path(path).open("rb") as handle:
        return _sha256_copy(handle)[0]


# --- restore ---------------------------------------------------------------------------------


def _safe_member_name(name: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or any(part in ("", ".", "..") for part in path.parts):
        raise BackupError(f"Unsafe path in the archive: {name!r}.")
    top = path.parts[0]
    if name != MANIFEST and name not in DATABASE_FILES.values() and top not in (MEDIA, SIGNING):
        raise BackupError(f"Unexpected file in the archive: {name!r}.")
    if top in (MEDIA, SIGNING) and len(path.parts) < 2:
        raise BackupError(f"Unexpected file in the archive: {name!r}.")
    return name


@dataclass
class Staged:
    """The archive unpacked and checked: the manifest, the database dump, staged files."""

    manifest: Manifest
    database: Path
    media: Path
    signing: Path


def archive_unpack(archive: Path, staging: Path, progress: Progress) -> Staged:
    """Unpack into `staging` (one pass over the archive), then check every file against the
    manifest: no file missing, none extra, every size and SHA-256 equal."""
    seen: dict[str, dict[str, Any]] = {}
    manifest_raw = None
    try:
        with tarfile.open(archive, "r|gz") as tar:
            for member in tar:
                if member.isdir():
                    continue
                name = _safe_member_name(member.name)
                if not member.isreg():
                    raise BackupError(f"Not a regular file in the archive: {name!r}.")
                if name in seen or (name == MANIFEST and manifest_raw is not None):
                    raise BackupError(f"Duplicate file in the archive: {name!r}.")
                source = tar.extractfile(member)
                if name == MANIFEST:
                    manifest_raw = source.read()
                    continue
                target = staging / name
                target.parent.mkdir(parents=True, exist_ok=True)
                with target.open("xb") as out:
                    digest, size = _sha256_copy(source, out)
                seen[name] = {"size": size, "sha256": digest}
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"The archive cannot be read: {error}") from error
    if manifest_raw is None:
        raise BackupError("The archive has no manifest.json.")
    manifest = Manifest.from_json(manifest_raw)
    missing = sorted(set(manifest.files) - set(seen))
    extra = sorted(set(seen) - set(manifest.files))
    changed = sorted(n for n in manifest.files.keys() & seen.keys() if manifest.files[n] != seen[n])
    if missing or extra or changed:
        problems = [
            *(f"missing: {n}" for n in missing[:20]),
            *(f"not in the manifest: {n}" for n in extra[:20]),
            *(f"checksum or size differs: {n}" for n in changed[:20]),
        ]
        raise BackupError("The archive does not match its manifest:\n  " + "\n  ".join(problems))
    database = staging / manifest.database.get("file", "")
    if manifest.database.get("file") not in DATABASE_FILES.values() or not database.is_file():
        raise BackupError("The archive holds no database dump.")
    progress(f"Verified {len(seen)} files against the manifest (SHA-256).")
    return Staged(manifest, database, staging / MEDIA, staging / SIGNING)


def _database_empty(alias: str) -> bool:
    return not connections[alias].introspection.table_names()


def _storage_empty(root: Path) -> bool:
    return next(_files_under(root), None) is None


def _signing_conflicts(staged: Path, target: Path) -> list[str]:
    """Files the archive would change in the signing directory (identical ones are fine)."""
    return [
        name
        for path, name in _files_under(staged)
        if (target / name).exists() and file_sha256(target / name) != file_sha256(path)
    ]


def restore_checks(*, staged: Staged, force: bool, alias: str) -> None:
    """Refuse, before anything is changed, what the restore cannot or may not do."""
    vendor = connections[alias].vendor
    fmt = staged.manifest.database["format"]
    if fmt != "json" and staged.manifest.database["vendor"] != vendor:
        raise BackupError(
            f"The backup holds a {staged.manifest.database['vendor']} dump and this "
            f"installation uses {vendor}; make a backup with --format json to move between "
            "database engines."
        )
    if force:
        return
    problems = []
    if not _database_empty(alias):
        problems.append(f"the database {connections[alias].settings_dict['NAME']} has tables")
    if not _storage_empty(Path(settings.MEDIA_ROOT)):
        problems.append(f"MEDIA_ROOT {settings.MEDIA_ROOT} holds files")
    conflicts = _signing_conflicts(staged.signing, Path(settings.PPID_SIGNING_DIR))
    if conflicts:
        problems.append(
            f"PPID_SIGNING_DIR holds different files of the same name: {', '.join(conflicts)}"
        )
    if problems:
        raise BackupError(
            "Restore needs an empty database and storage: "
            + "; ".join(problems)
            + ". Use --force to replace them."
        )


def _restore_database(staged: Staged, *, force: bool, alias: str) -> None:
    connection = connections[alias]
    fmt = staged.manifest.database["format"]
    if fmt == "pg_dump":
        db = connection.settings_dict
        connection.close()
        command = [
            _client("pg_restore"),
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-acl",
            "--no-password",
            f"--dbname={db['NAME']}",
        ]
        if force:
            command += ["--clean", "--if-exists"]
        _run([*command, str(staged.database)], _database_env(db))
    elif fmt == "sqlite":
        target = Path(connection.settings_dict["NAME"])
        connection.close()
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
        shutil.copyfile(staged.database, partial)
        os.replace(partial, target)  # atomic on one file system
    else:  # json: the schema from the migrations, then the rows in one transaction
        if force:
            call_command("flush", database=alias, interactive=False, verbosity=0)
        call_command("migrate", database=alias, interactive=False, verbosity=0)
        call_command("loaddata", str(staged.database), database=alias, verbosity=0)


def _move_into(staged: Path, target: Path, *, replace: bool) -> int:
    """Move the staged tree's files into target by renames (same file system). With replace,
    what target held before is removed first."""
    target.mkdir(parents=True, exist_ok=True)
    if replace:
        for child in target.iterdir():
            if child.name.startswith(STAGING_PREFIX):
                continue
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    moved = 0
    for path, name in list(_files_under(staged)):
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, destination)
        moved += 1
    return moved


@contextmanager
def _staging_in(directory: Path) -> Iterator[Path]:
    """A staging folder inside `directory`, so the final moves are renames (a Docker volume's
    mount point cannot itself be renamed, but entries inside it can)."""
    directory.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=directory, prefix=STAGING_PREFIX))
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def backup_restore(
    *,
    archive: Path,
    force: bool = False,
    alias: str = DEFAULT_DB_ALIAS,
    progress: Progress = lambda message: None,
) -> Manifest:
    """Restore the archive into this installation's database, MEDIA_ROOT and signing dir."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"{archive} does not exist.")
    media_root = Path(settings.MEDIA_ROOT)
    signing_dir = Path(settings.PPID_SIGNING_DIR)
    if not force and not _database_empty(alias):
        # Fail before reading a large archive; checked again (with the files) below.
        raise BackupError(
            f"Restore needs an empty database: {connections[alias].settings_dict['NAME']} has "
            "tables. Use --force to replace them."
        )
    with _staging_in(media_root) as staging:
        progress(f"Reading and verifying {archive}…")
        staged = archive_unpack(archive, staging, progress)
        restore_checks(staged=staged, force=force, alias=alias)
        manifest = staged.manifest
        progress(
            f"Backup of {manifest.created_at}: {manifest.database['vendor']} "
            f"({manifest.database['format']}), {len(manifest.files)} files."
        )
        progress("Restoring the database…")
        _restore_database(staged, force=force, alias=alias)
        moved = _move_into(staged.media, media_root, replace=force)
        progress(f"Media: {moved} files into {media_root}")
        if staged.signing.is_dir():
            with _staging_in(signing_dir) as signing_staging:
                # Copied next to the keys first, so that the last step is a rename there too.
                copied = shutil.copytree(staged.signing, signing_staging / SIGNING)
                for path, _name in _files_under(copied):
                    path.chmod(0o600)
                moved = _move_into(copied, signing_dir, replace=False)
            progress(f"Signing directory: {moved} files into {signing_dir}")
    return manifest


def migrations_pending(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Migrations of this code that the restored database has not applied."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, _backwards in plan]
