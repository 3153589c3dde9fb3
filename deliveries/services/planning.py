"""Plan the rounds of a delivery date with the vehicle-routing solver (`deliveries.routing`).

`round_plan` builds a routing Problem from the stop demands of the date (`services.sources`), the active vehicles
that run that weekday and the depot, solves it with a fixed seed outside any transaction, and replaces the date's
planned, unlocked rounds with the solution in one short transaction, only if those inputs did not change meanwhile.
Started, finished and locked rounds (with their stops and vehicles) are left alone and their demands are not
planned again. The API does not call it: it queues a `PlanningJob` run by a task (`services.planning_jobs`).
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import formats, timezone, translation
from django.utils.translation import gettext, ngettext

from ecopole.core.audit import audit_record
from ecopole.core.formats import display_decimal
from ecopole.core.locking import lock_rows

from .. import routing
from ..errors import NoDepot, PlanningInputsChanged
from ..models import (
    DeliveryDay,
    PickupPoint,
    PlanningRun,
    Round,
    RoundEvent,
    RoundEventKind,
    RoundStatus,
    Stop,
    StopKind,
    Vehicle,
)
from ..ports import handover_refs, stop_sources
from ..routing.problem import UnassignedReason
from .places import commune_normalise
from .sources import StopDemand, stop_demands_for
from .timing import PlaceTimes, at_minutes, distance_matrix, km, minutes_of, paris, route_schedule

# The search is seeded and bounded by iterations as well as time, so that one input gives the same rounds.
PLANNING_SEED = 20261
DEFAULT_TIME_LIMIT = 2.0
MAX_ITERATIONS = 3000
# The beat task plans with more time: it runs in a worker, not during an HTTP request.
AUTO_PLAN_TIME_LIMIT = 10.0
# How far ahead the beat task looks for a delivery date whose cutoffs have passed.
AUTO_PLAN_HORIZON_DAYS = 7
# How many times a plan is computed when its inputs keep changing while the solver runs, before giving up.
PLANNING_ATTEMPTS = 2


@dataclass(frozen=True)
class Unassigned:
    source_key: str
    label: str
    reason: str
    detail: str = ""  # what a planner reads, in French (the fleet's missing capacity, say)


def unassigned_detail(item) -> str:
    """The planner's sentence for a stop the solver left out (`item`: a routing `UnassignedStop`)."""
    if item.reason != UnassignedReason.FLEET_CAPACITY_INSUFFICIENT:
        return ""
    with translation.override(settings.LANGUAGE_CODE):
        parts = []
        if item.missing_kg > 0:
            parts.append(gettext("%(kg)s kg") % {"kg": display_decimal(Decimal(str(round(item.missing_kg, 1))))})
        if item.missing_crates > 0:
            parts.append(ngettext("%(n)s crate", "%(n)s crates", item.missing_crates) % {"n": item.missing_crates})
        return gettext("Fleet capacity insufficient: %(missing)s missing for the day's orders.") % {
            "missing": gettext(" and ").join(parts)
        }


@dataclass(frozen=True)
class PlanResult:
    date: date
    rounds: list[Round]
    kept: list[Round]
    unassigned: list[Unassigned]
    fingerprint: str = ""
    attempts: int = 1


def depot_get() -> PickupPoint:
    depot = PickupPoint.objects.filter(is_depot=True, is_active=True).first()
    if depot is None:
        raise NoDepot()
    return depot


def _routing_stop(demand: StopDemand) -> routing.Stop:
    return routing.Stop(
        id=demand.key,
        x=float(demand.longitude),
        y=float(demand.latitude),
        load_kg=float(demand.load_kg),
        load_crates=demand.load_crates,
        service_minutes=demand.service_minutes,
        window_start=minutes_of(demand.window_start) if demand.window_start else 0.0,
        window_end=minutes_of(demand.window_end) if demand.window_end else math.inf,
        commune=commune_normalise(demand.commune),
    )


