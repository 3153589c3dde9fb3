"""Cheap pre-checks for stops that no plan could ever serve.

Reporting these up front gives planners a precise reason instead of the
generic ``not_selected_by_solver``, and keeps hopeless stops out of the
search.
"""

from __future__ import annotations

from deliveries.routing.problem import Problem, Stop, UnassignedReason, UnassignedStop, Vehicle

EPSILON = 1e-9


def precheck(problem: Problem) -> list[UnassignedStop]:
    rejected = []
    for stop in problem.stops:
        reason = unservable_reason(problem, stop)
        if reason is not None:
            rejected.append(UnassignedStop(stop.id, reason))
    return rejected


def unservable_reason(problem: Problem, stop: Stop) -> UnassignedReason | None:
    # Reasons are checked in order so the reported one is the most specific:
    # a stop in a commune nobody serves is not also blamed on its weight.
    candidates = [v for v in problem.vehicles if v.may_serve(stop)]
    if not candidates:
        return UnassignedReason.NO_VEHICLE_CAN_SERVE_COMMUNE
    candidates = [
        v
        for v in candidates
        if stop.load_kg <= v.capacity_kg + EPSILON and stop.load_crates <= v.capacity_crates + EPSILON
    ]
    if not candidates:
        return UnassignedReason.CAPACITY_EXCEEDED
    if not any(_reachable(problem, v, stop) for v in candidates):
        return UnassignedReason.TIME_WINDOW_UNREACHABLE
    return None


def _reachable(problem: Problem, vehicle: Vehicle, stop: Stop) -> bool:
    """Can a dedicated out-and-back trip serve the stop on time?"""
    if stop.window_start > stop.window_end:
        return False
    depot = (problem.depot.x, problem.depot.y)
    times = problem.distance_matrix.durations([depot, (stop.x, stop.y)], vehicle.speed_kmh)
    there, back = times[0][1], times[1][0]
    leave = max(vehicle.shift_start, problem.depot.window_start)
    arrival = leave + there
    if arrival > stop.window_end + EPSILON:
        return False
    begin = max(arrival, stop.window_start)
    home = begin + stop.service_minutes + back
    if home > min(vehicle.shift_end, problem.depot.window_end) + EPSILON:
        return False
    # Leaving later removes waiting, so the shortest trip has none.
    return there + stop.service_minutes + back <= vehicle.max_duration + EPSILON
