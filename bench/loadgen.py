"""A small HTTP load generator: N threads, one `http.client` connection each (kept alive when the server allows
it; gunicorn's sync workers close it after each response, and `http.client` then reconnects by itself), a fixed
duration, every request timed.

It runs in the benchmark's own Python process, so on a small machine it takes CPU from the server it measures: the
absolute figures are lower than a compiled tool (wrk) would report, for the API and the floor alike.
"""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

# A request: (method, path, body or None, headers).
Request = tuple[str, str, bytes | None, dict[str, str]]


@dataclass
class LoadResult:
    duration: float
    threads: int
    statuses: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)  # seconds, every answered request
    errors: int = 0  # connection errors and timeouts

    def count(self, *statuses: int) -> int:
        return sum(self.statuses[s] for s in statuses)

    def rate(self, *statuses: int) -> float:
        return self.count(*statuses) / self.duration if self.duration else 0.0

    def percentile_ms(self, q: float) -> float | None:
        if len(self.latencies) < 2:
            return self.latencies[0] * 1000 if self.latencies else None
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[int(q) - 1] * 1000

    def merge(self, other: LoadResult) -> LoadResult:
        merged = LoadResult(self.duration + other.duration, max(self.threads, other.threads))
        merged.statuses = self.statuses + other.statuses
        merged.latencies = self.latencies + other.latencies
        merged.errors = self.errors + other.errors
        return merged


def run_load(
    *, host: str, port: int, threads: int, duration: float, make_request: Callable[[int, int], Request]
) -> LoadResult:
    """Send requests from `threads` threads for `duration` seconds. `make_request(thread, n)` gives the n-th request
    of a thread. Requests still in flight at the deadline are finished but not counted."""
    result = LoadResult(duration=duration, threads=threads)
    lock = threading.Lock()
    start_barrier = threading.Barrier(threads + 1)
    deadline = [0.0]

    def worker(index: int) -> None:
        connection = http.client.HTTPConnection(host, port, timeout=30)
        statuses: Counter = Counter()
        latencies: list[float] = []
        errors = 0
        n = 0
        start_barrier.wait()
        while True:
            method, path, body, headers = make_request(index, n)
            n += 1
            began = time.perf_counter()
            if began >= deadline[0]:
                break
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                ended = time.perf_counter()
                if response.will_close:
                    connection.close()
            except (OSError, http.client.HTTPException):
                errors += 1
                connection.close()
                continue
            if ended <= deadline[0]:
                statuses[response.status] += 1
                latencies.append(ended - began)
        connection.close()
        with lock:
            result.statuses.update(statuses)
            result.latencies.extend(latencies)
            result.errors += errors

    workers = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(threads)]
    for thread in workers:
        thread.start()
    deadline[0] = time.perf_counter() + duration
    start_barrier.wait()
    for thread in workers:
        thread.join()
    return result
