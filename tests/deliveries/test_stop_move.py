"""A manager moves a stop to another round or another place: both rounds' times recomputed (checked here by an
independent recomputation), loads and distances updated, both rounds locked, the move audited; an infeasible move
(window, capacity, communes, a started round) is refused with its reason in French and changes nothing. Reordering
a whole round (the API's `reorder`) is refused by the same rule."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from deliveries.errors import RoundLocked, StopMoveInfeasible
from deliveries.models import Round, RoundEvent, Stop, Vehicle
from deliveries.services.moves import round_reorder, stop_move
from deliveries.services.rounds import round_start
from ecopole.core.models import AuditEvent
from tests.deliveries.helpers import CALAIS_POINTS, FRIDAY, MARCK, PARIS, minutes, road_km, round_build
from tests.factories.deliveries import VehicleFactory
from tests.factories.orders import order_create


@pytest.fixture
def two_rounds(db, depot, calais_zone, bike):
    """A van with three Calais stops and a Marck stop, the Calais cargo bike with one Calais stop."""
    van = VehicleFactory(name="Camion A", capacity_kg=Decimal("100"), capacity_crates=20)
    calais = [
        order_create(day=FRIDAY, zone=calais_zone, commune="Calais", lat=lat, lon=lon, kg="6")
        for lat, lon in CALAIS_POINTS
    ]
    marck = order_create(day=FRIDAY, zone=calais_zone, commune="Marck", lat=MARCK[0], lon=MARCK[1], kg="6")
    van_round = round_build(vehicle=van, day=FRIDAY, orders=[*calais[:3], marck])
    bike_round = round_build(vehicle=bike, day=FRIDAY, orders=calais[3:])
    return van_round, bike_round, calais, marck


def _stop(order) -> Stop:
    return Stop.objects.get(source_key=f"order:{order.pk}")


def _assert_times_recomputed(round_: Round, depot) -> None:
    """The stored arrivals of `round_` are those an independent walk through its stops gives (to the minute)."""
    round_.refresh_from_db()
    clock = minutes(round_.planned_start)
    here = (float(depot.longitude), float(depot.latitude))
    stops = list(round_.stops.order_by("sequence"))
    assert [s.sequence for s in stops] == list(range(1, len(stops) + 1))
    for stop in stops:
        there = (float(stop.longitude), float(stop.latitude))
        clock += road_km(here, there) / float(round_.vehicle.speed_kmh) * 60
        clock = max(clock, minutes(stop.window_start)) if stop.window_start else clock
        assert abs(minutes(stop.arrival_at) - clock) < 1, (stop.label, stop.arrival_at, clock)
        clock += stop.service_minutes
        here = there
    assert round_.load_kg == sum((s.load_kg for s in stops), Decimal(0))
    assert round_.load_crates == sum(s.load_crates for s in stops)


def test_moving_a_stop_to_another_round_recomputes_both_and_locks_them(two_rounds, depot, manager):
    van_round, bike_round, calais, _ = two_rounds
    moving = _stop(calais[1])

    # when the manager puts the van's second stop first on the bike
    stop_move(stop_id=moving.pk, round_id=van_round.pk, target_round_id=bike_round.pk, position=1, actor=manager)

    # then it is the bike's first stop, both rounds' times, loads and sequences are recomputed, both are locked
    moving.refresh_from_db()
    assert (moving.round_id, moving.sequence) == (bike_round.pk, 1)
    for round_ in (van_round, bike_round):
        _assert_times_recomputed(round_, depot)
        round_.refresh_from_db()
        assert round_.is_locked
    assert van_round.stops.count() == 3 and bike_round.stops.count() == 2
    assert RoundEvent.objects.filter(kind="moved", stop=moving).count() == 2
    assert AuditEvent.objects.filter(action="round.stop_move", actor=manager).count() == 1
    # and its order travels with it
    assert list(moving.orders.values_list("pk", flat=True)) == [calais[1].pk]

    # the same move again is a no-op (a replayed form)
    stop_move(stop_id=moving.pk, round_id=bike_round.pk, target_round_id=bike_round.pk, position=1, actor=manager)
    assert AuditEvent.objects.filter(action="round.stop_move").count() == 1


def test_reordering_within_a_round(two_rounds, depot, manager):
    van_round, _, _calais, marck = two_rounds
    stop_move(stop_id=_stop(marck).pk, round_id=van_round.pk, target_round_id=van_round.pk, position=1, actor=manager)
    assert next(s.source_key for s in van_round.stops.order_by("sequence")) == f"order:{marck.pk}"
    _assert_times_recomputed(van_round, depot)


def _refused(two_rounds, manager, stop, target, position=1) -> StopMoveInfeasible:
    van_round = two_rounds[0]
    before = list(Stop.objects.order_by("pk").values_list("pk", "round_id", "sequence", "arrival_at"))
    with pytest.raises(StopMoveInfeasible) as caught:
        stop_move(stop_id=stop.pk, round_id=stop.round_id, target_round_id=target.pk, position=position, actor=manager)
    # nothing changed
    assert list(Stop.objects.order_by("pk").values_list("pk", "round_id", "sequence", "arrival_at")) == before
    assert not Round.objects.filter(pk=van_round.pk, is_locked=True).exists()
    return caught.value


def test_a_move_past_the_vehicles_capacity_is_refused_with_the_reason(two_rounds, manager):
    _van_round, bike_round, calais, _ = two_rounds
    heavy = _stop(calais[0])
    Stop.objects.filter(pk=heavy.pk).update(load_kg=Decimal("28"))  # the bike carries 30 kg and has 6 already
    error = _refused(two_rounds, manager, Stop.objects.get(pk=heavy.pk), bike_round)
    assert error.extra["reason"] == "capacity_kg"
    assert error.status_code == 409 and error.code == "stop_move_infeasible"
    assert str(error.detail) == "Ce déplacement est impossible : 34,00 kg dépasseraient les 30,00 kg du véhicule."


def test_a_move_that_misses_a_window_is_refused(two_rounds, manager):
    van_round, _bike_round, calais, _ = two_rounds
    early = _stop(calais[3])
    # the bike's stop must be reached by 08:20; put last on the van it would come far later
    Stop.objects.filter(pk=early.pk).update(window_start=time(8, 0), window_end=time(8, 20))
    error = _refused(two_rounds, manager, Stop.objects.get(pk=early.pk), van_round, position=5)
    assert error.extra["reason"] == "window"
    assert str(error.detail).endswith("après la fin de son créneau à 08:20.")


def test_a_stop_outside_the_vehicles_communes_is_refused(two_rounds, manager):
    _, bike_round, _, marck = two_rounds
    error = _refused(two_rounds, manager, _stop(marck), bike_round)
    assert error.extra["reason"] == "commune"
    assert "ne dessert pas Marck" in str(error.detail)


def test_a_started_round_is_not_changed(two_rounds, manager, frozen_thursday):
    van_round, bike_round, calais, _ = two_rounds
    frozen_thursday.move_to("2026-10-23 07:00:00+02:00")
    round_start(round_id=bike_round.pk, actor=manager)
    with pytest.raises(RoundLocked):
        stop_move(
            stop_id=_stop(calais[0]).pk, round_id=van_round.pk, target_round_id=bike_round.pk, position=1, actor=manager
        )


def test_the_api_moves_a_stop_and_answers_the_target_round(two_rounds, manager_client, driver_client):
    van_round, bike_round, calais, _ = two_rounds
    stop = _stop(calais[0])
    url = reverse("deliveries:stop-move", kwargs={"round_id": van_round.pk, "stop_id": stop.pk})

    assert driver_client.post(url, {"round": bike_round.pk, "position": 2}, format="json").status_code == 403
    response = manager_client.post(url, {"round": bike_round.pk, "position": 2}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["id"] == bike_round.pk
    assert [s["id"] for s in response.json()["stops"]][1] == stop.pk
    refused = manager_client.post(
        reverse("deliveries:stop-move", kwargs={"round_id": bike_round.pk, "stop_id": _stop(two_rounds[3]).pk}),
        {"round": bike_round.pk, "position": 1},
        format="json",
    )
    assert refused.status_code == 404  # the Marck stop is on the van, not on the bike


def _van_state(van_round):
    """The van's stops (order and times) and whether the round is locked."""
    stops = list(van_round.stops.order_by("pk").values_list("pk", "sequence", "arrival_at"))
    return stops, Round.objects.get(pk=van_round.pk).is_locked


