"""Clock arithmetic of rounds: minutes from midnight (Europe/Paris wall clock) ↔ aware datetimes, and the schedule
of an ordered round recomputed with the same distance matrix the planner uses.

Both the planner and a hand reorder call `route_schedule`, so a round's arrival times always come from one model:
haversine distance × `ROAD_FACTOR`, the vehicle's average speed, each stop's hand-over time, and waiting at a
stop that is reached before its window opens.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings

from ..routing.distances import HaversineMatrix

# Straight-line distance × this factor approximates the road distance in the Calaisis (see deliveries.routing).
ROAD_FACTOR = 1.3


def paris() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def distance_matrix() -> HaversineMatrix:
    return HaversineMatrix(road_factor=ROAD_FACTOR)


def minutes_of(value: time) -> float:
    return value.hour * 60 + value.minute + value.second / 60


def at_minutes(day: date, minutes: float) -> datetime:
    """The aware instant `minutes` after midnight (wall clock, Europe/Paris) on `day`, to the second."""
    return datetime.combine(day, time(0), tzinfo=paris()) + timedelta(seconds=round(minutes * 60))


def minutes_since_midnight(day: date, instant: datetime) -> float:
    local = instant.astimezone(paris())
    return (local.date() - day).days * 1440 + minutes_of(local.time())


def km(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PlaceTimes:
    """One stop of a schedule: where (lon, lat), its window in minutes (None: open) and hand-over minutes."""

    x: float
    y: float
    window_start: float | None
    window_end: float | None
    service_minutes: float


@dataclass(frozen=True)
class Schedule:
    arrivals: list[float]  # when the hand-over begins (after any wait), minutes from midnight
    departures: list[float]
    end: float  # back at the depot
    distance_km: float
    late: list[bool]  # arrived after the window closed


def route_schedule(
    *, depot: tuple[float, float], stops: Sequence[PlaceTimes], start: float, speed_kmh: float
) -> Schedule:
    """Leave the depot at `start`, visit `stops` in order and come back: the times and distance of that round."""
    matrix = distance_matrix()
    points = [depot, *((s.x, s.y) for s in stops), depot]
    clock, distance = start, 0.0
    arrivals, departures, late = [], [], []
    for index, stop in enumerate(stops):
        leg = [points[index], points[index + 1]]
        distance += matrix.distances(leg)[0][1]
        arrival = clock + matrix.durations(leg, speed_kmh)[0][1]
        begin = max(arrival, stop.window_start) if stop.window_start is not None else arrival
        late.append(stop.window_end is not None and arrival > stop.window_end + 1e-6)
        arrivals.append(begin)
        clock = begin + stop.service_minutes
        departures.append(clock)
    if stops:
        leg = [points[-2], points[-1]]
        distance += matrix.distances(leg)[0][1]
        clock += matrix.durations(leg, speed_kmh)[0][1]
    return Schedule(arrivals, departures, clock, distance, late)
