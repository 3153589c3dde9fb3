"""`make bench`: seed a realistic data set into the benchmark's own database, measure the hot paths beside their
floor (the thinnest code doing the same work, in the same run), print one table and write bench/results/latest.json.

    make bench                                   # the embedded PostgreSQL (var/postgres) unless DATABASE_URL is set
    DATABASE_URL=postgres://... CELERY_BROKER_URL=redis://... make bench
    BENCH_SECONDS=10 BENCH_ROUNDS=2 make bench   # seconds of load per figure, split into alternating rounds

The database is the one of DATABASE_URL with `_bench` appended to its name (unless it already ends with it), or
BENCH_DATABASE_URL; it is dropped and recreated at each run. See bench/README.md for how each figure is made.
"""

from __future__ import annotations

import json
import os
import platform
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import warnings
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Whitenoise warns that the static root is missing (collectstatic is not part of the benchmark).
warnings.filterwarnings("ignore", message="No directory at")

RESULTS = ROOT / "bench" / "results" / "latest.json"
VAR = ROOT / "var" / "bench"
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
ROUNDS = max(1, int(os.environ.get("BENCH_ROUNDS", "2")))
CATALOGUE_THREADS = 4
ORDER_CLIENTS = 8
GUNICORN_WORKERS = 2
CATALOGUE_QUERY = "?available=true&ordering=price&page_size=50&page={page}"
CATALOGUE_PAGES = 5
SCARCE_SHARE = 4  # one order in 4 asks for the scarce product
WORKSHOP_REPEATS = 7
# BENCH_ONLY=1,1b (comma-separated row numbers): measure only those figures ("1" and "1b" are one figure: the page's
# ratio needs the API's list of the same run; "2" and "2b" likewise). Unset: every figure.
# BENCH_SCALE=N (make bench SCALE=N): N times the data (bench/seed.py) and row 6, the lists, with the planning's
# time outside the solver; the results are also written to bench/results/scale-N.json for bench/compare.py.
SCALED = bool(os.environ.get("BENCH_SCALE"))
ONLY = {row.strip().rstrip("b") for row in os.environ.get("BENCH_ONLY", "").split(",") if row.strip()}


def wanted(figure: str) -> bool:
    return not ONLY or figure in ONLY


def log(message: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S} UTC] {message}", flush=True)


# --- Database -----------------------------------------------------------------------------------------------------


def bench_database_url() -> str:
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        raise SystemExit("DATABASE_URL is unset: run `make bench`, which starts the embedded PostgreSQL")
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "ecopole"
    if not name.endswith("_bench"):
        name = f"{name}_bench"
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate_database(url: str) -> None:
    parts = urlsplit(url)
    import psycopg

    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def migrate(env: dict) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - started


# --- Machine ------------------------------------------------------------------------------------------------------


def machine(vendor_version: str) -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "database": vendor_version,
    }


def loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


# --- gunicorn -----------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`gunicorn ecopole.wsgi` with 2 sync workers on 127.0.0.1 and a free port, with the bench settings."""

    def __init__(self, env: dict):
        self.port = free_port()
        self.log_path = VAR / "gunicorn.log"
        VAR.mkdir(parents=True, exist_ok=True)
        self.log_file = open(self.log_path, "w")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "ecopole.wsgi:application",
                "--workers",
                str(GUNICORN_WORKERS),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health/", timeout=2):
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer in 60 s; see {self.log_path}")

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log_file.close()


# --- Figures ------------------------------------------------------------------------------------------------------


def alternate(phases: dict, *, warmup: float = 1.0) -> dict:
    """Run each phase (name -> function(duration) -> LoadResult) in turn, ROUNDS times, SECONDS / ROUNDS each, after
    a short unmeasured warm-up of each; merge the rounds. Alternating keeps a load spike from hitting only one side."""
    for run in phases.values():
        run(warmup)
    results: dict = {}
    for _ in range(ROUNDS):
        for name, run in phases.items():
            result = run(SECONDS / ROUNDS)
            results[name] = result if name not in results else results[name].merge(result)
    return results


