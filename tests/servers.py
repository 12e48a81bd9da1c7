"""Processes the tests start and break on purpose: PRIVATE Redis and PostgreSQL servers on free
ports (never the machine's shared 5432/6379), Celery workers and beat, gunicorn.

Every class stops what it started in `stop()`, and the fixtures call it in their finalizers, so
a failing test leaves nothing running.
"""

from __future__ import annotations

import http.client as http_client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import REQUIRE_SERVICES

ROOT = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent
PG_BIN = Path(os.environ.get("PPID_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))


def require_program(path: str | Path) -> str:
    """The program's path; without it the test is skipped (failed under CI)."""
    found = shutil.which(str(path))
    if found is None:
        message = f"needs {path}"
        if REQUIRE_SERVICES:
            pytest.fail(f"{message}, and CI requires every service", pytrace=False)
        pytest.skip(message)
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_for(
    predicate: Callable[[], bool],
    what: str,
    *,
    timeout: float = 45.0,
    alive: Sequence[Process] = (),
) -> None:
    """Poll until predicate() is true; fail with the logs of `alive` processes when one of them
    died or the time is up."""
    deadline = time.monotonic() + timeout
    while not predicate():
        for process in alive:
            assert process.running(), f"{process.name} died:\n{process.tail()}"
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {p.name}:\n{p.tail()}" for p in alive)
            pytest.fail(f"timed out waiting for {what}\n{logs}")
        time.sleep(0.2)


class Process:
    """A child process in its own session (so a signal reaches its children), logging to a
    file."""

    def __init__(self, name: str, argv: list[str], *, env: dict, log: Path, cwd: Path = ROOT):
        self.name, self.log = name, log
        with log.open("ab") as out:
            self.popen = subprocess.Popen(
                argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def running(self) -> bool:
        return self.popen.poll() is None

    def tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""

    def kill(self) -> None:
        """SIGKILL to the whole process group: no clean-up, no acknowledgement."""
        if self.running():
            os.killpg(self.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self, timeout: float = 15) -> None:
        if not self.running():
            return
        os.killpg(self.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()


# --- Redis ----------------------------------------------------------------------------------


class RedisServer:
    """A private redis-server without persistence; stop() and start() keep its port."""

    def __init__(self, directory: Path):
        self.program = require_program("redis-server")
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: Process | None = None

    def start(self) -> RedisServer:
        argv = [
            self.program,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(self.directory),
        ]
        self.process = Process("redis", argv, env=dict(os.environ), log=self.directory / "log")
        wait_for(lambda: port_open(self.port), "Redis to listen", timeout=15, alive=[self.process])
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
        wait_for(lambda: not port_open(self.port), "Redis to stop", timeout=10)


# --- PostgreSQL -----------------------------------------------------------------------------


class PostgresCluster:
    """A private PostgreSQL cluster (initdb in a temporary folder, trust authentication on
    127.0.0.1 and a free port). As root, its programs run as the `postgres` user."""

    def __init__(self):
        self.initdb = require_program(PG_BIN / "initdb")
        self.pg_ctl = require_program(PG_BIN / "pg_ctl")
        # Not under pytest's tmp_path: the postgres user must be able to reach it.
        self.directory = Path(tempfile.mkdtemp(prefix="ppid-test-pg-"))
        self.data = self.directory / "data"
        self.port = free_port()
        self.as_owner: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]
        self._run(
            self.initdb, "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "-N"
        )

    def _run(self, *argv: str) -> str:
        result = subprocess.run(
            [*self.as_owner, *argv], capture_output=True, text=True, timeout=60, check=False
        )
        assert result.returncode == 0, f"{argv[0]} failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory} "
            "-c fsync=off -c full_page_writes=off"
        )
        log = str(self.directory / "server.log")
        self._run(self.pg_ctl, "-D", str(self.data), "-l", log, "-o", options, "-w", "start")

    def stop(self) -> None:
        self._run(self.pg_ctl, "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                [*self.as_owner, self.pg_ctl, "-D", str(self.data), "-m", "immediate", "stop"],
                capture_output=True,
                timeout=30,
                check=False,
            )
        shutil.rmtree(self.directory, ignore_errors=True)


# --- the project's processes ----------------------------------------------------------------


def database_url_of_tests() -> str:
    """The pytest database, for processes that must see what the test wrote."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db.get('USER') or 'postgres'}{password}@{db.get('HOST') or '127.0.0.1'}"
        f":{db.get('PORT') or 5432}/{db['NAME']}"
    )


def project_env(var: Path, **extra: str) -> dict[str, str]:
    """The environment of a project process: the pytest database, this test's media and the
    run's signing keys, no Redis cache; `extra` overrides."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "PYTEST_"))}
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "ppid.settings",
        "DATABASE_URL": database_url_of_tests(),
        "DATABASE_CONN_MAX_AGE": "0",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "REDIS_URL": "",
        "PPID_VAR_DIR": str(var),
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_STATIC_ROOT": str(settings.STATIC_ROOT),  # the session's collectstatic
        "PPID_SIGNING_DIR": str(settings.PPID_SIGNING_DIR),
        **extra,
    }


def celery_worker(
    name: str,
    env: dict[str, str],
    log: Path,
    *,
    queue: str | None = None,
    pool: str = "solo",
    module: str | None = None,
) -> Process:
    """A real `celery worker` on env's CELERY_BROKER_URL; `module` runs it through a wrapper
    (`python -m module ...` instead of the celery program)."""
    program = [sys.executable, "-m", module] if module else [str(BIN / "celery")]
    argv = [
        *program,
        "-A",
        "ppid",
        "worker",
        f"--pool={pool}",
        "--concurrency=1",
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-n",
        f"{name}@%h",
    ]
    if queue:
        argv += ["-Q", queue]
    return Process(name, argv, env=env, log=log)


def worker_ready(worker: Process) -> bool:
    return " ready." in worker.tail(20_000)


def celery_beat(env: dict[str, str], var: Path) -> Process:
    argv = [
        str(BIN / "celery"),
        "-A",
        "ppid",
        "beat",
        "--loglevel=INFO",
        "--schedule",
        str(var / "celerybeat-schedule"),
    ]
    return Process("beat", argv, env=env, log=var / "beat.log")


def gunicorn(
    env: dict[str, str], log: Path, *, app: str = "ppid.wsgi:application"
) -> tuple[Process, int]:
    """The production web server (one worker, one thread: one persistent database connection),
    on a free port; returns it and the port (wait for it to listen)."""
    port = free_port()
    argv = [
        str(BIN / "gunicorn"),
        app,
        # The production settings file (gc.freeze() once a worker has started, as the image).
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--threads",
        "1",
        "--timeout",
        "60",
    ]
    process = Process("gunicorn", argv, env=env, log=log)
    return process, port


def http(port: int, method: str, path: str, *, body: bytes | None = None, headers=None):
    """(status, headers, text) of one request to 127.0.0.1:port."""
    connection = http_client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Host": "127.0.0.1", **(headers or {})}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        connection.close()
