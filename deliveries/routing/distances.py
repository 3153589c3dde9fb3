"""Distance/duration providers.

The solver and the checker only talk to the :class:`DistanceMatrix` protocol,
so a road matrix (e.g. an OSRM ``/table`` client returning road km and
minutes per vehicle profile) can replace :class:`HaversineMatrix` later
without touching them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

Point = tuple[float, float]
Matrix = list[list[float]]

EARTH_RADIUS_KM = 6371.0088


@runtime_checkable
class DistanceMatrix(Protocol):
    """Full matrices over ``points`` (index 0 is the depot by convention)."""

    def distances(self, points: Sequence[Point]) -> Matrix:
        """Travel distances (km for geographic providers)."""
        ...

    def durations(self, points: Sequence[Point], speed_kmh: float | None = None) -> Matrix:
        """Travel times (minutes for geographic providers) at ``speed_kmh``.

        ``None`` means the provider's default speed; providers that carry
        their own time model (benchmarks, road engines) may ignore it.
        """
        ...


@dataclass(frozen=True)
class HaversineMatrix:
    """Great-circle distance inflated by a road factor; points are (lon, lat).

    A 1.3 detour factor is a common urban/peri-urban approximation until a
    real road matrix is plugged in.
    """

    road_factor: float = 1.3
    speed_kmh: float = 30.0

    def distances(self, points: Sequence[Point]) -> Matrix:
        return [[self._km(a, b) for b in points] for a in points]

    def durations(self, points: Sequence[Point], speed_kmh: float | None = None) -> Matrix:
        speed = speed_kmh or self.speed_kmh
        return [[km / speed * 60.0 for km in row] for row in self.distances(points)]

    def _km(self, a: Point, b: Point) -> float:
        lon1, lat1, lon2, lat2 = map(math.radians, (a[0], a[1], b[0], b[1]))
        h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
        return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h))) * self.road_factor


@dataclass(frozen=True)
class EuclideanMatrix:
    """Benchmark metric: travel time equals distance, speed is ignored.

    ``rounding="nint"`` reproduces CVRPLIB/TSPLIB EUC_2D (nearest integer);
    ``"none"`` is the Solomon VRPTW convention (unrounded doubles).
    """

    rounding: Literal["nint", "none"] = "none"

    def distances(self, points: Sequence[Point]) -> Matrix:
        return [[self._distance(a, b) for b in points] for a in points]

    def durations(self, points: Sequence[Point], speed_kmh: float | None = None) -> Matrix:
        return self.distances(points)

    def _distance(self, a: Point, b: Point) -> float:
        d = math.hypot(a[0] - b[0], a[1] - b[1])
        # TSPLIB nint is floor(d + 0.5), not Python's banker's rounding.
        return float(math.floor(d + 0.5)) if self.rounding == "nint" else d