def load_summary(result, *ok: int) -> dict:
    return {
        "per_second": round(result.rate(*ok), 1),
        "ok": result.count(*ok),
        "statuses": {str(k): v for k, v in sorted(result.statuses.items())},
        "errors": result.errors,
        "p50_ms": round(result.percentile_ms(50), 1) if result.latencies else None,
        "p95_ms": round(result.percentile_ms(95), 1) if result.latencies else None,
        "seconds": round(result.duration, 1),
        "threads": result.threads,
    }


def catalogue_figure(server: Server) -> dict:
    from bench.loadgen import run_load

    api_paths = [f"/api/v1/catalogue/products/{CATALOGUE_QUERY.format(page=p)}" for p in range(1, 1 + CATALOGUE_PAGES)]
    floor_paths = [f"/bench/floor/products/{CATALOGUE_QUERY.format(page=p)}" for p in range(1, 1 + CATALOGUE_PAGES)]
    same = True
    for api_path, floor_path in zip(api_paths, floor_paths, strict=True):
        api_status, api_body = server.get(api_path)
        floor_status, floor_body = server.get(floor_path)
        normalised = floor_body.decode().replace("/bench/floor/products/", "/api/v1/catalogue/products/")
        if api_status != 200 or floor_status != 200 or json.loads(api_body) != json.loads(normalised):
            same = False
            log(f"catalogue: the floor's JSON differs from the API's for {api_path} ({api_status}/{floor_status})")

    # The shop's catalogue page (HTML, templates) on the same query: 50 products a page, as the API's list.
    shop_paths = [f"/produits/{CATALOGUE_QUERY.format(page=p)}" for p in range(1, 1 + CATALOGUE_PAGES)]
    shop_cards = []
    for path in shop_paths:
        status, body = server.get(path)
        shop_cards.append(body.count(b'<li class="card">') if status == 200 else -status)
    if shop_cards[0] != 50:
        log(f"catalogue page: {shop_paths[0]} shows {shop_cards[0]} products, not 50")

    def phase(paths, accept="application/json"):
        def run(duration):
            return run_load(
                host="127.0.0.1",
                port=server.port,
                threads=CATALOGUE_THREADS,
                duration=duration,
                make_request=lambda t, n: ("GET", paths[(t + n) % len(paths)], None, {"Accept": accept}),
            )

        return run

    results = alternate({"api": phase(api_paths), "floor": phase(floor_paths), "shop": phase(shop_paths, "text/html")})
    api, floor = load_summary(results["api"], 200), load_summary(results["floor"], 200)
    shop = load_summary(results["shop"], 200)
    return {
        "request": api_paths[0],
        "same_json": same,
        "api": api,
        "floor": floor,
        "ratio": round(api["per_second"] / floor["per_second"], 2) if floor["per_second"] else None,
        "shop": {
            **shop,
            "request": shop_paths[0],
            "products_per_page": shop_cards,
            "ratio_to_api": round(shop["per_second"] / api["per_second"], 2) if api["per_second"] else None,
        },
    }


def _order_lines(rng: random.Random, data) -> list[tuple[int, Decimal]]:
    chosen = rng.sample(data.product_ids, 2 if rng.randrange(SCARCE_SHARE) == 0 else 3)
    if len(chosen) == 2:
        chosen.append(data.scarce_product_id)
    return [(pid, Decimal(1)) for pid in chosen]


def _reset_scarce(data) -> None:
    """Put the scarce product back to its seeded stock (an inventory count: an adjustment in the ledger)."""
    from bench.seed import SCARCE_STOCK
    from catalogue.services.stock import stock_count

    stock_count(product_id=data.scarce_product_id, counted=SCARCE_STOCK, note="bench reset")


def _scarce_check(data, since: datetime, level_before: Decimal) -> int:
    """Units of the scarce product in orders placed since `since`, beyond what was in stock: must be 0."""
    from django.db.models import Sum

    from orders.models import OrderLine

    sold = OrderLine.objects.filter(product_id=data.scarce_product_id, order__created_at__gte=since).aggregate(
        total=Sum("quantity")
    )["total"] or Decimal(0)
    return int(max(Decimal(0), Decimal(sold) - level_before))


