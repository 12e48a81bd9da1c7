"""The database part of a backup: dump and load with the engine's own tools (pg_dump /
pg_restore, SQLite's backup API), or Django's serializer for the portable JSON format."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from ppid.backup.archive import DATABASE_FILES, BackupError, Staged


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


def applied_migrations(alias: str) -> list[str]:
    recorder = MigrationRecorder(connections[alias])
    if not recorder.has_table():
        return []
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


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


def dump_database(target: Path, db_format: str, alias: str) -> dict[str, Any]:
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


def database_empty(alias: str) -> bool:
    connection = connections[alias]
    try:
        return not connection.introspection.table_names()
    except DatabaseError as error:  # not created yet, wrong credentials, server down
        raise BackupError(
            f"The database {connection.settings_dict['NAME']} cannot be reached: {error}".strip()
        ) from error


def restore_database(staged: Staged, *, force: bool, alias: str) -> None:
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


def migrations_pending(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Migrations of this code that the restored database has not applied."""
    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, _backwards in plan]
