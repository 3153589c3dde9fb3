"""Solve a :class:`Problem` with PyVRP.

The pinned PyVRP 0.14 searches with iterated local search and late
acceptance (earlier releases used a hybrid genetic search). It works on integers, so every
distance/time is multiplied by ``problem.precision`` and rounded
conservatively (times up, deadlines down, loads up, capacities down): a plan
PyVRP deems feasible stays feasible with the real numbers.

Reproducibility: PyVRP is deterministic for a given seed and a given number
of iterations, and so is this module, with one or several workers (each
worker's seed, fleet variant and parameters depend only on its index; ties
between workers go to the lowest index). A pure runtime limit is not
reproducible: the number of iterations done before the deadline depends on
the machine and on its load (on the shared 2-core benchmark machine it varied
two-fold between runs of the same instance), so the same seed can give
different routes, and the benchmark gaps vary from run to run. Pass
``max_iterations`` for reproducible plans: the search then stops at whichever
of the iteration budget and ``time_limit`` comes first, and gives identical
routes whenever the iteration budget is the binding one.
"""

from __future__ import annotations

import math
import multiprocessing
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace

import pyvrp
from pyvrp.stop import MaxIterations, MultipleCriteria

from deliveries.routing.checker import route_violations
from deliveries.routing.distances import PrecomputedMatrix
from deliveries.routing.feasibility import precheck
from deliveries.routing.model import ModelMapping, build_data
from deliveries.routing.problem import (
    Problem,
    Route,
    RouteVisit,
    Solution,
    UnassignedReason,
    UnassignedStop,
)
from deliveries.routing.tuning import solve_params

WARM_START_SHARE = 0.3


@dataclass(frozen=True)
class _RunResult:
    cost: int
    feasible: bool
    # (vehicle type index, client indices, start, end, [(arrival, departure)])
    routes: list[tuple[int, list[int], int, int, list[tuple[int, int]]]]


def solve(
    problem: Problem,
    *,
    time_limit: float,
    seed: int = 1,
    max_iterations: int | None = None,
    workers: int = 1,
    fallback: bool = True,
) -> Solution:
    """Plan routes; never raises for unservable stops, reports them instead.

    ``time_limit`` is wall-clock seconds from the call, model building
    included: every search runs against one deadline.

    ``workers > 1`` runs that many independent searches (seeds ``seed``,
    ``seed + 1``, ...) in parallel processes until that deadline and keeps
    the cheapest; ties go to the lowest seed so the choice is stable. When a
    route-count bound applies (see :func:`_route_count_bound`) the searches
    alternate between the bounded fleet (even workers) and the full fleet
    (odd workers). Processes are forked: call it from a worker (Celery)
    rather than from a multi-threaded web process when ``workers > 1``.

    When the required stops cannot all be served, ``fallback`` re-plans once
    with them optional (up to twice ``time_limit`` in total) and reports the
    left-over stops; without it the infeasible plan is returned with
    ``feasible=False``.
    """
    deadline = time.monotonic() + time_limit
    problem = with_precomputed_matrices(problem)
    rejected = precheck(problem)
    rejected_ids = {item.stop_id for item in rejected}
    servable = [stop for stop in problem.stops if stop.id not in rejected_ids]
    if not servable:
        return Solution(routes=(), unassigned=tuple(rejected), total_distance=0.0, feasible=True)

    relax = _fleet_too_small(problem, servable)
    result, mapping = _search(problem, servable, relax, deadline, time_limit, seed, max_iterations, workers)
    if fallback and not result.feasible and not relax:
        # Required stops could not all fit (tight windows, few vehicles):
        # re-plan with them optional so that the planner gets a usable plan
        # plus the list of stops to handle by hand.
        relax = True
        deadline = time.monotonic() + time_limit
        result, mapping = _search(problem, servable, relax, deadline, time_limit, seed, max_iterations, workers)

    return _to_solution(problem, mapping, result, rejected, relax)


def with_precomputed_matrices(problem: Problem) -> Problem:
    """The problem with its matrices computed once, for the depot and every stop at every vehicle speed."""
    if isinstance(problem.distance_matrix, PrecomputedMatrix):
        return problem
    points = [(problem.depot.x, problem.depot.y), *((s.x, s.y) for s in problem.stops)]
    matrix = PrecomputedMatrix(problem.distance_matrix, points, {v.speed_kmh for v in problem.vehicles})
    return replace(problem, distance_matrix=matrix)


def fleet_shortfall(problem: Problem, servable: list) -> tuple[float, int]:
    """What the whole fleet lacks to carry the required stops (kg, crates); (0, 0) when it can."""
    fleet_kg = sum(v.capacity_kg * v.count for v in problem.vehicles)
    fleet_crates = sum(v.capacity_crates * v.count for v in problem.vehicles)
    need_kg = sum(s.load_kg for s in servable if s.required)
    need_crates = sum(s.load_crates for s in servable if s.required)
    missing_kg = need_kg - fleet_kg if need_kg > fleet_kg else 0.0
    missing_crates = need_crates - fleet_crates if need_crates > fleet_crates else 0
    return float(missing_kg), int(missing_crates) if missing_crates != math.inf else 0


