"""``python -m deliveries.routing FILE``: solve a benchmark instance.

Prints one JSON line and exits non-zero when the independent checker finds a
violation, so the command doubles as a regression probe in scripts.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence

from deliveries.routing.checker import check_solution, recompute_distance
from deliveries.routing.instances import read_instance
from deliveries.routing.solver import solve

# Process start and imports (measured) are taken out of the budget, and this
# margin is kept for what follows the search (results handed back by the
# worker processes, the independent check, the JSON line, interpreter exit),
# so that ``--time-limit`` bounds the whole command, not just the search.
OVERHEAD_MARGIN = 0.1


def main(argv: Sequence[str] | None = None, *, started: float | None = None) -> int:
    started = time.monotonic() if started is None else started
    args = _parser().parse_args(argv)
    instance = read_instance(args.file, vehicles=args.vehicles)
    budget = max(0.1, args.time_limit - (time.monotonic() - started) - OVERHEAD_MARGIN)
    solution = solve(
        instance.problem,
        time_limit=budget,
        seed=args.seed,
        max_iterations=args.max_iterations,
        workers=args.workers,
        # A benchmark run must not silently double its time budget.
        fallback=False,
    )
    violations = check_solution(instance.problem, solution)
    feasible = solution.feasible and not violations
    distance = recompute_distance(instance.problem, solution)
    line = {
        "instance": instance.name,
        "distance": round(distance) if instance.kind == "cvrp" else round(distance, 4),
        "vehicles": len(solution.routes),
        "feasible": feasible,
        "routes": [[int(stop_id) for stop_id in route.stop_ids] for route in solution.routes],
        "violations": [v.code for v in violations],
        "seconds": round(time.monotonic() - started, 3),
    }
    print(json.dumps(line))
    return 0 if feasible else 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m deliveries.routing", description=__doc__)
    parser.add_argument("file", help="CVRPLIB .vrp or Solomon .txt instance (detected by content)")
    parser.add_argument("--time-limit", type=float, default=5.0, help="wall-clock seconds for the whole command")
    parser.add_argument(
        "--vehicles",
        type=int,
        default=None,
        help="fleet size (CVRP: unbounded by default; Solomon: the file's VEHICLE NUMBER by default)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--workers",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="parallel searches with seeds seed, seed+1, ...; the best is kept",
    )
    parser.add_argument(
        "--max-iterations",
        type=int,
        default=None,
        help="iteration budget per search; makes the result machine-independent when it binds first",
    )
    return parser


if __name__ == "__main__":
    sys.exit(main())