def orders_figure(server: Server, data) -> dict:
    from django.db import connection

    from bench.loadgen import LoadResult, run_load
    from bench.order_floor import OrderFloor, Refused
    from catalogue.services.stock import stock_available

    clients = ORDER_CLIENTS
    cutoff_at = datetime.combine(data.order_date, datetime.min.time(), tzinfo=UTC)
    oversold = 0

    def http_run(path: str, seed: int):
        def run(duration):
            nonlocal oversold
            _reset_scarce(data)
            since, level = datetime.now(UTC), stock_available(product_id=data.scarce_product_id)
            rngs = [random.Random(seed + i) for i in range(clients)]

            def request(t, n):
                body = {
                    "lines": [{"product": pid, "quantity": str(q)} for pid, q in _order_lines(rngs[t], data)],
                    "fulfilment": {"type": "pickup", "point": data.pickup_point_id},
                    "delivery_date": data.order_date.isoformat(),
                }
                headers = {
                    "Authorization": f"Token {data.client_tokens[t]}",
                    "Content-Type": "application/json",
                    "Accept": "application/json",
                }
                return "POST", path, json.dumps(body).encode(), headers

            result = run_load(
                host="127.0.0.1", port=server.port, threads=clients, duration=duration, make_request=request
            )
            oversold += _scarce_check(data, since, level)
            return result

        return run

    api_run = http_run("/api/v1/orders/", 1000)

    def floor_run(duration):
        nonlocal oversold
        _reset_scarce(data)
        since, level = datetime.now(UTC), stock_available(product_id=data.scarce_product_id)
        result = LoadResult(duration=duration, threads=clients)
        lock = threading.Lock()
        barrier = threading.Barrier(clients + 1)
        deadline = [0.0]

        def worker(t):
            rng = random.Random(2000 + t)
            raw = _raw_connection()
            floor = OrderFloor(raw, order_content_type_id=data.order_content_type_id)
            statuses, latencies, errors = {}, [], 0
            barrier.wait()
            while True:
                began = time.perf_counter()
                if began >= deadline[0]:
                    break
                try:
                    floor.place(
                        customer_id=data.client_user_ids[t],
                        lines=_order_lines(rng, data),
                        pickup_point_id=data.pickup_point_id,
                        delivery_date=data.order_date,
                        cutoff_at=cutoff_at,
                    )
                    status = 201
                except Refused:
                    status = 409
                except Exception:
                    errors += 1
                    continue
                ended = time.perf_counter()
                if ended <= deadline[0]:
                    statuses[status] = statuses.get(status, 0) + 1
                    latencies.append(ended - began)
            raw.close()
            with lock:
                result.statuses.update(statuses)
                result.latencies.extend(latencies)
                result.errors += errors

        threads = [threading.Thread(target=worker, args=(t,), daemon=True) for t in range(clients)]
        for thread in threads:
            thread.start()
        deadline[0] = time.perf_counter() + duration
        barrier.wait()
        for thread in threads:
            thread.join()
        oversold += _scarce_check(data, since, level)
        return result

    # The same raw transaction in a bare Django view of the same gunicorn (bench/floor.py) too.
    phases = {"api": api_run, "floor": floor_run, "floor_http": http_run("/bench/floor/orders/", 3000)}
    results = alternate(phases)
    connection.close()
    api, floor = load_summary(results["api"], 201), load_summary(results["floor"], 201)
    api["refused"], floor["refused"] = results["api"].count(409), results["floor"].count(409)
    floor_http = None
    if "floor_http" in results:
        floor_http = load_summary(results["floor_http"], 201)
        floor_http["refused"] = results["floor_http"].count(409)
    return {
        "clients": clients,
        "api": api,
        "floor": floor,
        "ratio": round(api["per_second"] / floor["per_second"], 2) if floor["per_second"] else None,
        "floor_http": floor_http,
        "ratio_http": round(api["per_second"] / floor_http["per_second"], 2)
        if floor_http and floor_http["per_second"]
        else None,
        "oversold_units": oversold + _negative_levels(),
        "ledger_mismatches": _ledger_mismatches(),
    }


def _raw_connection():
    from django.conf import settings

    db = settings.DATABASES["default"]
    import psycopg

    return psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
    )


def _negative_levels() -> int:
    from django.db.models import Sum

    from catalogue.models import StockLevel

    total = StockLevel.objects.filter(quantity__lt=0).aggregate(total=Sum("quantity"))["total"]
    return int(-total) if total else 0