def _fleet_too_small(problem: Problem, servable: list) -> bool:
    missing_kg, missing_crates = fleet_shortfall(problem, servable)
    return missing_kg > 0 or missing_crates > 0


def _time_constrained(problem: Problem, servable: list) -> bool:
    """Do windows, shifts or durations (not just capacities) limit routes?"""
    depot = problem.depot
    return (
        any(math.isfinite(s.window_end) or s.window_start > 0 for s in servable)
        or math.isfinite(depot.window_end)
        or any(math.isfinite(v.shift_end) or math.isfinite(v.max_duration) for v in problem.vehicles)
    )


def _route_count_bound(problem: Problem, servable: list) -> int | None:
    """Fewest routes a single unlimited vehicle type could need, if useful.

    With plenty of vehicles the search happily spreads load over extra
    routes and gets stuck there; a search restricted to the capacity lower
    bound explores the dense packings where, on well-filled instances, the
    shortest plans live (all 27 CVRPLIB set-A optima use exactly that many
    routes). With several workers the bounded and the full fleet are searched
    side by side; with one, the full fleet is searched again (costing a second
    ``time_limit``) when no plan fits the bound.
    """
    if len(problem.vehicles) != 1 or any(not s.required for s in servable):
        return None
    if any(math.isfinite(s.window_end) for s in servable):
        # With time windows the number of routes is driven by time, not load:
        # the bound would mostly be infeasible and waste the search.
        return None
    vehicle = problem.vehicles[0]
    bound = 1
    for need, cap in (
        (sum(s.load_kg for s in servable), vehicle.capacity_kg),
        (sum(s.load_crates for s in servable), vehicle.capacity_crates),
    ):
        if need > 0 and 0 < cap < math.inf:
            bound = max(bound, math.ceil(need / cap - 1e-9))
    return bound if bound < min(vehicle.count, len(servable)) else None


def _search(problem, servable, relax, deadline, time_limit, seed, max_iterations, workers):
    mapping = ModelMapping.from_problem(problem, servable, relax_required=relax)
    bound = None if relax else _route_count_bound(problem, servable)
    variants = [problem]
    if bound is not None:
        variants.insert(0, replace(problem, vehicles=(replace(problem.vehicles[0], count=bound),)))
    workers = max(1, workers)
    if workers > 1 or len(variants) == 1:
        # Diversified portfolio: the bounded and the full fleet side by side.
        # The fleet variants share vehicle type 0, so routes map onto
        # ``mapping`` either way.
        jobs = [
            (variants[k % len(variants)], servable, relax, deadline, seed + k, max_iterations, k)
            for k in range(workers)
        ]
        return _best_of(jobs), mapping
    best = _best_of([(variants[0], servable, relax, deadline, seed, max_iterations, 0)])
    if not best.feasible:
        deadline = time.monotonic() + time_limit
        best = _best_of([(problem, servable, relax, deadline, seed, max_iterations, 0)])
    return best, mapping


def _best_of(jobs) -> _RunResult:
    if len(jobs) == 1:
        results = [_run(*jobs[0])]
    else:
        # fork keeps start-up cheap (no re-import of Django settings etc.).
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=len(jobs), mp_context=context) as pool:
            results = list(pool.map(_run_packed, jobs))
    return min(enumerate(results), key=lambda item: (not item[1].feasible, item[1].cost, item[0]))[1]


def _run_packed(args) -> _RunResult:
    return _run(*args)


def _run(problem, servable, relax, deadline, seed, max_iterations, variant=0) -> _RunResult:
    mapping = ModelMapping.from_problem(problem, servable, relax_required=relax)
    data = build_data(mapping)
    initial = None
    timed = _time_constrained(problem, servable)
    params = solve_params(data, time_constrained=timed, variant=variant)
    if mapping.fleet_is_binding() and timed:
        # Starting a tight fleet from a random plan often never loses its
        # time warp; a short run with overflow vehicles finds a feasible
        # plan that becomes the warm start when it fits the real fleet.
        # Capacity alone needs no such help: load penalties steer the search.
        warm_data = build_data(mapping, overflow=True)
        warm_deadline = time.monotonic() + WARM_START_SHARE * max(0.0, deadline - time.monotonic())
        warm = _pyvrp_solve(warm_data, warm_deadline, seed, _share(max_iterations), params)
        real_types = len(mapping.vehicles)
        if all(route.vehicle_type() < real_types for route in warm.routes()):
            initial = pyvrp.Solution(
                data, [pyvrp.Route(data, _clients(route), route.vehicle_type()) for route in warm.routes()]
            )
        max_iterations = _share(max_iterations, 1 - WARM_START_SHARE)
    best = _pyvrp_solve(data, deadline, seed, max_iterations, params, initial)
    routes = []
    for route in best.routes():
        clients, times = [], []
        for activity in route.schedule():
            if activity.is_client():
                clients.append(activity.idx)
                times.append((activity.start_time - activity.wait_duration, activity.end_time))
        routes.append((route.vehicle_type(), clients, route.start_time(), route.end_time(), times))
    cost = int(best.distance_cost() + best.fixed_vehicle_cost() - best.prizes())
    return _RunResult(cost=cost, feasible=best.is_feasible(), routes=routes)