def _routing_vehicle(vehicle: Vehicle) -> routing.Vehicle:
    communes = frozenset(commune_normalise(c) for c in vehicle.allowed_communes or [])
    return routing.Vehicle(
        id=str(vehicle.pk),
        capacity_kg=float(vehicle.capacity_kg),
        capacity_crates=vehicle.capacity_crates,
        shift_start=minutes_of(vehicle.shift_start),
        shift_end=minutes_of(vehicle.shift_end),
        speed_kmh=float(vehicle.speed_kmh),
        allowed_communes=communes or None,
    )


def routing_problem(*, depot: PickupPoint, vehicles: list[Vehicle], demands: list[StopDemand]) -> routing.Problem:
    """The routing Problem of a date: coordinates as (lon, lat), times in minutes from midnight Europe/Paris, loads
    in kg and crates, communes normalised (so "Calais" on a vehicle matches "CALAIS" on an order)."""
    return routing.Problem(
        depot=routing.Depot(id="depot", x=float(depot.longitude), y=float(depot.latitude)),
        stops=tuple(_routing_stop(d) for d in demands),
        vehicles=tuple(_routing_vehicle(v) for v in vehicles),
        distance_matrix=distance_matrix(),
    )


def place_times(stop) -> PlaceTimes:
    """Schedule input of a `Stop` row or a `StopDemand`."""
    return PlaceTimes(
        x=float(stop.longitude),
        y=float(stop.latitude),
        window_start=minutes_of(stop.window_start) if stop.window_start else None,
        window_end=minutes_of(stop.window_end) if stop.window_end else None,
        service_minutes=stop.service_minutes,
    )


@dataclass(frozen=True)
class PlanInputs:
    """What a plan of `date` is computed from, read in one short transaction, and its fingerprint."""

    date: date
    depot: PickupPoint
    kept: list[Round]
    demands: list[StopDemand]
    vehicles: list[Vehicle]
    fingerprint: str


def _fingerprint_default(value):
    """JSON for what `json` cannot write: a dataclass as the dict of its fields (what `asdict` gives, without its
    deep copy, which cost seconds for thousands of demands), anything else (decimals, times) as its string."""
    if is_dataclass(value) and not isinstance(value, type):
        return {name: getattr(value, name) for name in _field_names(type(value))}
    return str(value)


