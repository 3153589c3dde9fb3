"""The floor of round planning: a nearest-neighbour route over the same stops, split into vehicle loads greedily.

From the depot, go to the nearest stop whose load still fits the vehicle (kg and crates); when none fits, go back to
the depot and start the next load. Time windows and shifts are ignored, so it may need more loads than there are
vehicles: it is the distance a planner would get without a solver, not a feasible plan.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NearestNeighbourResult:
    distance_km: float
    loads: int
    stops: int


def nearest_neighbour(problem) -> NearestNeighbourResult:
    """`problem` is the `deliveries.routing.Problem` the planner builds (identical vehicles assumed: the first
    one's capacity is used)."""
    points = [(problem.depot.x, problem.depot.y), *((s.x, s.y) for s in problem.stops)]
    matrix = problem.distance_matrix.distances(points)
    vehicle = problem.vehicles[0]
    left = set(range(1, len(points)))
    distance, loads = 0.0, 0
    while left:
        loads += 1
        here, kg, crates = 0, 0.0, 0
        while True:
            fitting = [
                i
                for i in left
                if kg + problem.stops[i - 1].load_kg <= vehicle.capacity_kg
                and crates + problem.stops[i - 1].load_crates <= vehicle.capacity_crates
            ]
            if not fitting:
                break
            nearest = min(fitting, key=lambda i: matrix[here][i])
            distance += matrix[here][nearest]
            kg += problem.stops[nearest - 1].load_kg
            crates += problem.stops[nearest - 1].load_crates
            left.discard(nearest)
            here = nearest
        if here == 0:  # what is left is larger than a whole vehicle: it cannot be served at all
            loads -= 1
            break
        distance += matrix[here][0]
    return NearestNeighbourResult(distance_km=distance, loads=loads, stops=len(points) - 1 - len(left))