def _clients(route: pyvrp.Route) -> list[int]:
    return [activity.idx for activity in route.schedule() if activity.is_client()]


def _share(iterations: int | None, share: float = WARM_START_SHARE) -> int | None:
    return None if iterations is None else max(1, int(iterations * share))


class _Deadline:
    """Stop at an absolute ``time.monotonic()`` instant.

    Unlike ``MaxRuntime``, whose clock starts at its first call (after the
    initial local search), this keeps every phase inside one budget.
    """

    def __init__(self, deadline: float):
        self.deadline = deadline

    def __call__(self, best_cost: float) -> bool:
        return time.monotonic() >= self.deadline


def _pyvrp_solve(data, deadline, seed, max_iterations, params, initial=None) -> pyvrp.Solution:
    stop = _Deadline(deadline)
    if max_iterations is not None:
        stop = MultipleCriteria([MaxIterations(max_iterations), stop])
    with warnings.catch_warnings():
        # Penalty-bound warnings only say the instance is hard; infeasible
        # outcomes are handled (and reported) by the caller.
        warnings.simplefilter("ignore")
        result = pyvrp.solve(
            data,
            stop=stop,
            seed=seed,
            collect_stats=False,
            display=False,
            params=params,
            initial_solution=initial,
        )
    return result.best


def _repair(problem: Problem, vehicle, visits: list) -> tuple[list, list[UnassignedStop]]:
    dropped: list[UnassignedStop] = []
    while visits:
        violations = route_violations(problem, vehicle, [stop for stop, _ in visits])
        if not violations:
            break
        codes = {v.code for v in violations}
        if codes & {"capacity_kg", "capacity_crates"}:
            index, reason = len(visits) - 1, UnassignedReason.CAPACITY_EXCEEDED
        else:
            late = next((v.stop_id for v in violations if v.stop_id is not None), None)
            ids = [stop.id for stop, _ in visits]
            index = ids.index(late) if late in ids else len(visits) - 1
            reason = UnassignedReason.TIME_WINDOW_UNREACHABLE
        dropped.append(UnassignedStop(visits[index][0].id, reason))
        visits = visits[:index] + visits[index + 1 :]
    return visits, dropped


def _to_solution(problem: Problem, mapping: ModelMapping, result: _RunResult, rejected, relaxed: bool) -> Solution:
    p = problem.precision
    unassigned = list(rejected)
    routed: set[str] = set()
    routes: list[Route] = []
    total = 0.0
    for vehicle_index, clients, start, end, times in result.routes:
        vehicle = mapping.vehicles[vehicle_index]
        stops = [mapping.stops[c] for c in clients]
        # The solution must never put a stop on a vehicle that may not serve
        # its commune; prohibitive edges make this impossible in a feasible
        # plan, this guard covers an infeasible fallback.
        allowed = [(s, t) for s, t in zip(stops, times, strict=True) if vehicle.may_serve(s)]
        if not result.feasible:
            # Never hand out a plan that breaks a capacity or a window: drop
            # stops until the route is valid and report them.
            allowed, dropped = _repair(problem, vehicle, allowed)
            unassigned += dropped
        if not allowed:
            continue
        visits = tuple(RouteVisit(s.id, t[0] / p, t[1] / p) for s, t in allowed)
        distance = mapping.route_distance([s for s, _ in allowed])
        total += distance
        routed.update(s.id for s, _ in allowed)
        routes.append(
            Route(
                vehicle_id=vehicle.id,
                stops=visits,
                distance=distance,
                duration=(end - start) / p,
                load_kg=sum(s.load_kg for s, _ in allowed),
                load_crates=sum(s.load_crates for s, _ in allowed),
                start=start / p,
                end=end / p,
            )
        )

    missing_kg, missing_crates = fleet_shortfall(problem, mapping.stops) if relaxed else (0.0, 0)
    fleet_short = missing_kg > 0 or missing_crates > 0
    for stop in mapping.stops:
        if stop.id not in routed:
            if fleet_short and stop.required:
                unassigned.append(
                    UnassignedStop(stop.id, UnassignedReason.FLEET_CAPACITY_INSUFFICIENT, missing_kg, missing_crates)
                )
            else:
                unassigned.append(UnassignedStop(stop.id, UnassignedReason.NOT_SELECTED_BY_SOLVER))

    feasible = result.feasible and not any(s.required for s in problem.stops if s.id not in routed)
    return Solution(
        routes=tuple(routes),
        unassigned=tuple(unassigned),
        total_distance=total,
        feasible=feasible,
    )
