"""Translate a :class:`Problem` into PyVRP's integer ``ProblemData``.

Commune restrictions use one routing profile per distinct
(speed, allowed communes) pair: edges into and out of a stop a vehicle may
not serve get PyVRP's "missing edge" value, so any route using them carries
an enormous time warp and is never feasible.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pyvrp
from pyvrp.constants import MAX_VALUE

from deliveries.routing.problem import Problem, Stop, Vehicle

INT_MAX = int(np.iinfo(np.int64).max)
# Loads are real kg; centi-kg keeps them integral without losing precision.
LOAD_SCALE = 100
SLACK = 1e-6

ProfileKey = tuple[float | None, frozenset[str] | None]


@dataclass
class ModelMapping:
    """The problem restricted to the stops handed to PyVRP, with matrices."""

    problem: Problem
    stops: list[Stop]  # client index -> stop
    vehicles: list[Vehicle]  # vehicle type index -> vehicle
    distances: np.ndarray  # real units, index 0 = depot
    durations: dict[float | None, np.ndarray]  # by vehicle speed
    profiles: list[ProfileKey]
    relax_required: bool

    @classmethod
    def from_problem(cls, problem: Problem, stops: list[Stop], *, relax_required: bool = False) -> ModelMapping:
        points = [(problem.depot.x, problem.depot.y), *((s.x, s.y) for s in stops)]
        vehicles = list(problem.vehicles)
        distances = np.asarray(problem.distance_matrix.distances(points), dtype=float)
        durations = {
            speed: np.asarray(problem.distance_matrix.durations(points, speed), dtype=float)
            for speed in {v.speed_kmh for v in vehicles}
        }
        profiles = list(dict.fromkeys(_profile_key(v) for v in vehicles))
        return cls(problem, stops, vehicles, distances, durations, profiles, relax_required)

    def fleet_is_binding(self) -> bool:
        """Could the number of vehicles, not just their capacity, bind?"""
        return sum(v.count for v in self.vehicles) < len(self.stops)

    def route_distance(self, stops: list[Stop]) -> float:
        index = {s.id: i + 1 for i, s in enumerate(self.stops)}
        path = [0, *(index[s.id] for s in stops), 0]
        return float(sum(self.distances[a, b] for a, b in pairwise(path)))


def _profile_key(vehicle: Vehicle) -> ProfileKey:
    return (vehicle.speed_kmh, vehicle.allowed_communes)


def _up(value: float, scale: float) -> int:
    return INT_MAX if math.isinf(value) else max(0, math.ceil(value * scale - SLACK))


def _down(value: float, scale: float) -> int:
    return INT_MAX if math.isinf(value) else max(0, math.floor(value * scale + SLACK))


def build_data(mapping: ModelMapping, *, overflow: bool = False) -> pyvrp.ProblemData:
    """Integer PyVRP data; vehicle type ``i`` is ``mapping.vehicles[i]``.

    ``overflow`` appends, per vehicle type, an unlimited copy with a fixed
    cost larger than any distance saving. Such a fleet is never short, so
    the search quickly reaches plans without time warp; a plan that uses no
    overflow vehicle is then a good warm start for the real fleet.
    """
    problem, stops, p = mapping.problem, mapping.stops, mapping.problem.precision
    depot = problem.depot

    base_distance = np.rint(mapping.distances * p).astype(np.int64)
    distance_matrices, duration_matrices = [], []
    for speed, communes in mapping.profiles:
        distance = base_distance.copy()
        duration = np.ceil(mapping.durations[speed] * p - SLACK).clip(min=0).astype(np.int64)
        if communes is not None:
            forbidden = [i + 1 for i, s in enumerate(stops) if s.commune not in communes]
            for matrix in (distance, duration):
                matrix[forbidden, :] = MAX_VALUE
                matrix[:, forbidden] = MAX_VALUE
                matrix[forbidden, forbidden] = 0
        distance_matrices.append(distance)
        duration_matrices.append(duration)

    use_kg = any(s.load_kg > 0 for s in stops)
    use_crates = any(s.load_crates > 0 for s in stops)
    total_kg = sum(_up(s.load_kg, LOAD_SCALE) for s in stops)
    total_crates = sum(s.load_crates for s in stops)

    def loads(stop: Stop) -> list[int]:
        return [_up(stop.load_kg, LOAD_SCALE)] * use_kg + [stop.load_crates] * use_crates

    def capacity(vehicle: Vehicle) -> list[int]:
        # An unlimited dimension gets a capacity that can never bind.
        kg = min(_down(vehicle.capacity_kg, LOAD_SCALE), total_kg + 1)
        crates = min(_down(vehicle.capacity_crates, 1), total_crates + 1)
        return [kg] * use_kg + [crates] * use_crates

    finite = base_distance[base_distance < MAX_VALUE]
    max_fixed = max((_down(v.fixed_cost, p) for v in mapping.vehicles), default=0)
    # A relaxed required stop must always be worth its detour.
    # Detour plus an extra vehicle bounds it; a larger prize would drown the
    # load and time-warp penalties and keep the search infeasible longer.
    big_prize = int(min(2 * int(finite.max(initial=0)) + max_fixed + 1, MAX_VALUE))

    locations = [pyvrp.Location(x=depot.x, y=depot.y, name=depot.id)]
    locations += [pyvrp.Location(x=s.x, y=s.y, name=s.id) for s in stops]
    depots = [pyvrp.Depot(location=0, tw_early=_up(depot.window_start, p), tw_late=_down(depot.window_end, p))]
    clients = [
        pyvrp.Client(
            location=i + 1,
            delivery=loads(s),
            service_duration=_up(s.service_minutes, p),
            tw_early=_up(s.window_start, p),
            tw_late=_down(s.window_end, p),
            prize=big_prize if (s.required and mapping.relax_required) else _down(s.prize, p),
            required=s.required and not mapping.relax_required,
            name=s.id,
        )
        for i, s in enumerate(stops)
    ]
    max_edge = int(finite.max(initial=1))
    overflow_cost = min(2 * max_edge * (len(stops) + 1) + max_fixed, MAX_VALUE // (4 * (len(stops) + 1)))
    fleet = [(v, v.count, _down(v.fixed_cost, p), v.id) for v in mapping.vehicles]
    if overflow:
        fleet += [(v, len(stops), _down(v.fixed_cost, p) + overflow_cost, f"{v.id}#overflow") for v in mapping.vehicles]
    vehicle_types = [
        pyvrp.VehicleType(
            num_available=count,
            capacity=capacity(v),
            fixed_cost=fixed_cost,
            tw_early=_up(max(v.shift_start, depot.window_start), p),
            tw_late=_down(min(v.shift_end, depot.window_end), p),
            shift_duration=_down(v.max_duration, p),
            profile=mapping.profiles.index(_profile_key(v)),
            name=name,
        )
        for v, count, fixed_cost, name in fleet
    ]
    return pyvrp.ProblemData(
        locations,
        clients,
        depots,
        vehicle_types,
        distance_matrices,
        duration_matrices,
    )
