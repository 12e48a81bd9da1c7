#!/usr/bin/env python
"""Latency under load: public visitors and officers at work at the same time, against gunicorn.

Creates a throw-away PostgreSQL database, loads the demo through `seed_demo` (last year's
editions signed and published through the real services) and, on Disdukcapil Kalbar (SOP 002:
collection → verification → publication), one edition per pair of officers (an operator and a
PPID, made with the real services). Serves the app with gunicorn (4 gthread workers x 2 threads
by default, DEBUG off, Redis as cache and broker, no Celery worker: the loop never signs, so
nothing is queued), warms it up (every public page and task list on every worker, a few
transitions per pair, untimed), then runs a closed-loop client on loopback for `--seconds`:

- visitors (50), cookie-free: the home page, a body's public page, its published edition and
  one of its rows, over and over;
- officers (10 = 5 pairs), each signed in through /masuk/ (CSRF and a session cookie): read the
  task list /tugas/ and, when their pair's edition is on it, move it on through the JSON API
  with their token: the operator `submit`s (collection → verification), the PPID `return`s it
  with a note (verification → collection), forever. Each transition is one timed request.

There is no think time by default (`--think`): every visitor and officer has a request in
flight at all times, far more than the same number of people would send. The client runs in
separate processes (`--client-processes` for the visitors, one for the officers) so that its
own GIL does not add to the latencies; it shares the machine's cores with the server, and the
CPU seconds used by the server, the client and everything else during the run are printed, so
that a run on a busy machine says so.

Prints count, requests/s and p50/p95/p99/max latency per category (public page, task list,
transition), the 5xx, the 409s (a lost race: counted apart, not a failure) and every other
error. Afterwards it checks that the database holds exactly the transitions the client saw
answered. Exits 1 on any 5xx, any other error, any request left without an answer, or a
mismatch. Everything it creates (database, Redis keys, files) is removed at the end.

    .venv/bin/python benchmarks/load.py [--seconds 60] [--visitors 50] [--officers 10]

REDIS_URL (or --redis-url) must name an empty Redis database of its own, e.g.
redis://127.0.0.1:6379/15: the script refuses a database that holds keys, and empties it
afterwards. PostgreSQL: --postgres (default postgres://postgres@127.0.0.1:5432/postgres) is the
server where the database `ppid_load_<pid>` is created and dropped.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from http.cookies import SimpleCookie
from multiprocessing import get_context
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"
PUBLIC = "public page"
TASKS = "task list"
TRANSITION = "transition"
PUBLIC_KINDS = ("home", "body", "edition", "row")
RETURN_NOTE = "Lengkapi ringkasan isi (uji beban)."

SETUP = r"""
import django, json, os
django.setup()
from io import StringIO
from django.core.management import call_command
from django.urls import reverse
call_command("migrate", verbosity=0)
call_command("seed_demo", password=os.environ["LOAD_PASSWORD"], stdout=StringIO())
from rest_framework.authtoken.models import Token
from dip import services as dip_services
from dip.models import Classification, Edition, EditionKind, Stage
from ppid import services as ppid_services
from ppid.models import Body, Role
from workflow import services

password = os.environ["LOAD_PASSWORD"]
body = Body.objects.get(slug="disdukcapil-kalbar")
items = list(body.items.order_by("pk"))
officers = []
for n in range(1, int(os.environ["LOAD_PAIRS"]) + 1):
    pair = {}
    for role in (Role.OPERATOR, Role.PPID):
        user = ppid_services.officer_upsert(
            username=f"beban{n}.{role}", password=password, first_name=role.label,
            last_name=f"Uji Beban {n}")
        ppid_services.role_grant(user=user, body=body, role=role)
        pair[role] = user
    edition = services.edition_open(body=body, kind=EditionKind.DIP, year=2026,
                                    title=f"DIP 2026 uji beban {n}", user=pair[Role.OPERATOR])
    dip_services.edition_add_items(edition=edition, items=items, user=pair[Role.OPERATOR])
    for role, name in ((Role.OPERATOR, "submit"), (Role.PPID, "return")):
        user = pair[role]
        officers.append({
            "username": user.username,
            "token": Token.objects.create(user=user).key,
            "edition": edition.pk,
            "edition_path": reverse("workflow:edition", args=[edition.pk]),
            "transition": reverse("api:edition-transition",
                                  kwargs={"pk": edition.pk, "name": name}),
            "name": name,
        })
