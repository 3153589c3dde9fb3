"""Readers for the public benchmark formats used to measure the solver.

Stop ids follow the conventions of the published solutions so that routes can
be compared directly: CVRPLIB customer ``i`` is TSPLIB node ``i + 1`` (the
depot is node 1), Solomon customers keep their ``CUST NO``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from deliveries.routing.distances import EuclideanMatrix
from deliveries.routing.problem import Depot, Problem, Stop, Vehicle

InstanceKind = Literal["cvrp", "vrptw"]


@dataclass(frozen=True)
class BenchmarkInstance:
    name: str
    kind: InstanceKind
    problem: Problem
    # Fleet size stated in the file (Solomon) or None when unbounded (CVRP).
    file_vehicles: int | None = None


@dataclass(frozen=True)
class KnownSolution:
    routes: list[list[int]]
    cost: float | None


def detect_kind(text: str) -> InstanceKind:
    if "NODE_COORD_SECTION" in text or re.search(r"^\s*TYPE\s*:", text, re.M):
        return "cvrp"
    if "CUST NO" in text.upper() or "VEHICLE" in text.upper():
        return "vrptw"
    raise ValueError("Unrecognised instance format (neither CVRPLIB nor Solomon).")


def read_instance(path: str | Path, *, vehicles: int | None = None) -> BenchmarkInstance:
    text = Path(path).read_text()
    if detect_kind(text) == "cvrp":
        return parse_cvrplib(text, vehicles=vehicles, default_name=Path(path).stem)
    return parse_solomon(text, vehicles=vehicles, default_name=Path(path).stem)


def parse_cvrplib(text: str, *, vehicles: int | None = None, default_name: str = "") -> BenchmarkInstance:
    header: dict[str, str] = {}
    sections: dict[str, list[list[str]]] = {}
    current: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line == "EOF":
            continue
        if re.match(r"^[A-Z_]+\s*:", line):
            key, _, value = line.partition(":")
            header[key.strip().upper()] = value.strip()
            current = None
        elif re.match(r"^[A-Z_]+SECTION$", line):
            current = line
            sections[current] = []
        elif current is not None:
            sections[current].append(line.split())

    weight_type = header.get("EDGE_WEIGHT_TYPE", "EUC_2D")
    if weight_type != "EUC_2D":
        raise ValueError(f"Only EUC_2D CVRPLIB instances are supported, got {weight_type}.")

    coords = {int(r[0]): (float(r[1]), float(r[2])) for r in sections["NODE_COORD_SECTION"]}
    demands = {int(r[0]): int(r[1]) for r in sections["DEMAND_SECTION"]}
    depot_nodes = [int(r[0]) for r in sections.get("DEPOT_SECTION", [["1"]]) if int(r[0]) >= 0]
    depot_node = depot_nodes[0] if depot_nodes else 1
    if depot_node != 1:
        raise ValueError("The CVRPLIB convention (customer i = node i+1) needs the depot at node 1.")

    capacity = int(header["CAPACITY"])
    customers = sorted(node for node in coords if node != depot_node)
    stops = tuple(
        Stop(id=str(node - 1), x=coords[node][0], y=coords[node][1], load_kg=demands[node]) for node in customers
    )
    depot = Depot(id="0", x=coords[depot_node][0], y=coords[depot_node][1])
    fleet = Vehicle(id="truck", capacity_kg=capacity, count=vehicles or len(stops))
    problem = Problem(
        depot=depot,
        stops=stops,
        vehicles=(fleet,),
        distance_matrix=EuclideanMatrix(rounding="nint"),
        # nint distances are already integers; no extra precision needed.
        precision=1,
    )
    return BenchmarkInstance(name=header.get("NAME", default_name), kind="cvrp", problem=problem)


def parse_solomon(text: str, *, vehicles: int | None = None, default_name: str = "") -> BenchmarkInstance:
    lines = [line.strip() for line in text.splitlines()]
    name = next((line for line in lines if line), default_name)
    numeric = [line.split() for line in lines if line and re.match(r"^-?\d", line)]
    file_vehicles, capacity = int(numeric[0][0]), int(numeric[0][1])
    rows = [[float(value) for value in row] for row in numeric[1:] if len(row) >= 7]

    depot_row = rows[0]
    depot = Depot(
        id=str(int(depot_row[0])),
        x=depot_row[1],
        y=depot_row[2],
        window_start=depot_row[4],
        window_end=depot_row[5],
    )
    stops = tuple(
        Stop(
            id=str(int(row[0])),
            x=row[1],
            y=row[2],
            load_kg=row[3],
            window_start=row[4],
            window_end=row[5],
            service_minutes=row[6],
        )
        for row in rows[1:]
    )
    fleet = Vehicle(
        id="vehicle",
        capacity_kg=capacity,
        shift_start=depot.window_start,
        shift_end=depot.window_end,
        count=vehicles or file_vehicles,
    )
    problem = Problem(
        depot=depot,
        stops=stops,
        vehicles=(fleet,),
        distance_matrix=EuclideanMatrix(rounding="none"),
        precision=1000,
    )
    return BenchmarkInstance(name=name, kind="vrptw", problem=problem, file_vehicles=file_vehicles)


def read_cvrplib_solution(path: str | Path) -> KnownSolution:
    routes: list[list[int]] = []
    cost: float | None = None
    for line in Path(path).read_text().splitlines():
        if line.lower().startswith("route"):
            _, _, body = line.partition(":")
            routes.append([int(token) for token in body.split()])
        elif line.lower().startswith("cost"):
            cost = float(line.split()[1])
    return KnownSolution(routes=routes, cost=cost)
