"""Compare two scale runs of the benchmark (`make bench-scale`, or `make bench SCALE=N` twice):

    python bench/compare.py bench/results/scale-1.json bench/results/scale-10.json

For each figure measured at both scales: the two values, their ratio (large / small) and a verdict: "flat" when the
ratio is at most 1.5, "sublinear" below half the ratio of the scales N, "linear" up to 1.5 × N (about N×: the cost
follows the data), "worse" beyond. Exits 0 whatever the verdicts: the figures are read, not gated (a timed gate on a shared
2-core machine would fail on noise).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

FLAT = 1.5
LABELS = {
    "catalogue_api": "Catalogue list (API)",
    "catalogue_page": "Shop catalogue page (HTML)",
    "customer_orders": "A customer's order list",
    "staff_orders": "Staff order list, filtered",
    "preparation_json": "Preparation list (JSON)",
    "preparation_csv": "Preparation list (CSV)",
}


def figures(result: dict) -> dict[str, float]:
    """The comparable figures of one run: name -> value."""
    out: dict[str, float] = {}
    planning = result["figures"].get("planning")
    if planning:
        out["Round planning, seconds"] = planning["seconds"]
        if "outside_solver_seconds" in planning:
            out["Round planning, seconds outside routing.solve"] = planning["outside_solver_seconds"]
        out["Round planning, SQL queries"] = planning["queries"]
    for key, figure in result["figures"].get("lists", {}).items():
        out[f"{LABELS.get(key, key)}, ms"] = figure["ms"]
        out[f"{LABELS.get(key, key)}, SQL queries"] = figure["queries"]
        if "first_chunk_ms" in figure:
            out[f"{LABELS.get(key, key)}, ms to the first chunk"] = figure["first_chunk_ms"]
    return out


def verdict(ratio: float, scale: float) -> str:
    if ratio <= FLAT:
        return "flat"
    if ratio < scale / 2:
        return "sublinear"
    if ratio <= FLAT * scale:
        return "linear"
    return "worse"


def compare(small: dict, large: dict) -> list[list[str]]:
    scale = large.get("scale", 1) / small.get("scale", 1)
    a, b = figures(small), figures(large)
    rows = []
    for name in a:
        if name not in b:
            continue
        ratio = b[name] / a[name] if a[name] else (1.0 if not b[name] else float("inf"))
        rows.append([name, f"{a[name]:g}", f"{b[name]:g}", f"{ratio:.2f}", verdict(ratio, scale)])
    return rows


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    small, large = (json.loads(Path(path).read_text()) for path in argv)
    header = ["Figure", f"{small.get('scale', 1)}×", f"{large.get('scale', 1)}×", "Ratio", "Verdict"]
    rows = compare(small, large)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *rows]:
        print("| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |")
    for result in (small, large):
        print(
            f"{result.get('scale', 1)}×: {result['data']}; load average {result['machine']['loadavg_before']} before, "
            f"{result['machine']['loadavg_after']} after"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