def _ledger_mismatches() -> int:
    from catalogue.services.stock import stock_check_ledger

    return len(stock_check_ledger())


def planning_figure(data) -> dict:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from bench.nearest import nearest_neighbour
    from deliveries import routing
    from deliveries.models import Vehicle
    from deliveries.services.planning import DEFAULT_TIME_LIMIT, depot_get, round_plan, routing_problem
    from deliveries.services.sources import stop_demands_for

    demands = stop_demands_for(data.plan_date)
    vehicles = [v for v in Vehicle.objects.filter(is_active=True).order_by("pk") if v.runs_on(data.plan_date)]
    problem = routing_problem(depot=depot_get(), vehicles=vehicles, demands=demands)
    started = time.perf_counter()
    nearest = nearest_neighbour(problem)
    nearest_seconds = time.perf_counter() - started

    # The solver's own time (bounded by its time limit) is timed apart: what is left is the planner's own cost
    # (reading the stops, the matrices, writing the rounds).
    solver_seconds = []
    solve = routing.solve

    def timed_solve(*args, **kwargs):
        began = time.perf_counter()
        try:
            return solve(*args, **kwargs)
        finally:
            solver_seconds.append(time.perf_counter() - began)

    started = time.perf_counter()
    with (
        CaptureQueriesContext(connection) as queries,
        transaction.atomic(durable=True),
        mock.patch.object(routing, "solve", timed_solve),
    ):
        result = round_plan(date=data.plan_date)
    seconds = time.perf_counter() - started
    distance = float(sum(r.distance_km for r in result.rounds))
    return {
        "stops": len(demands),
        "vehicles": len(vehicles),
        "time_limit": DEFAULT_TIME_LIMIT,
        "seconds": round(seconds, 2),
        "solver_seconds": round(sum(solver_seconds), 2),
        "outside_solver_seconds": round(seconds - sum(solver_seconds), 2),
        # The measure: the whole call less the solver's own time limit (what planning costs beyond the
        # search it is allowed).
        "beyond_time_limit_seconds": round(seconds - DEFAULT_TIME_LIMIT * len(solver_seconds), 2),
        "solver_runs": len(solver_seconds),
        "queries": len(queries.captured_queries),
        "distance_km": round(distance, 1),
        "rounds": len(result.rounds),
        "unassigned": len(result.unassigned),
        "nearest_neighbour": {
            "distance_km": round(nearest.distance_km, 1),
            "loads": nearest.loads,
            "stops": nearest.stops,
            "seconds": round(nearest_seconds, 3),
        },
        "ratio": round(distance / nearest.distance_km, 2) if nearest.distance_km else None,
    }


LIST_REPEATS = 7


def list_cases(day) -> dict[str, tuple[str, str, dict]]:
    """Row 6's requests: name -> (who asks: anonymous, customer or staff; path; headers). Also `bench/explain.py`."""
    day = day.isoformat()
    catalogue = CATALOGUE_QUERY.format(page=1)
    return {
        "catalogue_api": ("anonymous", "/api/v1/catalogue/products/" + catalogue, {}),
        "catalogue_page": ("anonymous", "/produits/" + catalogue, {"HTTP_ACCEPT": "text/html"}),
        "customer_orders": ("customer", "/api/v1/orders/", {}),
        "staff_orders": ("staff", f"/api/v1/orders/?status=placed&delivery_date={day}", {}),
        "preparation_json": ("staff", f"/api/v1/orders/preparation-list/?date={day}", {}),
        "preparation_csv": ("staff", f"/api/v1/orders/preparation-list/?date={day}&format=csv", {}),
    }


