"""backup_create and backup_restore: the whole installation into one archive and back."""

from __future__ import annotations

import io
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from ppid.backup.archive import (
    MANIFEST,
    MEDIA,
    SIGNING,
    STAGING_PREFIX,
    BackupError,
    Manifest,
    Progress,
    Staged,
    add_file,
    archive_unpack,
    file_sha256,
    files_under,
    is_secret,
)
from ppid.backup.database import (
    applied_migrations,
    database_empty,
    dump_database,
    restore_database,
)


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
    if not output.parent.is_dir():
        raise BackupError(f"{output.parent} is not a folder.")
    media_root = Path(settings.MEDIA_ROOT)
    signing_dir = Path(settings.PPID_SIGNING_DIR)
    manifest = Manifest(
        created_at=timezone.now().isoformat(),
        database={},
        migrations=applied_migrations(alias),
        signing_keys=include_signing_keys,
    )
    fd, partial = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".part")
    os.close(fd)  # mkstemp made it 0600; the archive holds password hashes and tokens
    try:
        with tempfile.TemporaryDirectory() as work, tarfile.open(partial, "w:gz") as tar:
            dump = Path(work) / "database"
            progress(f"Dumping the database ({connections[alias].vendor})…")
            manifest.database = dump_database(dump, db_format, alias)
            add_file(tar, manifest, dump, manifest.database["file"])
            progress(f"  {manifest.database['file']}: {dump.stat().st_size:,} bytes")

            count = 0
            for path, name in files_under(media_root, skip=signing_dir):
                add_file(tar, manifest, path, f"{MEDIA}/{name}")
                count += 1
            progress(f"Media: {count} files from {media_root}")

            kept = skipped = 0
            for path, name in files_under(signing_dir):
                if is_secret(path) and not include_signing_keys:
                    skipped += 1
                    continue
                add_file(tar, manifest, path, f"{SIGNING}/{name}")
                kept += 1
            progress(
                f"Signing directory: {kept} files"
                + (f", {skipped} private keys left out (--with-signing-keys)" if skipped else "")
            )

            info = tarfile.TarInfo(MANIFEST)
            raw = manifest.to_json()
            info.size, info.mtime, info.mode = len(raw), int(timezone.now().timestamp()), 0o600
            tar.addfile(info, io.BytesIO(raw))
        os.replace(partial, output)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return manifest


def _storage_empty(root: Path) -> bool:
    return next(files_under(root), None) is None


def _signing_conflicts(staged: Path, target: Path) -> list[str]:
    """Files the archive would change in the signing directory (identical ones are fine)."""
    return [
        name
        for path, name in files_under(staged)
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
    if not database_empty(alias):
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
    for path, name in list(files_under(staged)):
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
    if not force and not database_empty(alias):
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
        restore_database(staged, force=force, alias=alias)
        moved = _move_into(staged.media, media_root, replace=force)
        progress(f"Media: {moved} files into {media_root}")
        if staged.signing.is_dir():
            with _staging_in(signing_dir) as signing_staging:
                # Copied next to the keys first, so that the last step is a rename there too.
                copied = shutil.copytree(staged.signing, signing_staging / SIGNING)
                for path, _name in files_under(copied):
                    path.chmod(0o600)
                moved = _move_into(copied, signing_dir, replace=False)
            progress(f"Signing directory: {moved} files into {signing_dir}")
    return manifest
