"""A manager's hand edits of the plan: move a stop to another round of the same date, or to another place in its own
round (`stop_move`, the planning board's and the API's); put all the stops of a round in a new order
(`round_reorder`, the API's). The new arrival times come from the planner's own model (`timing.route_schedule`: the same distance matrix,
speeds and hand-over times) and are checked against every stop's window, the vehicle's capacity (kg and crates),
its working hours and the communes it serves, by one rule (`_check`) for both edits; an infeasible one is refused
with the reason (`stop_move_infeasible`, 409) and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ecopole.core.audit import audit_record
from ecopole.core.exceptions import NotFound
from ecopole.core.locking import lock_rows

from ..errors import RoundLocked, StopMoveInfeasible, StopOrderInvalid
from ..models import Round, RoundEvent, RoundEventKind, RoundStatus, Stop
from .places import commune_normalise
from .planning import depot_get, place_times
from .timing import Schedule, at_minutes, km, minutes_of, minutes_since_midnight, route_schedule


def _schedule(round_: Round, stops: list[Stop], depot) -> Schedule:
    return route_schedule(
        depot=(float(depot.longitude), float(depot.latitude)),
        stops=[place_times(s) for s in stops],
        start=minutes_since_midnight(round_.date, round_.planned_start),
        speed_kmh=float(round_.vehicle.speed_kmh),
    )


def _hhmm(day, minutes: float) -> str:
    return f"{timezone.localtime(at_minutes(day, minutes)):%H:%M}"


def _check(round_: Round, stops: list[Stop], schedule: Schedule) -> None:
    """`StopMoveInfeasible` unless the round can carry `stops` in this order."""
    vehicle = round_.vehicle
    allowed = {commune_normalise(c) for c in vehicle.allowed_communes or []}
    for stop in stops:
        if allowed and commune_normalise(stop.commune) not in allowed:
            raise StopMoveInfeasible(reason="commune", vehicle=vehicle.name, commune=stop.commune)
    load_kg = sum((s.load_kg for s in stops), Decimal("0.00"))
    if load_kg > vehicle.capacity_kg:
        raise StopMoveInfeasible(reason="capacity_kg", load=load_kg, capacity=vehicle.capacity_kg)
    load_crates = sum(s.load_crates for s in stops)
    if load_crates > vehicle.capacity_crates:
        raise StopMoveInfeasible(reason="capacity_crates", load=load_crates, capacity=vehicle.capacity_crates)
    for stop, late, arrival in zip(stops, schedule.late, schedule.arrivals, strict=True):
        if late:
            raise StopMoveInfeasible(
                reason="window", stop=stop.label, arrival=_hhmm(round_.date, arrival), end=f"{stop.window_end:%H:%M}"
            )
    if stops and schedule.end > minutes_of(vehicle.shift_end) + 1e-6:
        raise StopMoveInfeasible(
            reason="shift", end=_hhmm(round_.date, schedule.end), shift_end=f"{vehicle.shift_end:%H:%M}"
        )


def _park(stops: list[Stop]) -> None:
    """Give every stop concerned a temporary sequence out of the way, so that (round, sequence) stays unique at
    every step of the rewrite."""
    for index, stop in enumerate(stops, start=1):
        stop.sequence = 1000 + index
    Stop.objects.bulk_update(stops, ["sequence"])


def _write(round_: Round, stops: list[Stop], schedule: Schedule) -> None:
    for index, stop in enumerate(stops, start=1):
        stop.round = round_
        stop.sequence = index
        stop.arrival_at = at_minutes(round_.date, schedule.arrivals[index - 1])
        stop.departure_at = at_minutes(round_.date, schedule.departures[index - 1])
    Stop.objects.bulk_update(stops, ["round", "sequence", "arrival_at", "departure_at"])
    round_.distance_km = km(schedule.distance_km)
    round_.planned_end = at_minutes(round_.date, schedule.end) if stops else round_.planned_start
    round_.load_kg = sum((s.load_kg for s in stops), Decimal("0.00"))
    round_.load_crates = sum(s.load_crates for s in stops)
    round_.is_locked = True
    round_.save(update_fields=["distance_km", "planned_end", "load_kg", "load_crates", "is_locked", "updated_at"])


def stop_move(*, stop_id: int, round_id: int, target_round_id: int, position: int, actor) -> Stop:
    """Put stop `stop_id` of round `round_id` at `position` (1 = first; past the end = last) of round
    `target_round_id` (the same round: a reorder). Both rounds are locked (by primary key, so two moves in opposite
    directions never deadlock) and re-read; both must be planned (`round_locked`, 409, once started) and of the same
    date. Arrival times, distances, loads and returns of both rounds are recomputed; the move is refused with the
    reason when a window would be missed, a capacity exceeded, the vehicle's hours passed or its communes left. Both
    rounds end up locked (re-planning keeps the hand edit), with a `moved` event and an audit record. Moving a stop
    to the place it already has is a no-op."""
    with transaction.atomic(durable=True):
        rounds = {
            r.pk: r
            for r in lock_rows(Round.objects.select_related("vehicle").filter(pk__in={round_id, target_round_id}))
        }
        source, target = rounds.get(round_id), rounds.get(target_round_id)
        if source is None or target is None:
            raise NotFound()
        stop = Stop.objects.filter(pk=stop_id, round=source).first()
        if stop is None:
            raise NotFound()
        if source.status != RoundStatus.PLANNED or target.status != RoundStatus.PLANNED:
            raise RoundLocked()
        if source.date != target.date:
            raise StopMoveInfeasible(reason="round_date")
        source_stops = list(source.stops.order_by("sequence"))
        old_position = next(i for i, s in enumerate(source_stops, start=1) if s.pk == stop.pk)
        remaining = [s for s in source_stops if s.pk != stop.pk]
        target_stops = remaining if target.pk == source.pk else list(target.stops.order_by("sequence"))
        index = max(0, min(position - 1, len(target_stops)))
        if target.pk == source.pk and index + 1 == old_position:
            return stop
        moved = [*target_stops[:index], stop, *target_stops[index:]]
        depot = depot_get()
        target_schedule = _schedule(target, moved, depot)
        _check(target, moved, target_schedule)
        _park(source_stops if target.pk == source.pk else [*source_stops, *target_stops])
        if target.pk != source.pk:
            _write(source, remaining, _schedule(source, remaining, depot))
        _write(target, moved, target_schedule)
        for round_ in {source.pk: source, target.pk: target}.values():
            RoundEvent.objects.create(
                round=round_,
                stop=stop,
                kind=RoundEventKind.MOVED,
                from_value=f"{source.pk}#{old_position}",
                to_value=f"{target.pk}#{index + 1}",
                actor=actor if getattr(actor, "is_authenticated", False) else None,
            )
        audit_record(
            actor=actor,
            action="round.stop_move",
            obj=target,
            changes={"stop": stop.pk, "from": [source.pk, old_position], "to": [target.pk, index + 1]},
        )
        stop.refresh_from_db()
        return stop


def round_reorder(*, round_id: int, stop_ids: Sequence[int], actor) -> Round:
    """Put the stops of planned round `round_id` in the given order (every stop exactly once, `stop_order_invalid`
    otherwise) and recompute the arrival times, departures, distance and return with the planner's model, from the
    same departure time. The round is locked (row lock) and re-read; the new order is checked by the same rule as a
    move and refused whole with the reason (`stop_move_infeasible`, 409: a window missed, the vehicle's hours
    passed, its capacity or communes). A reordered round is locked, so that re-planning does not undo the hand
    edit; a `reordered` event and an audit record say who. The same order again is a no-op."""
    with transaction.atomic(durable=True):
        round_ = next(iter(lock_rows(Round.objects.select_related("vehicle").filter(pk=round_id))), None)
        if round_ is None:
            raise NotFound()
        if round_.status != RoundStatus.PLANNED:
            raise RoundLocked()
        stops = {s.pk: s for s in round_.stops.all()}
        wanted = [int(pk) for pk in stop_ids]
        if len(wanted) != len(set(wanted)) or set(wanted) != set(stops):
            raise StopOrderInvalid(expected=sorted(stops))
        current = [s.pk for s in sorted(stops.values(), key=lambda s: s.sequence)]
        if wanted == current:
            return round_
        ordered = [stops[pk] for pk in wanted]
        schedule = _schedule(round_, ordered, depot_get())
        _check(round_, ordered, schedule)
        _park(ordered)
        _write(round_, ordered, schedule)
        RoundEvent.objects.create(
            round=round_,
            kind=RoundEventKind.REORDERED,
            from_value=",".join(map(str, current))[:60],
            to_value=",".join(map(str, wanted))[:60],
            actor=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(actor=actor, action="round.reorder", obj=round_, changes={"stops": [current, wanted]})
        return round_