sites = []
for edition in Edition.objects.filter(state=Stage.PUBLISHED).select_related("body"):
    slug = edition.body.slug
    # Rows have a public page in a DIP only, and never a dikecualikan one.
    numbers = edition.rows.exclude(classification=Classification.DIKECUALIKAN).values_list(
        "number", flat=True) if edition.kind == EditionKind.DIP else []
    sites.append({
        "body": reverse("dip:public_body", args=[slug]),
        "edition": reverse("dip:public_edition", kwargs={"slug": slug, "pk": edition.pk}),
        "rows": [reverse("dip:public_row", kwargs={"slug": slug, "pk": edition.pk, "number": n})
                 for n in sorted(numbers)],
    })
print("LOAD-PLAN " + json.dumps({
    "home": reverse("home"), "login": reverse("login"), "tasks": reverse("workflow:tasks"),
    "sites": sites, "officers": officers,
}))
"""

CHECK = r"""
import django, json, os
django.setup()
from workflow.models import AuditEntry, Step
ids = json.loads(os.environ["LOAD_EDITIONS"])
print("LOAD-CHECK " + json.dumps({
    "transitions": AuditEntry.objects.filter(
        edition_id__in=ids, transition__in=["submit", "return"]).count(),
    "steps": Step.objects.filter(edition_id__in=ids).count(),
    "open_steps": Step.objects.filter(edition_id__in=ids, finished_at=None).count(),
}))
"""


# --- the server side --------------------------------------------------------------------------


def django_run(script: str, env: dict, marker: str) -> dict:
    out = subprocess.run([PYTHON, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.stderr.write(out.stderr)
        raise SystemExit(f"{marker}: the Django script failed")
    line = next(line for line in out.stdout.splitlines() if line.startswith(marker + " "))
    return json.loads(line.removeprefix(marker + " "))


def database_url(server: str, name: str) -> str:
    parts = urlsplit(server)
    return urlunsplit(parts._replace(path=f"/{name}"))


def postgres(server: str, sql: str) -> None:
    import psycopg2

    connection = psycopg2.connect(server)
    connection.autocommit = True
    try:
        connection.cursor().execute(sql)
    finally:
        connection.close()


def redis_client(url: str):
    import redis

    return redis.Redis.from_url(url)


def gunicorn(port: int, env: dict, args, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "ppid.wsgi:application",
            "-b",
            f"{HOST}:{port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            args.worker_class,
            "--threads",
            str(args.threads),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def wait_for(port: int, path: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if Client(port).request("GET", path)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer {path} within {timeout:.0f} s")


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used, from /proc; 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_cpu(master: int) -> float:
    """CPU seconds used by gunicorn's master and its workers."""
    pids = [master]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return sum(process_cpu(pid) for pid in pids)


