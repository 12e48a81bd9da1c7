"""The archive format: members, manifest, checksums; writing a member and unpacking and
checking a whole archive."""

from __future__ import annotations

import hashlib
import json
import os
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

import django

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


def sha256_copy(source: IO[bytes], target: IO[bytes] | None = None) -> tuple[str, int]:
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


def files_under(root: Path, *, skip: Path | None = None) -> Iterator[tuple[Path, str]]:
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


def add_file(tar: tarfile.TarFile, manifest: Manifest, path: Path, name: str) -> None:
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
        return sha256_copy(handle)[0]


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
                    digest, size = sha256_copy(source, out)
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