def test_a_reorder_that_misses_a_window_is_refused_through_the_api_and_changes_nothing(two_rounds, manager_client):
    van_round, _bike_round, _calais, _marck = two_rounds
    order = list(van_round.stops.order_by("sequence"))
    first = order[0]
    # the first stop must be reached within five minutes of its planned arrival: last, it would be far later
    window_end = (first.arrival_at + timedelta(minutes=5)).astimezone(PARIS).time()
    Stop.objects.filter(pk=first.pk).update(window_start=time(8, 0), window_end=window_end)
    before = _van_state(van_round)
    url = reverse("deliveries:round-reorder", kwargs={"round_id": van_round.pk})

    refused = manager_client.post(url, {"stops": [s.pk for s in reversed(order)]}, format="json")

    assert refused.status_code == 409, refused.content
    body = refused.json()
    assert body["code"] == "stop_move_infeasible"
    assert body["detail"].startswith(f"Ce déplacement est impossible : {first.label} serait atteint à ")
    assert body["detail"].endswith(f"après la fin de son créneau à {window_end:%H:%M}.")
    assert _van_state(van_round) == before  # the order, the times and the lock as they were
    assert not RoundEvent.objects.filter(round=van_round, kind="reordered").exists()

    # the same stop moved last by the board's move is refused by the same rule, with the same words
    moved = manager_client.post(
        reverse("deliveries:stop-move", kwargs={"round_id": van_round.pk, "stop_id": first.pk}),
        {"round": van_round.pk, "position": 4},
        format="json",
    )
    assert (moved.status_code, moved.json()["code"]) == (409, "stop_move_infeasible")
    assert moved.json()["detail"].endswith(f"après la fin de son créneau à {window_end:%H:%M}.")


def test_a_reorder_of_a_round_past_its_vehicles_capacity_is_refused(two_rounds, manager):
    van_round, *_ = two_rounds
    order = list(van_round.stops.order_by("sequence").values_list("pk", flat=True))
    Vehicle.objects.filter(pk=van_round.vehicle_id).update(capacity_kg=Decimal("20"))

    with pytest.raises(StopMoveInfeasible) as caught:
        round_reorder(round_id=van_round.pk, stop_ids=list(reversed(order)), actor=manager)

    assert caught.value.extra["reason"] == "capacity_kg"
    assert (
        str(caught.value.detail) == "Ce déplacement est impossible : 24,00 kg dépasseraient les 20,00 kg du véhicule."
    )
    assert list(van_round.stops.order_by("sequence").values_list("pk", flat=True)) == order
