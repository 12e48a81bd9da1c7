"""Province scale (issue 15): p95 latency and query count of the officers' pages, the API and a
transition, on the data set `manage.py seed_scale` builds.

Single user, warm, in-process (Django's test Client through the whole middleware stack, with
DJANGO_DEBUG off), each request repeated; the figures are p50 and p95 of the timed repeats,
and the number of queries of one request. Nothing asserts a timing: the table says which
budget is met.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ppid_scale \\
        .venv/bin/python benchmarks/scale.py [--repeat 30] [--explain 5] [--only tugas]

The transitions it runs (submit, then return with a note, on one edition of the largest and of
the smallest body) add their step and audit rows to the data set, like an officer would.
Second factor is not asked (PPID_REQUIRE_2FA off): the benchmark measures the pages, not the
sign-in.

Cache and broker as in production: Redis. Without REDIS_URL, the benchmark uses
BENCH_REDIS_URL (default redis://127.0.0.1:6379/14) when a Redis answers there, and says so;
only when none answers does it fall back to the settings' file cache, whose per-request
throttle write costs what production does not pay (the header line names the cache used).
Each run adds some 42 history entries to each of the two editions (the answer no longer
carries them, its `history_url` points there): rebuild the data set for figures to compare
with the recorded ones.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from contextlib import nullcontext
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ppid.settings")
os.environ["DJANGO_DEBUG"] = "0"
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-0123456789-abcdefghijklmnop")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")
os.environ["PPID_REQUIRE_2FA"] = "0"
os.environ["PPID_API_USER_RATE"] = "1000000/minute"
os.environ["PPID_API_ANON_RATE"] = "1000000/minute"

BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def redis_answers(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except Exception:
        return False


if not os.environ.get("REDIS_URL") and redis_answers(BENCH_REDIS_URL):
    os.environ["REDIS_URL"] = BENCH_REDIS_URL

PAGE_BUDGET_MS = 150
API_BUDGET_MS = 50
TRANSITION_BUDGET_MS = 30
TRANSITION_MAX_QUERIES = 12


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per case")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--only", default="", help="run only cases whose name contains this")
    parser.add_argument(
        "--explain", type=int, default=0, help="EXPLAIN ANALYZE the N slowest queries seen"
    )
    parser.add_argument(
        "--transitions",
        type=int,
        default=40,
        help="submit/return pairs (40: the p95 is then the 38th of 40, not the slowest of 20)",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    if connection.vendor != "postgresql":
        print("benchmarks/scale.py needs the PostgreSQL database seed_scale built (DATABASE_URL).")
        return 2
    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        ALLOWED_HOSTS=["*"],
    ).enable()

    from django.db.models import Count, Q
    from rest_framework.authtoken.models import Token

    from dip.models import Edition, EditionKind, Item, Stage
    from ppid.models import Body, BodyUserObjectPermission
    from ppid.selectors import bodies_overseen_by
    from ppid.startup import warm_up
    from workflow import scale_data, services
    from workflow.selectors import audit_entries_for

    # As gunicorn.conf.py does in each worker: load what a first request would, and move
    # start-up's objects out of the cyclic collector's reach (ppid.startup: issue 15's one
    # transition in ten at 135-341 ms was a fresh process's first request, and a full
    # collection walking a quarter of a million start-up objects, 60-120 ms).
    warm_up()

    province = Body.objects.filter(slug=scale_data.PROVINCE["slug"]).first()
    if province is None:
        print("No seed_scale data set here (run manage.py seed_scale first).")
        return 2
    sized = (
        Body.objects.filter(Q(parent=province) | Q(parent__parent=province), children__isnull=True)
        .annotate(n=Count("items"))
        .order_by("-n", "pk")
    )
    largest = sized.first()
    smallest = sized.order_by("n", "pk").first()
    kabupaten = largest.parent if largest.parent_id != province.pk else None
    kabupaten = kabupaten or Body.objects.filter(parent=province, children__isnull=False).first()

    def user(body: Body, role: str):
        grant = (
            BodyUserObjectPermission.objects.filter(
                content_object=body, permission__codename=f"role_{role}"
            )
            .select_related("user")
            .order_by("pk")
            .first()
        )
        return grant.user

    def in_flight(body: Body, kind: str = EditionKind.DIP) -> Edition:
        return Edition.objects.filter(body=body, kind=kind).exclude(state=Stage.PUBLISHED).first()

    def published(body: Body) -> Edition:
        return Edition.objects.filter(body=body, state=Stage.PUBLISHED).order_by("-year").first()

    clients: dict[int, Client] = {}

    def client_for(person) -> Client:
        if person.pk not in clients:
            client = Client()
            client.force_login(person)
            clients[person.pk] = client
        return clients[person.pk]

    tokens: dict[int, str] = {}

    def api_headers(person) -> dict[str, str]:
        if person.pk not in tokens:
            tokens[person.pk] = Token.objects.get_or_create(user=person)[0].key
        return {"HTTP_AUTHORIZATION": f"Token {tokens[person.pk]}"}

    large_items = Item.objects.filter(body=largest).count()
    small_items = Item.objects.filter(body=smallest).count()
    large_dip = in_flight(largest)
    large_rows = large_dip.entries.count()
    # The last page of the largest DIP's rows (`/api/editions/{id}/items/`, 100 a page).
    last_rows_page = max(1, (large_rows + 99) // 100)
    small_dip = in_flight(smallest)
    some_item = Item.objects.filter(body=largest).order_by("pk").first()
    operator, ppid = user(largest, "operator"), user(largest, "ppid")
    atasan = user(largest, "atasan")
    utama_kab, utama_prov = user(kabupaten, "ppid_utama"), user(province, "ppid_utama")
    register = f"/badan/{largest.slug}/informasi/"
    # Page 100 of the kabupaten PPID Utama's audit log, as its "next" links reach it: the
    # keyset cursor of the last entry of page 99.
    entries = audit_entries_for(utama_kab, bodies=bodies_overseen_by(utama_kab))
    last = entries[99 * 50 - 1]
    deep_audit_page = "/jejak-audit/?" + urlencode(
        {"sebelum": f"{last.at.isoformat()}~{last.pk}", "page": 100}
    )

    # (name, budget kind, who, url, api)
    cases = [
        ("tugas: operator, largest body", "page", operator, "/tugas/", False),
        ("tugas: PPID, largest body", "page", ppid, "/tugas/", False),
        ("tugas: PPID Utama kabupaten", "page", utama_kab, "/tugas/", False),
        ("tugas: PPID Utama province", "page", utama_prov, "/tugas/", False),
        ("dasbor: atasan, largest body", "page", atasan, "/dasbor/", False),
        ("dasbor: PPID Utama kabupaten", "page", utama_kab, "/dasbor/", False),
        ("dasbor: PPID Utama province", "page", utama_prov, "/dasbor/", False),
        ("register: largest body", "page", operator, register, False),
        ("register: search 'laporan'", "page", operator, f"{register}?q=laporan", False),
        (
            "register: berkala, by date",
            "page",
            operator,
            f"{register}?classification=berkala&sort=-produced_at",
            False,
        ),
        ("register: page 40", "page", operator, f"{register}?page=40", False),
        (
            "register: smallest body",
            "page",
            user(smallest, "operator"),
            f"/badan/{smallest.slug}/informasi/",
            False,
        ),
        ("edition: in flight, largest", "page", ppid, f"/edisi/{large_dip.pk}/", False),
        ("edition: published, largest", "page", ppid, f"/edisi/{published(largest).pk}/", False),
        (
            "edition: in flight, smallest",
            "page",
            user(smallest, "ppid"),
            f"/edisi/{small_dip.pk}/",
            False,
        ),
        ("audit: PPID Utama province", "page", utama_prov, "/jejak-audit/", False),
        ("audit: PPID Utama kabupaten", "page", utama_kab, "/jejak-audit/", False),
        (
            "audit: kabupaten, transitions only",
            "page",
            utama_kab,
            "/jejak-audit/?action=edition.",
            False,
        ),
        ("audit: kabupaten, page 100", "page", utama_kab, deep_audit_page, False),
        ("report: largest body (atasan)", "page", atasan, f"/badan/{largest.slug}/laporan/", False),
        (
            "report: kabupaten overview",
            "page",
            utama_kab,
            f"/badan/{kabupaten.slug}/ikhtisar/",
            False,
        ),
        ("notices: operator, largest body", "page", operator, "/pemberitahuan/", False),
        ("notices: PPID Utama kabupaten", "page", utama_kab, "/pemberitahuan/", False),
        ("api: items, largest body", "api", operator, f"/api/items/?body={largest.slug}", True),
        (
            "api: items, page 40",
            "api",
            operator,
            f"/api/items/?body={largest.slug}&page=40&page_size=50",
            True,
        ),
        ("api: items, PPID Utama kabupaten", "api", utama_kab, "/api/items/", True),
        ("api: item detail", "api", operator, f"/api/items/{some_item.pk}/", True),
        ("api: editions, PPID Utama kabupaten", "api", utama_kab, "/api/editions/", True),
        ("api: editions, PPID Utama province", "api", utama_prov, "/api/editions/", True),
        ("api: edition detail, largest", "api", ppid, f"/api/editions/{large_dip.pk}/", True),
        (
            "api: edition rows, largest, page 1",
            "api",
            ppid,
            f"/api/editions/{large_dip.pk}/items/",
            True,
        ),
        (
            f"api: edition rows, largest, page {last_rows_page}",
            "api",
            ppid,
            f"/api/editions/{large_dip.pk}/items/?page={last_rows_page}",
            True,
        ),
        (
            "api: edition detail, smallest",
            "api",
            user(smallest, "ppid"),
            f"/api/editions/{small_dip.pk}/",
            True,
        ),
        ("api: bodies, PPID Utama province", "api", utama_prov, "/api/bodies/", True),
        ("api: public bodies", "api", None, "/api/public/bodies/", True),
    ]
    budgets = {"page": PAGE_BUDGET_MS, "api": API_BUDGET_MS}

    print(
        f"Data set: {Body.objects.count()} bodies, {Item.objects.count()} items, "
        f"{Edition.objects.count()} editions; largest register {largest.slug} "
        f"({large_items} items, DIP in flight #{large_dip.pk} with "
        f"{large_rows} rows), smallest {smallest.slug} ({small_items} items)"
    )
    print(
        f"Machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, load average {os.getloadavg()[0]:.1f}; cache "
        f"{settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]} "
        f"{settings.CACHES['default']['LOCATION']}"
    )
    results = []
    slow_queries: list[tuple[float, str, str]] = []
    for name, kind, person, url, is_api in cases:
        if args.only and args.only not in name:
            continue
        client = Client() if person is None else client_for(person)
        headers = api_headers(person) if (is_api and person is not None) else {}
        if is_api and person is not None:
            client = Client()
        for _ in range(args.warmup):
            response = client.get(url, **headers)
        if response.status_code != 200:
            print(f"{name}: HTTP {response.status_code} for {url}")
            continue
        with CaptureQueriesContext(connection) as captured:
            client.get(url, **headers)
        queries = len(captured)
        for query in captured.captured_queries:
            slow_queries.append((float(query["time"]), name, query["sql"]))
        timings, cpu = [], []
        for _ in range(args.repeat):
            started, cpu_started = time.perf_counter(), time.process_time()
            client.get(url, **headers)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
        results.append((name, kind, timings, queries, budgets[kind]))
        # CPU: this process's own time (Django, templates, serialisation), without PostgreSQL's
        # and without waiting for a core: on a shared machine, the part that load does not
        # inflate.
        print(
            f"  {name:<40} p50 {statistics.median(timings):7.1f} ms  "
            f"p95 {percentile(timings, 0.95):7.1f} ms  {queries:3d} queries  "
            f"(CPU p50 {statistics.median(cpu):6.1f} ms)",
            flush=True,
        )

    # Transitions: submit (operator) then return with a note (PPID), on the DIP in flight of
    # the largest and of the smallest body, through the API as the officers' clients do.
    for label, body in (("largest", largest), ("smallest", smallest)):
        if args.only and args.only not in f"transition {label}":
            continue
        edition = in_flight(body)
        op, pp = user(body, "operator"), user(body, "ppid")
        # Bring it to collection once (not timed): return it from where it is.
        while edition.state != Stage.COLLECTION:
            actor = user(body, edition.actor_role)
            edition = services.edition_transition(
                edition=edition, name="return", user=actor, note="Kembali untuk pengukuran."
            )
        samples: dict[str, list[float]] = {"submit": [], "return": []}
        cpu_samples: dict[str, list[float]] = {"submit": [], "return": []}
        counts: dict[str, int] = {}
        api = Client()
        # Warm, as the pages are: the first rounds (not timed) pay this process's one-time
        # costs (the lock query's compiled parts, the token's first lookup) and are the ones
        # whose queries are counted; the timed rounds run without the query capture.
        for round_number in range(max(1, args.warmup) + args.transitions):
            timed = round_number >= max(1, args.warmup)
            for step_name, actor, payload in (
                ("submit", op, {"note": ""}),
                ("return", pp, {"note": "Lengkapi ringkasan isi."}),
            ):
                with CaptureQueriesContext(connection) if not timed else nullcontext() as captured:
                    started, cpu_started = time.perf_counter(), time.process_time()
                    response = api.post(
                        f"/api/editions/{edition.pk}/transitions/{step_name}/",
                        payload,
                        content_type="application/json",
                        **api_headers(actor),
                    )
                    elapsed = (time.perf_counter() - started) * 1000
                    cpu = (time.process_time() - cpu_started) * 1000
                if response.status_code != 200:
                    print(
                        f"transition {step_name}: HTTP {response.status_code}",
                        response.content[:300],
                    )
                    return 1
                if timed:
                    samples[step_name].append(elapsed)
                    cpu_samples[step_name].append(cpu)
                    continue
                counts[step_name] = len(captured)
                for query in captured.captured_queries:
                    slow_queries.append(
                        (float(query["time"]), f"transition {step_name} {label}", query["sql"])
                    )
        # The service alone (no HTTP, no authentication): the transition's own queries.
        with CaptureQueriesContext(connection) as captured:
            services.edition_transition(edition=edition, name="submit", user=op)
        service_submit = len(captured)
        with CaptureQueriesContext(connection) as captured:
            services.edition_transition(edition=edition, name="return", user=pp, note="Lagi.")
        service_return = len(captured)
        for step_name, service_count in (("submit", service_submit), ("return", service_return)):
            timings = samples[step_name]
            name = f"transition {step_name}, {label} body"
            results.append((name, "transition", timings, counts[step_name], TRANSITION_BUDGET_MS))
            print(
                f"  {name:<40} p50 {statistics.median(timings):7.1f} ms  "
                f"p95 {percentile(timings, 0.95):7.1f} ms  {counts[step_name]:3d} queries "
                f"(service alone: {service_count}; "
                f"CPU p50 {statistics.median(cpu_samples[step_name]):6.1f} ms)",
                flush=True,
            )

    print()
    print("| Case | p50 ms | p95 ms | queries | budget | met |")
    print("|---|---:|---:|---:|---|---|")
    for name, kind, timings, queries, budget in results:
        p95 = percentile(timings, 0.95)
        met = p95 < budget
        rule = f"p95 < {budget} ms"
        if kind == "transition":
            met = met and queries <= TRANSITION_MAX_QUERIES
            rule += f", ≤ {TRANSITION_MAX_QUERIES} queries"
        print(
            f"| {name} | {statistics.median(timings):.1f} | {p95:.1f} | {queries} | {rule} | "
            f"{'yes' if met else '**no**'} |"
        )

    if args.explain:
        print()
        seen = set()
        slow_queries.sort(reverse=True)
        shown = 0
        for seconds, name, sql in slow_queries:
            key = sql[:200]
            if key in seen or not sql.lstrip().upper().startswith("SELECT"):
                continue
            seen.add(key)
            print(f"--- {seconds * 1000:.1f} ms in {name}:\n{sql}\n")
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                print("\n".join(row[0] for row in cursor.fetchall()))
            print()
            shown += 1
            if shown >= args.explain:
                break
    return 0


if __name__ == "__main__":
    sys.exit(main())
