"""Plain data describing a routing problem and its solution.

Units are whatever the distance matrix produces: kilometres and minutes for
geographic problems (:class:`~deliveries.routing.distances.HaversineMatrix`),
abstract units for benchmark instances where travel time equals distance.
Times (windows, shifts, arrivals) are expressed in the same time unit, e.g.
minutes from midnight for real deliveries.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from deliveries.routing.distances import DistanceMatrix

INFINITY = math.inf


class UnassignedReason(StrEnum):
    """Stable codes: they are stored and shown to planners, never rename."""

    NO_VEHICLE_CAN_SERVE_COMMUNE = "no_vehicle_can_serve_commune"
    CAPACITY_EXCEEDED = "capacity_exceeded"
    TIME_WINDOW_UNREACHABLE = "time_window_unreachable"
    NOT_SELECTED_BY_SOLVER = "not_selected_by_solver"
    # The whole fleet cannot carry the day's required load: known before any search.
    FLEET_CAPACITY_INSUFFICIENT = "fleet_capacity_insufficient"


@dataclass(frozen=True)
class Depot:
    """Start and end of every route.

    ``x``/``y`` are longitude/latitude for geographic problems (so that
    ``x`` is the east-west axis like in the benchmark instances).
    """

    id: str
    x: float
    y: float
    window_start: float = 0.0
    window_end: float = INFINITY


@dataclass(frozen=True)
class Stop:
    id: str
    x: float
    y: float
    load_kg: float = 0.0
    load_crates: int = 0
    service_minutes: float = 0.0
    window_start: float = 0.0
    window_end: float = INFINITY
    commune: str = ""
    required: bool = True
    # Only used for optional stops: what serving it is worth, in distance
    # units. Required stops that cannot be served are still reported, never
    # silently dropped.
    prize: float = 0.0


@dataclass(frozen=True)
class Vehicle:
    """A vehicle type; ``count`` identical vehicles are available.

    ``allowed_communes=None`` means the vehicle may serve any commune (a van);
    a cargo bike restricted to Calais centre gets ``frozenset({"Calais"})``.
    ``speed_kmh=None`` lets the distance matrix use its own default speed.
    """

    id: str
    capacity_kg: float = INFINITY
    capacity_crates: float = INFINITY
    shift_start: float = 0.0
    shift_end: float = INFINITY
    speed_kmh: float | None = None
    fixed_cost: float = 0.0
    allowed_communes: frozenset[str] | None = None
    count: int = 1
    max_duration: float = INFINITY

    def may_serve(self, stop: Stop) -> bool:
        return self.allowed_communes is None or stop.commune in self.allowed_communes


@dataclass(frozen=True)
class Problem:
    depot: Depot
    stops: tuple[Stop, ...]
    vehicles: tuple[Vehicle, ...]
    distance_matrix: DistanceMatrix
    # PyVRP only handles integers: distances and times are multiplied by this
    # factor before rounding. 1000 keeps Solomon-style real distances exact to
    # three decimals and turns km/minutes into metres/milliminutes.
    precision: int = 1000

    def __post_init__(self) -> None:
        ids = [stop.id for stop in self.stops]
        if len(set(ids)) != len(ids):
            raise ValueError("Stop ids must be unique.")
        vehicle_ids = [vehicle.id for vehicle in self.vehicles]
        if len(set(vehicle_ids)) != len(vehicle_ids):
            raise ValueError("Vehicle ids must be unique.")

    def stop_by_id(self) -> dict[str, Stop]:
        return {stop.id: stop for stop in self.stops}

    def vehicle_by_id(self) -> dict[str, Vehicle]:
        return {vehicle.id: vehicle for vehicle in self.vehicles}


@dataclass(frozen=True)
class RouteVisit:
    stop_id: str
    arrival: float
    departure: float


@dataclass(frozen=True)
class Route:
    """One vehicle tour; several routes share ``vehicle_id`` if count > 1."""

    vehicle_id: str
    stops: tuple[RouteVisit, ...]
    distance: float
    duration: float
    load_kg: float
    load_crates: int
    start: float = 0.0
    end: float = 0.0

    @property
    def stop_ids(self) -> list[str]:
        return [visit.stop_id for visit in self.stops]


@dataclass(frozen=True)
class UnassignedStop:
    stop_id: str
    reason: UnassignedReason
    # For FLEET_CAPACITY_INSUFFICIENT: what the fleet lacks for the day's required load (0 when it is enough).
    missing_kg: float = 0.0
    missing_crates: int = 0


@dataclass(frozen=True)
class Solution:
    routes: tuple[Route, ...]
    unassigned: tuple[UnassignedStop, ...] = field(default_factory=tuple)
    total_distance: float = 0.0
    feasible: bool = True