def lists_figure(data) -> dict:
    """Row 6, the lists whose cost may grow with the data: each asked `LIST_REPEATS` times after a warm-up under
    the Django test client (no HTTP, no load generator: the figure is the code's), median ms, SQL queries and
    body size."""
    import statistics

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients = {
        "anonymous": Client(),
        "customer": Client(HTTP_AUTHORIZATION=f"Token {data.customer_token}"),
        "staff": Client(HTTP_AUTHORIZATION=f"Token {data.staff_token}"),
    }
    cases = {name: (clients[who], path, headers) for name, (who, path, headers) in list_cases(data.plan_date).items()}
    figures = {}
    for name, (client, path, headers) in cases.items():
        response = client.get(path, **headers)  # warm-up
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}: {response.content[:300]!r}")
        times, firsts = [], []
        for _ in range(LIST_REPEATS):
            began = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path, **headers)
                if response.streaming:  # a streamed body: also when its first chunk came
                    chunks = iter(response)
                    body = next(chunks, b"")
                    firsts.append(time.perf_counter() - began)
                    body += b"".join(chunks)
                else:
                    body = response.content
            times.append(time.perf_counter() - began)
            count = len(queries.captured_queries)
        figures[name] = {
            "path": path,
            "ms": round(statistics.median(times) * 1000, 1),
            "queries": count,
            "bytes": len(body),
            "repeats": LIST_REPEATS,
            **({"first_chunk_ms": round(statistics.median(firsts) * 1000, 1)} if firsts else {}),
        }
    return figures


def baskets_figure(data) -> dict:
    from bench.seed import baskets_available

    if not baskets_available() or not data.basket_offer_ids:
        return {"available": False}
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.seed import basket_generate

    created = solidarity = 0
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        for offer_id in data.basket_offer_ids:
            result = basket_generate(data, offer_id=offer_id)
            created += result.created
            solidarity += result.solidarity
    seconds = time.perf_counter() - started
    return {
        "available": True,
        "offers": len(data.basket_offer_ids),
        "baskets": created,
        "solidarity": solidarity,
        "seconds": round(seconds, 2),
        "queries": len(queries.captured_queries),
    }


def workshop_figure(data) -> dict:
    from bench.seed import workshop_available

    if not workshop_available() or data.workshop_user_id is None:
        return {"available": False}
    from bench.seed import workshop_measure

    return {"available": True, **workshop_measure(data, repeats=WORKSHOP_REPEATS)}


# --- Table --------------------------------------------------------------------------------------------------------


def _ratio(value) -> str:
    return "" if value is None else f"{value:.2f}"


