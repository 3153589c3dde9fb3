"""Measure ``deliveries.routing`` against published optima / best-knowns.

Runs the CLI (one process per instance, as a user would) over the CVRPLIB
set A and optionally the Solomon instances, then writes a markdown table.

    python bench/routing_gaps.py [--time-limit 5] [--solomon] [--cvrp-runs 3] [--only A-n64-k9]

With a pure time limit the result depends on how many iterations the machine
manages, so ``--cvrp-runs N`` repeats the set-A part N times (same seed) and
reports every run; the 1-minute load average is recorded as well.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

DATA = Path("/work/shared/vrp")
ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "bench" / "results" / "routing_gaps.md"


def known_values() -> list[dict[str, str]]:
    with open(DATA / "known_values.csv") as fh:
        return list(csv.DictReader(fh))


def run_one(path: Path, time_limit: float, vehicles: int | None, seed: int) -> tuple[dict, float]:
    command = [
        sys.executable,
        "-m",
        "deliveries.routing",
        str(path),
        "--time-limit",
        str(time_limit),
        "--seed",
        str(seed),
    ]
    if vehicles is not None:
        command += ["--vehicles", str(vehicles)]
    started = time.monotonic()
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    lines = completed.stdout.strip().splitlines()
    if not lines:
        return {
            "feasible": False,
            "distance": None,
            "vehicles": None,
            "error": completed.stderr[-300:],
        }, elapsed
    return json.loads(lines[-1]), elapsed


def table(title: str, rows: list[dict], with_fleet: bool) -> list[str]:
    header = "| instance | best known | found | gap % | vehicles (best known / used) | feasible | time s |"
    out = [f"## {title}", "", header, "|---|---:|---:|---:|---:|:---:|---:|"]
    for row in rows:
        gap = "" if row["gap"] is None else f"{row['gap']:.3f}"
        fleet = f"{row['known_vehicles']} / {row['vehicles']}" if with_fleet else f"- / {row['vehicles']}"
        found = "" if row["found"] is None else f"{row['found']:g}"
        out.append(
            f"| {row['instance']} | {row['known']:g} | {found} | {gap} | {fleet} | "
            f"{'yes' if row['feasible'] else 'NO'} | {row['time']:.2f} |"
        )
    gaps = [row["gap"] for row in rows if row["gap"] is not None and row["feasible"]]
    out.append("")
    if gaps:
        at_best = sum(1 for g in gaps if g <= 1e-9)
        within_1 = sum(1 for g in gaps if g <= 1.0)
        out.append(
            f"**{len(rows)} instances, {len(gaps)} feasible; mean gap {statistics.mean(gaps):.3f} %, "
            f"max gap {max(gaps):.3f} %, at best known (gap <= 0): {at_best}, within 1 %: {within_1}; "
            f"mean wall time {statistics.mean(r['time'] for r in rows):.2f} s.**"
        )
    out.append("")
    return out


def summary(rows: list[dict]) -> dict:
    gaps = [row["gap"] for row in rows if row["gap"] is not None and row["feasible"]]
    return {
        "feasible": len(gaps),
        "mean": statistics.mean(gaps) if gaps else None,
        "max": max(gaps) if gaps else None,
        "optima": sum(1 for g in gaps if g <= 1e-9),
    }


def repeated(runs: list[list[dict]], loads: list[str]) -> list[str]:
    out = ["## CVRPLIB set A, repeated runs (same code, same seed)", ""]
    for index, (rows, load) in enumerate(zip(runs, loads, strict=True), start=1):
        s = summary(rows)
        out.append(
            f"- run {index}: {s['feasible']}/{len(rows)} feasible, mean gap {s['mean']:.3f} %, "
            f"max {s['max']:.3f} %, optima {s['optima']}; load average before the run {load}"
        )
    means = [summary(rows)["mean"] for rows in runs]
    out += ["", f"**Mean of the {len(runs)} run means: {statistics.mean(means):.3f} %.**", ""]
    header = "| instance | optimum | " + " | ".join(f"run {i}" for i in range(1, len(runs) + 1)) + " |"
    out += [header, "|---|---:|" + "---:|" * len(runs)]
    for parts in zip(*runs, strict=True):
        cells = [f"{p['found']:g}" if p["feasible"] else "NO" for p in parts]
        out.append(f"| {parts[0]['instance']} | {parts[0]['known']:g} | " + " | ".join(cells) + " |")
    out.append("")
    return out


def load_average() -> str:
    try:
        return " / ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "n/a"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--time-limit", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--solomon", action="store_true", help="also run the Solomon instances with a best-known value")
    parser.add_argument("--no-cvrp", action="store_true")
    parser.add_argument("--only", nargs="*", default=None, help="instance names to run (e.g. A-n64-k9 r101)")
    parser.add_argument("--cvrp-runs", type=int, default=1, help="repeat the set-A part this many times")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()

    sections: list[str] = []
    groups = []
    if not args.no_cvrp:
        for run in range(1, args.cvrp_runs + 1):
            suffix = f", run {run} of {args.cvrp_runs}" if args.cvrp_runs > 1 else ""
            groups.append((f"CVRPLIB set A (optimal values){suffix}", "cvrp_A/", False))
    if args.solomon:
        groups.append(("Solomon VRPTW, fleet fixed to the best-known one (--vehicles)", "solomon/", True))

    cvrp_runs: list[list[dict]] = []
    loads: list[str] = []
    for title, prefix, with_fleet in groups:
        rows = []
        loads.append(load_average())
        for record in known_values():
            path = DATA / record["file"]
            if not record["file"].startswith(prefix) or (args.only and path.stem not in args.only):
                continue
            known = float(record["value"])
            vehicles = int(record["vehicles"]) if with_fleet else None
            result, elapsed = run_one(path, args.time_limit, vehicles, args.seed)
            found = result.get("distance")
            gap = None if found is None else 100.0 * (found - known) / known
            # Solomon values are rounded to 2 decimals; compare at that precision.
            if gap is not None and with_fleet:
                gap = 100.0 * (round(found, 2) - known) / known
            row = {
                "instance": path.stem,
                "known": known,
                "found": found,
                "gap": gap,
                "vehicles": result.get("vehicles"),
                "known_vehicles": record["vehicles"],
                "feasible": bool(result.get("feasible")),
                "time": elapsed,
            }
            rows.append(row)
            print(
                json.dumps({k: row[k] for k in ("instance", "known", "found", "gap", "vehicles", "feasible", "time")}),
                flush=True,
            )
        sections += table(title, rows, with_fleet)
        sections.insert(len(sections) - 1, f"Load average (1/5/15 min) before this part: {loads[-1]}.")
        if not with_fleet:
            cvrp_runs.append(rows)
    if len(cvrp_runs) > 1:
        sections = repeated(cvrp_runs, loads[: len(cvrp_runs)]) + sections
    lines = [
        "# Routing benchmark: gaps to optimal / best-known values",
        "",
        f"Command: `python bench/routing_gaps.py --time-limit {args.time_limit:g} --seed {args.seed}"
        f"{' --solomon' if args.solomon else ''}{f' --cvrp-runs {args.cvrp_runs}' if args.cvrp_runs > 1 else ''}` (each instance solved by `python -m deliveries.routing`, "
        "whose --time-limit bounds the whole process; time column = measured wall time incl. interpreter start).",
        "",
        *sections,
    ]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(lines))
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
