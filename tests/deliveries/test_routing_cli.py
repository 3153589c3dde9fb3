import json
import subprocess
import sys
import time
from pathlib import Path

from deliveries.routing.checker import check_solution
from deliveries.routing.instances import read_instance
from deliveries.routing.solver import solve

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[2]


def test_cli_time_limit_bounds_the_whole_process():
    # Given a 2 s budget for the whole command, interpreter start-up included
    command = [sys.executable, "-m", "deliveries.routing", str(DATA / "A-n32-k5.vrp"), "--time-limit", "2"]

    # When the benchmark command runs
    started = time.monotonic()
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    wall = time.monotonic() - started

    # Then it prints one checked, feasible JSON line within the budget
    line = json.loads(completed.stdout.strip().splitlines()[-1])
    assert line["feasible"] and line["violations"] == []
    assert sorted(c for route in line["routes"] for c in route) == list(range(1, 32))
    assert line["distance"] <= 784 * 1.01
    # (a little slack for the subprocess plumbing of this test itself)
    assert wall < 2.3


def test_two_workers_with_binding_iteration_budget_are_reproducible():
    # Given the bounded/full-fleet portfolio and an iteration budget that
    # binds long before the time limit
    problem = read_instance(DATA / "A-n32-k5.vrp").problem

    # When solved twice with the same seed
    runs = [solve(problem, time_limit=60, seed=3, max_iterations=300, workers=2) for _ in range(2)]

    # Then both plans are valid and identical
    for solution in runs:
        assert check_solution(problem, solution) == []
    first, second = ([r.stop_ids for r in s.routes] for s in runs)
    assert first == second