def table_rows(figures: dict) -> list[list[str]]:
    rows = []
    if "catalogue" in figures:
        c = figures["catalogue"]
        rows.append(
            [
                "1",
                "Catalogue list, page of 50, filters on (req/s)",
                f"{c['api']['per_second']:.0f} req/s (p50 {c['api']['p50_ms']} ms, p95 {c['api']['p95_ms']} ms)",
                f"{c['floor']['per_second']:.0f} req/s (p50 {c['floor']['p50_ms']} ms, p95 {c['floor']['p95_ms']} ms)",
                _ratio(c["ratio"]),
                "goal ≥ 0.50; same JSON: " + ("yes" if c["same_json"] else "NO"),
            ]
        )
        s = c["shop"]
        rows.append(
            [
                "1b",
                "Shop catalogue page /produits/, 50 products as HTML (req/s)",
                f"{s['per_second']:.0f} req/s (p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms)",
                f"the API's list of row 1: {c['api']['per_second']:.0f} req/s",
                _ratio(s["ratio_to_api"]),
                f"goal ≥ 0.50 of the API; products on pages 1-{len(s['products_per_page'])}: "
                + ", ".join(str(n) for n in s["products_per_page"]),
            ]
        )
    if "orders" in figures:
        o = figures["orders"]
        clients = f"{o['clients']} client{'s' if o['clients'] > 1 else ''}"
        rows.append(
            [
                "2",
                f"Place an order, 3 lines, pickup ({clients}, orders/s)",
                f"{o['api']['per_second']:.0f} orders/s ({o['api']['refused']} refused, p50 {o['api']['p50_ms']} ms)",
                f"{o['floor']['per_second']:.0f} orders/s ({o['floor']['refused']} refused, p50 {o['floor']['p50_ms']} ms)",
                _ratio(o["ratio"]),
                f"goal ≥ 0.50; oversold units: {o['oversold_units']}; ledger mismatches: {o['ledger_mismatches']}",
            ]
        )
        if o.get("floor_http"):
            h = o["floor_http"]
            rows.append(
                [
                    "2b",
                    "The same, floor served by the same gunicorn (orders/s)",
                    f"{o['api']['per_second']:.0f} orders/s",
                    f"{h['per_second']:.0f} orders/s ({h['refused']} refused, p50 {h['p50_ms']} ms): a bare Django view "
                    "running the raw transaction",
                    _ratio(o["ratio_http"]),
                    "what DRF, the ORM and the checks cost over HTTP + Django on this machine",
                ]
            )
    if "baskets" in figures:
        b = figures["baskets"]
        if b["available"]:
            rows.append(
                [
                    "3",
                    f"Weekly basket generation, {b['baskets']:,} subscriptions",
                    f"{b['seconds']:.2f} s, {b['queries']} SQL queries",
                    "",
                    "",
                    f"{b['offers']} offers, {b['solidarity']:,} at the solidarity price",
                ]
            )
        else:
            rows.append(["3", "Weekly basket generation, 10,000 subscriptions", "not available yet", "", "", ""])
    if "planning" in figures:
        p = figures["planning"]
        n = p["nearest_neighbour"]
        rows.append(
            [
                "4",
                f"Round planning, {p['stops']} stops, {p['vehicles']} vehicles",
                f"{p['seconds']:.2f} s, {p['distance_km']:.1f} km, {p['queries']} SQL queries",
                f"nearest neighbour {n['distance_km']:.1f} km ({n['loads']} loads)",
                _ratio(p["ratio"]),
                f"distance ratio (lower is better); {p['rounds']} rounds, {p['unassigned']} unassigned; "
                f"solver time limit {p['time_limit']} s"
                + (
                    (
                        f"; {p['beyond_time_limit_seconds']:.2f} s beyond the time limit"
                        if p["beyond_time_limit_seconds"] > 0
                        else "; within the time limit (the search stopped at its iteration budget)"
                    )
                    + "; outside routing.solve "
                    + f"{p['outside_solver_seconds']:.2f} s (routing.solve {p['solver_seconds']:.2f} s with its "
                    f"matrices, {p['solver_runs']} run(s))"
                    if SCALED and "solver_seconds" in p
                    else ""
                ),
            ]
        )
    if "workshop" in figures:
        w = figures["workshop"]
        if w["available"]:
            rows.append(
                [
                    "5",
                    "Workshop availability, eight weeks",
                    f"{w['selector_ms']:.1f} ms, {w['selector_queries']} SQL queries (selector)",
                    "",
                    "",
                    f"endpoint {w['endpoint_ms']:.1f} ms, {w['endpoint_queries']} queries; {w['slots']} slots, "
                    f"{w['equipment']} equipment, {w['bookings']} bookings; median of {w['repeats']}",
                ]
            )
        else:
            rows.append(["5", "Workshop availability, eight weeks", "not available yet", "", "", ""])
    for key, label in LIST_LABELS.items():
        if key in figures.get("lists", {}):
            f = figures["lists"][key]
            rows.append(
                [
                    "6",
                    label,
                    f"{f['ms']:.1f} ms, {f['queries']} SQL queries"
                    + (f", first chunk {f['first_chunk_ms']:.1f} ms" if "first_chunk_ms" in f else ""),
                    "",
                    "",
                    f"{f['bytes']:,} bytes; median of {f['repeats']} (test client); {f['path']}",
                ]
            )
    return rows


LIST_LABELS = {
    "catalogue_api": "Catalogue list (API), page of 50",
    "catalogue_page": "Shop catalogue page /produits/, 50 products (HTML)",
    "customer_orders": "A customer's order list",
    "staff_orders": "Staff order list, status=placed and the planning date",
    "preparation_json": "Preparation list of the planning date (JSON), first page of 100",
    "preparation_csv": "Preparation list of the planning date (CSV, streamed whole)",
}


def render_table(rows: list[list[str]]) -> str:
    header = ["#", "Figure", "Ecopôle code", "Floor (thinnest code)", "Ratio", "Notes"]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"

    def fmt(row):
        return "| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |"

    return "\n".join([line, fmt(header), line, *(fmt(r) for r in rows), line])


# --- Main ---------------------------------------------------------------------------------------------------------