@cache
def _field_names(cls) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def _fingerprint(*, depot: PickupPoint, kept: list[Round], demands: list[StopDemand], vehicles: list[Vehicle]) -> str:
    """A digest of every input that changes the plan: the depot, the rounds kept (started, finished, locked), each
    demand (place, window, load, orders) and each vehicle (capacities, hours, communes, driver)."""
    payload = {
        "depot": [depot.pk, str(depot.latitude), str(depot.longitude)],
        "kept": [[r.pk, r.vehicle_id, r.status, r.is_locked] for r in kept],
        "demands": demands,  # dataclasses, written field by field by _fingerprint_default
        "vehicles": [
            [
                v.pk,
                str(v.capacity_kg),
                v.capacity_crates,
                str(v.speed_kmh),
                v.shift_start.isoformat(),
                v.shift_end.isoformat(),
                sorted(v.allowed_communes or []),
                v.default_driver_id if v.default_driver and v.default_driver.is_active else None,
            ]
            for v in vehicles
        ],
    }
    encoded = json.dumps(payload, sort_keys=True, default=_fingerprint_default, separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()


def plan_inputs(*, date: date) -> PlanInputs:
    """Read what the plan of `date` depends on (no lock, no write). Demands already served by a kept round and
    vehicles already running one are left out."""
    depot = depot_get()
    kept = list(
        Round.objects.filter(date=date)
        .exclude(status=RoundStatus.PLANNED, is_locked=False)
        .select_related("vehicle", "driver")
        .order_by("pk")
    )
    covered = set(Stop.objects.filter(round__in=kept).values_list("source_key", flat=True))
    busy_vehicles = {r.vehicle_id for r in kept}
    demands = [d for d in stop_demands_for(date) if d.key not in covered]
    vehicles = [
        v
        for v in Vehicle.objects.filter(is_active=True).select_related("default_driver").order_by("pk")
        if v.runs_on(date) and v.pk not in busy_vehicles
    ]
    return PlanInputs(
        date=date,
        depot=depot,
        kept=kept,
        demands=demands,
        vehicles=vehicles,
        fingerprint=_fingerprint(depot=depot, kept=kept, demands=demands, vehicles=vehicles),
    )


def _solve(inputs: PlanInputs, *, time_limit: float, seed: int) -> routing.Solution | None:
    """The pure part: no database access at all, so that it never runs under a lock."""
    if not inputs.demands:
        return None
    problem = routing_problem(depot=inputs.depot, vehicles=inputs.vehicles, demands=inputs.demands)
    return routing.solve(problem, time_limit=time_limit, seed=seed, max_iterations=MAX_ITERATIONS)


def round_plan(
    *,
    date: date,
    user=None,
    time_limit: float = DEFAULT_TIME_LIMIT,
    seed: int = PLANNING_SEED,
    attempts: int = PLANNING_ATTEMPTS,
) -> PlanResult:
    """Plan or re-plan the rounds of `date`.

    Three steps, so that the solver never runs inside a transaction nor under the planning lock: (1) read the
    inputs (demands, vehicles, kept rounds, depot) in a short transaction and fingerprint them; (2) solve, outside
    any transaction; (3) in a short transaction, lock the date's `PlanningRun` row (`lock_rows`), read the inputs
    again and write the plan only if their fingerprint is unchanged. If they changed meanwhile (an order placed,
    a round started or locked, a vehicle edited), the plan is computed again from the new inputs, up to `attempts`
    times in all, then refused with `planning_inputs_changed` (409): a plan from stale inputs is never written.

    Two overlapping runs of one date write one after the other and leave one set of rounds. Idempotent: the same
    input gives the same rounds (fixed seed and iteration budget). Planned, unlocked rounds are deleted and rebuilt;
    started, finished and locked rounds keep their stops and their vehicle, and their demands are not planned again.
    Every stop the solver could not place is reported with a reason and stored on the `PlanningRun`. Each new round
    is audited (`round.plan`).
    """
    for attempt in range(1, attempts + 1):
        with transaction.atomic():
            PlanningRun.objects.get_or_create(date=date)
            inputs = plan_inputs(date=date)
        solution = _solve(inputs, time_limit=time_limit, seed=seed)
        with transaction.atomic():
            run = lock_rows(PlanningRun.objects.filter(date=date))[0]
            if plan_inputs(date=date).fingerprint != inputs.fingerprint:
                continue
            return _plan_write(run=run, inputs=inputs, solution=solution, user=user, attempt=attempt)
    raise PlanningInputsChanged(date=formats.date_format(date, "d/m/Y"))


def _plan_write(*, run: PlanningRun, inputs: PlanInputs, solution, user, attempt: int) -> PlanResult:
    """Replace the date's replaceable rounds with `solution`. Runs under the `PlanningRun` row lock."""
    date, depot = inputs.date, inputs.depot
    Round.objects.filter(date=date, status=RoundStatus.PLANNED, is_locked=False).delete()
    rounds: list[Round] = []
    unassigned: list[Unassigned] = []
    if solution is not None:
        by_key = {d.key: d for d in inputs.demands}
        vehicles_by_id = {str(v.pk): v for v in inputs.vehicles}
        for route in sorted(solution.routes, key=lambda r: int(r.vehicle_id)):
            stops = [by_key[visit.stop_id] for visit in route.stops]
            rounds.append(
                _round_create(
                    date=date,
                    depot=depot,
                    vehicle=vehicles_by_id[route.vehicle_id],
                    start=route.start,
                    demands=stops,
                    user=user,
                )
            )
        unassigned = [
            Unassigned(item.stop_id, by_key[item.stop_id].label, str(item.reason), unassigned_detail(item))
            for item in sorted(solution.unassigned, key=lambda u: u.stop_id)
        ]
    PlanningRun.objects.filter(pk=run.pk).update(
        planned_at=timezone.now(),
        planned_by=user if getattr(user, "is_authenticated", False) else None,
        runs=F("runs") + 1,
        unassigned=[u.__dict__ for u in unassigned],
    )
    return PlanResult(
        date=date,
        rounds=rounds,
        kept=inputs.kept,
        unassigned=unassigned,
        fingerprint=inputs.fingerprint,
        attempts=attempt,
    )


def _round_create(
    *, date: date, depot: PickupPoint, vehicle: Vehicle, start: float, demands: list[StopDemand], user
) -> Round:
    schedule = route_schedule(
        depot=(float(depot.longitude), float(depot.latitude)),
        stops=[place_times(d) for d in demands],
        start=start,
        speed_kmh=float(vehicle.speed_kmh),
    )
    driver = vehicle.default_driver if vehicle.default_driver and vehicle.default_driver.is_active else None
    round_ = Round.objects.create(
        date=date,
        vehicle=vehicle,
        driver=driver,
        distance_km=km(schedule.distance_km),
        load_kg=sum((d.load_kg for d in demands), Decimal("0.00")),
        load_crates=sum(d.load_crates for d in demands),
        planned_start=at_minutes(date, start),
        planned_end=at_minutes(date, schedule.end),
    )
    stops = Stop.objects.bulk_create(
        [
            Stop(
                round=round_,
                sequence=index,
                kind=demand.kind,
                source_key=demand.key,
                label=demand.label[:200],
                pickup_point_id=demand.pickup_point_id,
                address=demand.address,
                postcode=demand.postcode,
                commune=demand.commune,
                latitude=demand.latitude,
                longitude=demand.longitude,
                window_start=demand.window_start,
                window_end=demand.window_end,
                service_minutes=demand.service_minutes,
                arrival_at=at_minutes(date, schedule.arrivals[index - 1]),
                departure_at=at_minutes(date, schedule.departures[index - 1]),
                load_kg=demand.load_kg,
                load_crates=demand.load_crates,
                handover=[h.as_json() for h in demand.handover],
            )
            for index, demand in enumerate(demands, start=1)
        ]
    )
    for source in stop_sources():  # each source learns which of its things a round now carries
        refs = tuple(h.ref for d in demands for h in d.handover if h.source == source.name)
        if refs:
            source.planned(refs=refs, day=date, actor=_actor(user))
    through = Stop.orders.through
    through.objects.bulk_create(
        [
            through(stop_id=stop.pk, order_id=order_id)
            for stop, d in zip(stops, demands, strict=True)
            for order_id in d.order_ids
        ]
    )
    RoundEvent.objects.create(
        round=round_, kind=RoundEventKind.PLANNED, to_value=RoundStatus.PLANNED, actor=_actor(user)
    )
    audit_record(
        actor=user,
        action="round.plan",
        obj=round_,
        changes={"date": date.isoformat(), "vehicle": vehicle.pk, "stops": [d.key for d in demands]},
    )
    return round_


def _actor(user):
    return user if getattr(user, "is_authenticated", False) else None


# --- The beat task: plan the next delivery day after its cutoff, then tell customers when we come ------------------


ARRIVAL_WINDOW = timedelta(hours=2)


# Within a window the customer chose (two hours), the email narrows it to this.
NARROWED_WINDOW = timedelta(hours=1)


def arrival_window(arrival: datetime, *, chosen: tuple[datetime, datetime] | None = None) -> tuple[datetime, datetime]:
    """A two-hour window around the planned arrival: it opens 45 minutes before, rounded down to the quarter hour.

    With the window the customer chose (`chosen`, aware instants), one hour inside it instead: opening 30 minutes
    before the arrival, rounded down to the quarter hour, then shifted to lie wholly within the chosen window (the
    planner arrives within it, so the arrival stays inside the narrowed one)."""
    if chosen is None:
        local = (arrival - timedelta(minutes=45)).astimezone(paris())
        opens = local.replace(minute=local.minute - local.minute % 15, second=0, microsecond=0)
        return opens, opens + ARRIVAL_WINDOW
    chosen_opens, chosen_closes = (instant.astimezone(paris()) for instant in chosen)
    length = min(NARROWED_WINDOW, chosen_closes - chosen_opens)
    local = (arrival - timedelta(minutes=30)).astimezone(paris())
    opens = local.replace(minute=local.minute - local.minute % 15, second=0, microsecond=0)
    opens = min(max(opens, chosen_opens), chosen_closes - length)
    return opens, opens + length


def _chosen_window(stop: Stop) -> tuple[datetime, datetime] | None:
    """A home stop's window when the customer chose it (at most two hours: the day's window is longer)."""
    if stop.window_start is None or stop.window_end is None:
        return None
    opens, closes = (at_minutes(stop.round.date, minutes_of(t)) for t in (stop.window_start, stop.window_end))
    return (opens, closes) if closes - opens <= ARRIVAL_WINDOW else None


def dates_due(*, now: datetime | None = None) -> list[date]:
    """Delivery dates from today on whose every active cutoff has passed and that the beat task has not planned."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rules = list(DeliveryDay.objects.filter(is_active=True))
    done = set(PlanningRun.objects.filter(auto_planned_at__isnull=False).values_list("date", flat=True))
    due = []
    for offset in range(AUTO_PLAN_HORIZON_DAYS + 1):
        day = today + timedelta(days=offset)
        day_rules = [r for r in rules if r.weekday == day.weekday()]
        if day_rules and day not in done and all(r.cutoff_at(day) <= now for r in day_rules):
            due.append(day)
    return due


def round_plan_due(*, now: datetime | None = None, time_limit: float | None = None) -> list[date]:
    """Plan each due delivery date once (status guard: `PlanningRun.auto_planned_at`), then enqueue each
    home-delivery customer's arrival-window email (outbox, unique key per order and date). Returns the dates.

    The solver runs outside any transaction (`round_plan`); only the guard and the emails are written under the
    date's lock. A date whose inputs kept changing during planning is left for the next run of the task."""
    planned = []
    for day in dates_due(now=now):
        if PlanningRun.objects.filter(date=day, auto_planned_at__isnull=False).exists():
            continue
        try:
            round_plan(date=day, time_limit=time_limit or AUTO_PLAN_TIME_LIMIT)
        except PlanningInputsChanged:
            continue
        with transaction.atomic():
            run = lock_rows(PlanningRun.objects.filter(date=day))[0]
            if run.auto_planned_at is not None:  # another worker did it meanwhile
                continue
            round_arrival_windows_notify(date=day)
            PlanningRun.objects.filter(pk=run.pk).update(auto_planned_at=timezone.now())
        planned.append(day)
    return planned


def round_arrival_windows_notify(*, date: date) -> int:
    """Tell each home-delivery customer planned on `date` when the round comes (within the window they chose, when they
    chose one: `arrival_window`), through the stop's sources
    (`StopSource.arrival_window`: the grocery enqueues one email per order, key `round_arrival:<order>:<date>`, so
    that enqueuing twice sends once). Returns how many customers were considered."""
    count = 0
    stops = Stop.objects.filter(round__date=date, kind=StopKind.HOME).select_related("round")
    for stop in stops.order_by("pk"):
        opens, closes = arrival_window(stop.arrival_at, chosen=_chosen_window(stop))
        for source in stop_sources():
            announce = getattr(source, "arrival_window", None)  # optional hook (`BaseStopSource`)
            if announce is not None:
                refs = handover_refs(stop.handover, source.name)
                count += announce(stop_id=stop.pk, refs=refs, day=date, opens=opens, closes=closes)
    return count
