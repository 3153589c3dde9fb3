"""Distance/duration providers.

The solver and the checker only talk to the :class:`DistanceMatrix` protocol,
so a road matrix (e.g. an OSRM ``/table`` client returning road km and
minutes per vehicle profile) can replace :class:`HaversineMatrix` later
without touching them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

import numpy as np

Point = tuple[float, float]
Matrix = np.ndarray  # square, float, indexable as matrix[i][j]

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
        # Vectorised: 2,000 stops are 4 million pairs, a pure-Python loop spent over a minute there.
        radians = np.radians(np.asarray(points, dtype=float).reshape(-1, 2))
        lon, lat = radians[:, 0], radians[:, 1]
        h = (
            np.sin((lat[None, :] - lat[:, None]) / 2) ** 2
            + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin((lon[None, :] - lon[:, None]) / 2) ** 2
        )
        return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(1.0, h))) * self.road_factor

    def durations(self, points: Sequence[Point], speed_kmh: float | None = None) -> Matrix:
        speed = speed_kmh or self.speed_kmh
        return self.distances(points) / speed * 60.0


@dataclass(frozen=True)
class EuclideanMatrix:
    """Benchmark metric: travel time equals distance, speed is ignored.

    ``rounding="nint"`` reproduces CVRPLIB/TSPLIB EUC_2D (nearest integer);
    ``"none"`` is the Solomon VRPTW convention (unrounded doubles).
    """

    rounding: Literal["nint", "none"] = "none"

    def distances(self, points: Sequence[Point]) -> Matrix:
        xy = np.asarray(points, dtype=float).reshape(-1, 2)
        d = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
        # TSPLIB nint is floor(d + 0.5), not Python's banker's rounding.
        return np.floor(d + 0.5) if self.rounding == "nint" else d

    def durations(self, points: Sequence[Point], speed_kmh: float | None = None) -> Matrix:
        return self.distances(points)


class PrecomputedMatrix:
    """The matrices of one planning, computed once over all its points and speeds, then sliced.

    A planning builds its model several times (relaxed re-plans, fleet variants, forked searches): each used to
    recompute the full matrices. This wraps the provider for the whole planning; a request over known points is an
    index lookup, an unknown point falls back to the provider.
    """

    def __init__(self, base: DistanceMatrix, points: Sequence[Point], speeds: Iterable[float | None]) -> None:
        self.base = base
        self._index: dict[Point, int] = {}
        for i, point in enumerate(points):
            self._index.setdefault((float(point[0]), float(point[1])), i)
        self._distances = np.asarray(base.distances(points), dtype=float)
        self._durations = {speed: np.asarray(base.durations(points, speed), dtype=float) for speed in set(speeds)}

    def _rows(self, points: Sequence[Point]) -> list[int] | None:
        try:
            return [self._index[(float(p[0]), float(p[1]))] for p in points]
        except KeyError:
            return None

    def distances(self, points: Sequence[Point]) -> Matrix:
        rows = self._rows(points)
        if rows is None:
            return np.asarray(self.base.distances(points), dtype=float)
        return self._distances[np.ix_(rows, rows)]

    def durations(self, points: Sequence[Point], speed_kmh: float | None = None) -> Matrix:
        rows = self._rows(points)
        if rows is None or speed_kmh not in self._durations:
            return np.asarray(self.base.durations(points, speed_kmh), dtype=float)
        return self._durations[speed_kmh][np.ix_(rows, rows)]
