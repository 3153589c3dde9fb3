"""Independent feasibility checker.

It recomputes everything (travel, times, loads, distance) from the problem
and the visit order only; the numbers the solver attached to the solution are
deliberately ignored, except the reported total distance which is compared.
That way a bug in the solver's bookkeeping cannot hide a bad plan.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

from deliveries.routing.distances import Point
from deliveries.routing.problem import Problem, Solution, Stop, Vehicle

EPSILON = 1e-6


@dataclass(frozen=True)
class Violation:
    code: str
    message: str
    route_index: int | None = None
    stop_id: str | None = None


def check_solution(
    problem: Problem,
    solution: Solution,
    *,
    require_all: bool = True,
    distance_tolerance: float = 1e-3,
) -> list[Violation]:
    """Return every violation found; an empty list means the plan is valid.

    With ``require_all`` a required stop must be routed; otherwise it may also
    appear in ``solution.unassigned`` (with a reason) but never silently
    disappear.
    """
    stops = problem.stop_by_id()
    vehicles = problem.vehicle_by_id()
    violations: list[Violation] = []

    seen: Counter[str] = Counter()
    routes_per_vehicle: Counter[str] = Counter()
    total = 0.0
    for index, route in enumerate(solution.routes):
        seen.update(route.stop_ids)
        routes_per_vehicle[route.vehicle_id] += 1
        vehicle = vehicles.get(route.vehicle_id)
        if vehicle is None:
            violations.append(Violation("unknown_vehicle", f"Vehicle {route.vehicle_id!r} does not exist.", index))
            continue
        unknown = [stop_id for stop_id in route.stop_ids if stop_id not in stops]
        for stop_id in unknown:
            violations.append(Violation("unknown_stop", f"Stop {stop_id!r} does not exist.", index, stop_id))
        if unknown:
            continue
        visited = [stops[stop_id] for stop_id in route.stop_ids]
        total += _route_distance(problem, visited)
        violations += _check_route(problem, vehicle, visited, index)

    for vehicle_id, used in routes_per_vehicle.items():
        vehicle = vehicles.get(vehicle_id)
        if vehicle is not None and used > vehicle.count:
            violations.append(
                Violation("too_many_routes", f"{used} routes for {vehicle.count} {vehicle_id!r} vehicle(s).")
            )

    for stop_id, times in seen.items():
        if times > 1:
            violations.append(Violation("duplicate_stop", f"Stop {stop_id} visited {times} times.", stop_id=stop_id))

    unassigned = {item.stop_id for item in solution.unassigned}
    for stop_id in unassigned & set(seen):
        violations.append(
            Violation("routed_and_unassigned", f"Stop {stop_id} is both routed and unassigned.", stop_id=stop_id)
        )
    for stop in problem.stops:
        if stop.id in seen:
            continue
        if require_all and stop.required:
            violations.append(Violation("missing_stop", f"Required stop {stop.id} is not routed.", stop_id=stop.id))
        elif stop.id not in unassigned:
            violations.append(
                Violation("lost_stop", f"Stop {stop.id} is neither routed nor reported unassigned.", stop_id=stop.id)
            )

    if not math.isclose(total, solution.total_distance, rel_tol=1e-9, abs_tol=distance_tolerance):
        violations.append(
            Violation(
                "distance_mismatch",
                f"Reported distance {solution.total_distance} but routes measure {total}.",
            )
        )
    return violations


def recompute_distance(problem: Problem, solution: Solution) -> float:
    stops = problem.stop_by_id()
    return sum(_route_distance(problem, [stops[s] for s in route.stop_ids]) for route in solution.routes)


def _points(problem: Problem, visited: list[Stop]) -> list[Point]:
    depot = (problem.depot.x, problem.depot.y)
    return [depot, *((stop.x, stop.y) for stop in visited), depot]


def _route_distance(problem: Problem, visited: list[Stop]) -> float:
    if not visited:
        return 0.0
    points = _points(problem, visited)
    # Pairwise calls keep the checker independent of any full-matrix indexing
    # the solver does.
    return sum(problem.distance_matrix.distances([a, b])[0][1] for a, b in pairwise(points))


def _check_route(problem: Problem, vehicle: Vehicle, visited: list[Stop], index: int) -> list[Violation]:
    violations: list[Violation] = []
    for stop in visited:
        if not vehicle.may_serve(stop):
            violations.append(
                Violation(
                    "forbidden_commune",
                    f"{vehicle.id} may not serve {stop.commune!r} (stop {stop.id}).",
                    index,
                    stop.id,
                )
            )

    load_kg = sum(stop.load_kg for stop in visited)
    if load_kg > vehicle.capacity_kg + EPSILON:
        violations.append(Violation("capacity_kg", f"Load {load_kg} kg > {vehicle.capacity_kg} kg.", index))
    load_crates = sum(stop.load_crates for stop in visited)
    if load_crates > vehicle.capacity_crates + EPSILON:
        violations.append(
            Violation("capacity_crates", f"Load {load_crates} crates > {vehicle.capacity_crates}.", index)
        )

    violations += _check_times(problem, vehicle, visited, index)
    return violations


def _check_times(problem: Problem, vehicle: Vehicle, visited: list[Stop], index: int) -> list[Violation]:
    """Earliest-start simulation: waiting is allowed, lateness is not."""
    if not visited:
        return []
    violations: list[Violation] = []
    points = _points(problem, visited)
    windows = [(stop.window_start, stop.window_end, stop.service_minutes) for stop in visited]
    depot_due = min(problem.depot.window_end, vehicle.shift_end)
    windows.append((-math.inf, depot_due, 0.0))

    start = max(vehicle.shift_start, problem.depot.window_start)
    clock = start
    waited = 0.0
    # Forward time slack: how much later the vehicle could leave the depot
    # without being late anywhere; used to measure the shortest duration.
    slack = math.inf
    for leg, (a, b) in enumerate(pairwise(points)):
        arrival = clock + problem.distance_matrix.durations([a, b], vehicle.speed_kmh)[0][1]
        early, late, service = windows[leg]
        stop_id = visited[leg].id if leg < len(visited) else None
        if arrival > late + EPSILON:
            code = "late_arrival" if stop_id is not None else "late_return"
            where = f"stop {stop_id}" if stop_id is not None else "the depot"
            violations.append(Violation(code, f"Arrives at {where} at {arrival:.3f} > {late}.", index, stop_id))
        wait = max(0.0, early - arrival)
        waited += wait
        begin = arrival + wait
        slack = min(slack, waited + max(0.0, late - begin))
        clock = begin + service

    duration = clock - start - min(slack, waited)
    if duration > vehicle.max_duration + EPSILON:
        violations.append(Violation("max_duration", f"Route lasts {duration:.3f} > {vehicle.max_duration}.", index))
    return violations


def route_violations(problem: Problem, vehicle: Vehicle, visited: list[Stop]) -> list[Violation]:
    """Violations of one route on its own (no cross-route checks)."""
    return _check_route(problem, vehicle, visited, 0)