def machine_cpu() -> float:
    """CPU seconds the whole machine has spent busy (all but idle and iowait), from /proc/stat."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


class CpuWatch(threading.Thread):
    """Measures the server's and the machine's CPU seconds over the timed window."""

    def __init__(self, master: int, start_at: float, seconds: float):
        super().__init__(daemon=True)
        self.master, self.start_at, self.seconds = master, start_at, seconds
        self.server = self.machine = 0.0

    def run(self) -> None:
        time.sleep(max(0.0, self.start_at - time.time()))
        server, machine = server_cpu(self.master), machine_cpu()
        time.sleep(self.seconds)
        self.server = server_cpu(self.master) - server
        self.machine = machine_cpu() - machine


# --- the client -------------------------------------------------------------------------------


class Client:
    """One keep-alive HTTP/1.1 connection, as a browser tab or an API script holds it."""

    def __init__(self, port: int, headers: dict | None = None):
        self.port = port
        self.headers = headers or {}
        self.connection: http.client.HTTPConnection | None = None
        self.reconnects = 0

    def request(self, method: str, path: str, body: bytes | str | None = None, headers=None):
        for _attempt in range(2):
            fresh = self.connection is None
            if fresh:
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
            try:
                self.connection.request(
                    method, path, body=body, headers={**self.headers, **(headers or {})}
                )
                response = self.connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if fresh:
                    raise
                # A kept-alive connection the server had closed: again on a new one, as a
                # browser does.
                self.reconnects += 1
                continue
            if response.will_close:
                self.close()
            return response.status, response, data
        raise ConnectionError("no answer after reconnecting")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
        self.connection = None


class Tally:
    """What one client process saw: latencies, status codes and failures per category."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.status: dict[str, Counter] = defaultdict(Counter)
        self.failures: dict[str, Counter] = defaultdict(Counter)
        self.reconnects = 0

    def timed(self, category: str, call):
        """Run call() → (status, response, body) and record how long the answer took."""
        start = time.perf_counter()
        try:
            status, response, data = call()
        except (OSError, http.client.HTTPException) as exc:
            with self.lock:
                self.failures[category][f"no answer: {type(exc).__name__}"] += 1
            return None, None, b""
        elapsed = time.perf_counter() - start
        with self.lock:
            self.latency[category].append(elapsed)
            self.status[category][status] += 1
        return status, response, data

    def fail(self, category: str, reason: str) -> None:
        with self.lock:
            self.failures[category][reason] += 1

    def export(self) -> dict:
        return {
            "latency": dict(self.latency),
            "status": {k: dict(v) for k, v in self.status.items()},
            "failures": {k: dict(v) for k, v in self.failures.items()},
            "reconnects": self.reconnects,
        }