def main() -> int:
    began = time.perf_counter()
    load_before = loadavg()
    url = bench_database_url()
    broker = os.environ.get("CELERY_BROKER_URL", "") or "filesystem:// (var/celery)"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DJANGO_ENV", None)
    safe_url = urlunsplit(urlsplit(url)._replace(netloc=urlsplit(url).hostname or ""))
    log(f"database: PostgreSQL ({safe_url}), recreated for this run")
    log(f"Celery broker: {broker.split('@')[-1]}; cache: {'Redis' if os.environ.get('REDIS_URL') else 'local memory'}")
    recreate_database(url)
    migrate_seconds = migrate(env)
    log(f"migrated in {migrate_seconds:.1f} s")

    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")})
    import django

    django.setup()
    from django.db import connection

    from bench.seed import seed

    started = time.perf_counter()
    data = seed()
    seed_seconds = time.perf_counter() - started
    connection.close()
    log(f"seeded in {seed_seconds:.1f} s: {data.counts}")
    with connection.cursor() as cursor:
        # The planner's statistics, as autovacuum would have them on a database that grew over months: right after
        # a bulk seed there are none, and PostgreSQL took 20,000 orders for one row (the 10x staff order list
        # measured 142 ms with a nested loop, 29 ms once analysed).
        cursor.execute("ANALYZE")
        cursor.execute("SHOW server_version")
        vendor_version = f"PostgreSQL {cursor.fetchone()[0]}"
    connection.close()

    figures: dict = {}
    server = Server(env)
    log(f"gunicorn ecopole.wsgi, {GUNICORN_WORKERS} workers, on 127.0.0.1:{server.port}")
    try:
        if wanted("1"):
            log(
                f"1. catalogue list: API, floor and the shop's page, {ROUNDS} × {SECONDS / ROUNDS:g} s each, {CATALOGUE_THREADS} threads"
            )
            figures["catalogue"] = catalogue_figure(server)
        if wanted("2"):
            clients = ORDER_CLIENTS
            log(
                f"2. placing orders: API, raw transaction and the same in a bare view, {ROUNDS} × {SECONDS / ROUNDS:g} s each, {clients} client(s)"
            )
            figures["orders"] = orders_figure(server, data)
    finally:
        server.stop()
    _purge_broker()
    if wanted("3"):
        log("3. basket generation")
        figures["baskets"] = baskets_figure(data)
    if wanted("4"):
        log("4. round planning")
        figures["planning"] = planning_figure(data)
    if wanted("5"):
        log("5. workshop availability")
        figures["workshop"] = workshop_figure(data)
    if SCALED and wanted("6"):
        log(f"6. lists at {data.scale}×")
        figures["lists"] = lists_figure(data)

    rows = table_rows(figures)
    result = {
        "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "backend": {
            "database": vendor_version,
            "celery_broker": broker.split("@")[-1],
            "cache": "redis" if os.environ.get("REDIS_URL") else "locmem",
            "conn_max_age": int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        },
        "machine": {**machine(vendor_version), "loadavg_before": load_before, "loadavg_after": loadavg()},
        "settings": {
            "seconds_per_figure": SECONDS,
            "rounds": ROUNDS,
            "gunicorn_workers": GUNICORN_WORKERS,
            "catalogue_threads": CATALOGUE_THREADS,
        },
        "scale": data.scale,
        "data": data.counts,
        "timings": {"migrate_s": round(migrate_seconds, 1), "seed_s": round(seed_seconds, 1)},
        "figures": figures,
        "table": rows,
    }
    result["timings"]["total_s"] = round(time.perf_counter() - began, 1)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n")
    if SCALED:
        (RESULTS.parent / f"scale-{data.scale}.json").write_text(RESULTS.read_text())
    print()
    print(
        f"Ecopôle benchmarks on {vendor_version}, "
        f"{result['machine']['cpu']}, {result['machine']['cores']} cores, {result['machine']['memory']}, "
        f"Python {result['machine']['python']}; load average {load_before} before, {result['machine']['loadavg_after']} after"
    )
    print(render_table(rows))
    print(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    print(f"written to {RESULTS.relative_to(ROOT)} in {result['timings']['total_s']:.0f} s")
    return 0


def _purge_broker() -> None:
    """The orders placed through the API enqueued confirmation emails nobody will send: drop them."""
    try:
        from ecopole.celery import app

        app.control.purge()
    except Exception as error:  # never fail the benchmark for this
        log(f"could not purge the Celery queue: {error!r}")


if __name__ == "__main__":
    sys.exit(main())
