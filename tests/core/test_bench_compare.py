"""`bench/compare.py` (make bench-scale): the verdict of each figure from the ratio of two scale runs."""

import json

import pytest

from bench import compare


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [
        (1.0, "flat"),
        (1.5, "flat"),
        (1.6, "sublinear"),
        (4.9, "sublinear"),
        (5.0, "linear"),
        (15.0, "linear"),
        (15.1, "worse"),
        (100.0, "worse"),
    ],
)
def test_the_verdict_at_ten_times(ratio, expected):
    assert compare.verdict(ratio, 10) == expected


def _run(scale: int, *, seconds: float, queries: int, ms: float) -> dict:
    return {
        "scale": scale,
        "data": {"orders_on_plan_date": 2000 * scale},
        "machine": {"loadavg_before": [1.0], "loadavg_after": [1.0]},
        "figures": {
            "planning": {"seconds": seconds, "outside_solver_seconds": seconds / 2, "queries": queries},
            "lists": {"staff_orders": {"ms": ms, "queries": 5}},
        },
    }


def test_two_runs_are_compared_figure_by_figure(tmp_path, capsys):
    small, large = _run(1, seconds=1.0, queries=50, ms=10.0), _run(10, seconds=30.0, queries=50, ms=120.0)
    rows = {row[0]: row[1:] for row in compare.compare(small, large)}
    assert rows["Round planning, seconds"] == ["1", "30", "30.00", "worse"]
    assert rows["Round planning, SQL queries"] == ["50", "50", "1.00", "flat"]
    assert rows["Staff order list, filtered, ms"] == ["10", "120", "12.00", "linear"]
    assert rows["Staff order list, filtered, SQL queries"][-1] == "flat"

    # and the command prints them from the two result files
    paths = []
    for run in (small, large):
        path = tmp_path / f"scale-{run['scale']}.json"
        path.write_text(json.dumps(run))
        paths.append(str(path))
    assert compare.main(paths) == 0
    out = capsys.readouterr().out
    assert "| Round planning, seconds" in out and "worse" in out
    assert compare.main(paths[:1]) == 2  # two files or nothing