def run_threads(targets: list, start_at: float, seconds: float) -> float:
    """Start every target(end) when the wall clock reaches start_at; stop after `seconds`.
    Returns the CPU seconds this client process used meanwhile."""
    time.sleep(max(0.0, start_at - time.time()))
    cpu = time.process_time()
    end = time.monotonic() + seconds
    threads = [threading.Thread(target=target, args=(end,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.process_time() - cpu


def visitors(port: int, plan: dict, count: int, seed: int, start_at: float, args) -> dict:
    """`count` cookie-free visitors walking home → body → edition → row, over and over."""
    tally = Tally()

    def visitor(number: int, end: float) -> None:
        rng = random.Random(seed * 1000 + number)
        client = Client(port)
        while time.monotonic() < end:
            site = rng.choice(plan["sites"])
            walk = [("home", plan["home"]), ("body", site["body"]), ("edition", site["edition"])]
            if site["rows"]:  # a DIK has no row pages
                walk.append(("row", rng.choice(site["rows"])))
            for kind, path in walk:
                if time.monotonic() >= end:
                    break
                _, response, _ = tally.timed(
                    f"{PUBLIC}: {kind}", lambda path=path: client.request("GET", path)
                )
                if response is not None and response.getheader("Set-Cookie"):
                    tally.fail(f"{PUBLIC}: {kind}", "public page set a cookie")
                time.sleep(args.think)
        with tally.lock:
            tally.reconnects += client.reconnects
        client.close()

    cpu = run_threads(
        [lambda end, n=n: visitor(n, end) for n in range(count)], start_at, args.seconds
    )
    return {**tally.export(), "cpu": cpu}


def officers(port: int, plan: dict, cookies: list[str], start_at: float, args) -> dict:
    """Officers reading their task list, and moving their pair's edition on when it is there."""
    tally = Tally()

    def officer(who: dict, cookie: str, end: float) -> None:
        browser = Client(port, {"Cookie": cookie})
        api = Client(port, {"Authorization": f"Token {who['token']}"})
        waiting_here = f'href="{who["edition_path"]}"'.encode()
        while time.monotonic() < end:
            status, _, page = tally.timed(TASKS, lambda: browser.request("GET", plan["tasks"]))
            time.sleep(args.think)
            if status != 200 or waiting_here not in page or time.monotonic() >= end:
                continue
            tally.timed(TRANSITION, lambda: transition(api, who))
            time.sleep(args.think)
        with tally.lock:
            tally.reconnects += browser.reconnects + api.reconnects
        browser.close()
        api.close()

    cpu = run_threads(
        [
            lambda end, who=who, cookie=cookie: officer(who, cookie, end)
            for who, cookie in zip(plan["officers"], cookies, strict=True)
        ],
        start_at,
        args.seconds,
    )
    return {**tally.export(), "cpu": cpu}


def log_in(port: int, plan: dict, username: str, password: str) -> str:
    """Sign in through the login form (CSRF token and cookie); the Cookie header to send."""
    client = Client(port)
    jar = SimpleCookie()
    _, response, page = client.request("GET", plan["login"])
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    form = urlencode(
        {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": token,
            "next": plan["tasks"],
        }
    )
    cookie = "; ".join(f"{k}={m.value}" for k, m in jar.items())
    status, response, _ = client.request(
        "POST",
        plan["login"],
        body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    client.close()
    cookie = "; ".join(f"{k}={m.value}" for k, m in jar.items())
    check = Client(port, {"Cookie": cookie})
    landed = check.request("GET", plan["tasks"])[0]
    check.close()
    if status != 302 or landed != 200:
        raise SystemExit(f"{username} could not sign in (login {status}, task list {landed})")
    return cookie


def transition(client: Client, who: dict):
    payload = json.dumps({"note": RETURN_NOTE if who["name"] == "return" else ""})
    headers = {"Content-Type": "application/json"}
    return client.request("POST", who["transition"], body=payload, headers=headers)


def in_parallel(jobs: list) -> list:
    with ThreadPoolExecutor(max_workers=max(1, len(jobs))) as pool:
        return list(pool.map(lambda job: job(), jobs))


def warm_up(port: int, plan: dict, cookies: list[str], passes: int, cycles: int) -> int:
    """Every public page and every officer's task list `passes` times at once, and `cycles`
    submit/return cycles per pair, over fresh connections: each worker has compiled its
    templates, imported the API and loaded the holidays, and the page cache is full, as on a
    server that has been up for a while. Returns the number of transitions made."""
    requests = [({}, plan["home"])]
    for site in plan["sites"]:
        requests += [({}, path) for path in (site["body"], site["edition"], *site["rows"])]
    requests += [({"Cookie": cookie}, plan["tasks"]) for cookie in cookies]
    failures = []

    def pages() -> None:
        for headers, path in requests:
            client = Client(port, headers)
            status = client.request("GET", path)[0]
            client.close()
            if status != 200:
                failures.append(f"{path} answered {status}")

    def pair_cycles(pair: list[dict]) -> None:
        for _ in range(cycles):
            for who in pair:  # submit, then return
                client = Client(port, {"Authorization": f"Token {who['token']}"})
                status = transition(client, who)[0]
                client.close()
                if status != 200:
                    failures.append(f"{who['transition']} answered {status}")

    pairs = [plan["officers"][n : n + 2] for n in range(0, len(plan["officers"]), 2)]
    in_parallel([pages] * passes + [lambda pair=pair: pair_cycles(pair) for pair in pairs])
    if failures:
        raise SystemExit("warm-up: " + "; ".join(sorted(set(failures))))
    return cycles * len(plan["officers"])


# --- the report -------------------------------------------------------------------------------


def percentile(ordered: list[float], q: float) -> float:
    """Nearest-rank percentile of a sorted list."""
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def merge(results: list[dict]) -> dict:
    total = {"latency": defaultdict(list), "status": defaultdict(Counter)}
    total["failures"] = defaultdict(Counter)
    total["reconnects"] = 0
    for result in results:
        for category, values in result["latency"].items():
            total["latency"][category].extend(values)
            if category.startswith(PUBLIC + ":"):
                total["latency"][PUBLIC].extend(values)
        for key in ("status", "failures"):
            for category, counts in result[key].items():
                total[key][category].update(counts)
                if category.startswith(PUBLIC + ":"):
                    total[key][PUBLIC].update(counts)
        total["reconnects"] += result["reconnects"]
    return total


def report(total: dict, seconds: float) -> tuple[int, int]:
    """Print the table; return (5xx, other errors)."""
    categories = [PUBLIC] + [f"{PUBLIC}: {k}" for k in PUBLIC_KINDS] + [TASKS, TRANSITION]
    header = f"{'category':<22}{'count':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
    header += f"{'p99 ms':>9}{'max ms':>9}{'5xx':>6}{'409':>6}{'other':>7}"
    print(header)
    print("-" * len(header))
    server_errors = other = 0
    for category in categories:
        ordered = sorted(total["latency"].get(category, []))
        status = total["status"].get(category, Counter())
        failures = total["failures"].get(category, Counter())
        n5xx = sum(n for code, n in status.items() if code >= 500)
        n409 = status.get(409, 0) if category == TRANSITION else 0
        n_other = sum(n for code, n in status.items() if code != 200 and code < 500) - n409
        n_other += sum(failures.values())
        if category == PUBLIC or not category.startswith(PUBLIC):
            server_errors += n5xx
            other += n_other
        label = "  " + category.split(": ")[1] if ": " in category else category
        if not ordered:
            print(f"{label:<22}{0:>8}")
            continue
        ms = [percentile(ordered, q) * 1000 for q in (0.5, 0.95, 0.99)] + [ordered[-1] * 1000]
        print(
            f"{label:<22}{len(ordered):>8}{len(ordered) / seconds:>9.1f}"
            + "".join(f"{v:>9.1f}" for v in ms)
            + f"{n5xx:>6}{n409:>6}{n_other:>7}"
        )
    for category in [TASKS, TRANSITION] + [f"{PUBLIC}: {k}" for k in PUBLIC_KINDS]:
        odd = {c: n for c, n in total["status"].get(category, {}).items() if c != 200}
        odd.update(total["failures"].get(category, {}))
        if odd:
            print(f"  {category}: {odd}")
    print(f"reconnects of kept-alive connections closed by the server: {total['reconnects']}")
    return server_errors, other


# --- main -------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--visitors", type=int, default=50)
    parser.add_argument("--officers", type=int, default=10, help="an even number (pairs)")
    parser.add_argument("--think", type=float, default=0.0, help="seconds after each request")
    parser.add_argument("--client-processes", type=int, default=2, help="for the visitors")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--worker-class", default="gthread")
    parser.add_argument("--port", type=int, default=8111)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""))
    args = parser.parse_args()
    if args.officers % 2:
        parser.error("--officers must be even: an operator and a PPID per edition")
    if not args.redis_url:
        parser.error("give the benchmark a Redis database of its own: --redis-url or REDIS_URL")
    redis = redis_client(args.redis_url)
    if redis.dbsize():
        raise SystemExit(
            f"{args.redis_url} holds keys; give the benchmark an empty database of its own"
        )

    name = f"ppid_load_{os.getpid()}"
    var = Path(tempfile.mkdtemp(prefix="ppid-load-"))
    password = secrets.token_urlsafe(12)
    env = {
        **os.environ,
        "PPID_VAR_DIR": str(var),
        "DATABASE_URL": database_url(args.postgres, name),
        "REDIS_URL": args.redis_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost",
        "DJANGO_SETTINGS_MODULE": "ppid.settings",
        "PPID_REQUIRE_2FA": "0",
        "PYTHONPATH": str(ROOT),
    }
    for key in ("CELERY_BROKER_URL", "DJANGO_MEDIA_ROOT", "PPID_SIGNING_DIR"):
        env.pop(key, None)
    log = var / "gunicorn.log"
    server = None
    postgres(args.postgres, f'CREATE DATABASE "{name}"')
    try:
        started = time.monotonic()
        # Setup inline (the demo's publication as seed_demo runs it); the server queues only.
        setup_env = {**env, "CELERY_TASK_ALWAYS_EAGER": "1", "LOAD_PASSWORD": password}
        setup_env["LOAD_PAIRS"] = str(args.officers // 2)
        plan = django_run(SETUP, setup_env, "LOAD-PLAN")
        print(
            f"setup: {time.monotonic() - started:.0f} s, {len(plan['sites'])} published "
            f"editions, {sum(len(s['rows']) for s in plan['sites'])} rows, "
            f"{len(plan['officers']) // 2} editions in the officers' loop",
            flush=True,
        )
        server = gunicorn(args.port, {**env, "CELERY_TASK_ALWAYS_EAGER": "0"}, args, log)
        wait_for(args.port, plan["home"])
        cookies = in_parallel(
            [
                lambda who=who: log_in(args.port, plan, who["username"], password)
                for who in plan["officers"]
            ]
        )
        warmed = warm_up(
            args.port, plan, cookies, passes=2 * args.workers * args.threads, cycles=args.workers
        )
        print(
            f"gunicorn: {args.workers} {args.worker_class} workers x {args.threads} threads; "
            f"client: {args.visitors} visitors in {args.client_processes} processes, "
            f"{args.officers} officers in 1, think time {args.think} s, {args.seconds:.0f} s; "
            f"load average before: {os.getloadavg()[0]:.2f}",
            flush=True,
        )
        share = [
            args.visitors // args.client_processes + (i < args.visitors % args.client_processes)
            for i in range(args.client_processes)
        ]
        with ProcessPoolExecutor(
            max_workers=args.client_processes + 1, mp_context=get_context("spawn")
        ) as pool:
            start_at = time.time() + 3  # after the processes have started
            watch = CpuWatch(server.pid, start_at, args.seconds)
            watch.start()
            futures = [
                pool.submit(visitors, args.port, plan, count, seed, start_at, args)
                for seed, count in enumerate(share)
            ]
            futures.append(pool.submit(officers, args.port, plan, cookies, start_at, args))
            results = [future.result() for future in futures]
        watch.join()
        client = sum(result["cpu"] for result in results)
        print(
            f"load average after: {os.getloadavg()[0]:.2f}; "
            f"CPU seconds in the {args.seconds:.0f} s: server {watch.server:.1f}, "
            f"client {client:.1f}, everything else (PostgreSQL, Redis, other people) "
            f"{max(0.0, watch.machine - watch.server - client):.1f}, machine busy "
            f"{watch.machine:.1f} of {args.seconds * (os.cpu_count() or 1):.0f}\n"
        )
        total = merge(results)
        server_errors, other = report(total, args.seconds)

        editions = sorted({who["edition"] for who in plan["officers"]})
        check = django_run(CHECK, {**env, "LOAD_EDITIONS": json.dumps(editions)}, "LOAD-CHECK")
        answered = total["status"].get(TRANSITION, Counter()).get(200, 0) + warmed
        consistent = (
            check["transitions"] == answered
            and check["open_steps"] == len(editions)
            and check["steps"] == answered + len(editions)
        )
        print(
            f"database: {check['transitions']} transitions recorded for {answered} answered "
            f"200 (with {warmed} in the warm-up), {check['steps']} steps, "
            f"{check['open_steps']} open on {len(editions)} editions: "
            + ("consistent" if consistent else "MISMATCH")
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait()
        postgres(args.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        redis.flushdb()
        server_log = log.read_text(errors="replace") if log.exists() else ""
        shutil.rmtree(var, ignore_errors=True)
    if server_errors or other or not consistent:
        print("\nFAILED: 5xx, errors or lost transitions. Server log (tail):")
        print("\n".join(server_log.splitlines()[-40:]))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
