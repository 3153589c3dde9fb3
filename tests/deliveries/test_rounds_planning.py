"""Planning: capacities, windows and communes checked independently; re-planning keeps started and locked rounds;
idempotent; two concurrent plans of one date leave one set of rounds; the beat task plans once and emails once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from deliveries import routing
from deliveries.models import PlanningJob, PlanningRun, Round, RoundStatus, Stop
from deliveries.services import planning
from deliveries.services.places import commune_normalise
from deliveries.services.planning import depot_get, round_plan, routing_problem
from deliveries.services.rounds import round_lock_set, round_start
from deliveries.services.sources import stop_demands_for
from ecopole.core.models import AuditEvent, OutboxMessage
from tests.deliveries.helpers import AUDRUICQ, CALAIS_POINTS, FRIDAY, GUINES, MARCK
from tests.factories.deliveries import VehicleFactory
from tests.factories.orders import order_create

PLAN_URL = reverse("deliveries:round-plan")


@pytest.fixture
def busy_friday(db, depot, ardres, jacquard, calais_zone):
    """Nine home orders over Calais, Marck, Guînes and Audruicq and orders for two pickup points: more than one
    vehicle can carry."""
    orders = []
    for index, (lat, lon) in enumerate(CALAIS_POINTS):
        orders.append(order_create(day=FRIDAY, zone=calais_zone, commune="Calais", lat=lat, lon=lon, kg=str(6 + index)))
    for commune, (lat, lon), kg in [("Marck", MARCK, "9"), ("Guînes", GUINES, "12"), ("Audruicq", AUDRUICQ, "8")]:
        orders.append(order_create(day=FRIDAY, zone=calais_zone, commune=commune, lat=lat, lon=lon, kg=kg))
    orders.append(order_create(day=FRIDAY, zone=calais_zone, commune="CALAIS", lat="50.9550", lon="1.8550", kg="4"))
    orders.append(order_create(day=FRIDAY, zone=calais_zone, commune="Marck", lat="50.9500", lon="1.9400", kg="7"))
    orders += [order_create(day=FRIDAY, point=ardres, kg="5"), order_create(day=FRIDAY, point=ardres, kg="6", jars=4)]
    orders += [order_create(day=FRIDAY, point=jacquard, kg="3")]
    order_create(day=FRIDAY, point=depot, kg="3")  # collected at the depot: no stop
    return orders


def _solution_from_db(problem: routing.Problem, day) -> routing.Solution:
    """The stored rounds as a routing Solution, for the package's independent checker."""
    routes = []
    for round_ in Round.objects.filter(date=day).prefetch_related("stops"):
        stops = sorted(round_.stops.all(), key=lambda s: s.sequence)
        routes.append(
            routing.Route(
                vehicle_id=str(round_.vehicle_id),
                stops=tuple(routing.RouteVisit(s.source_key, 0, 0) for s in stops),
                distance=0,
                duration=0,
                load_kg=0,
                load_crates=0,
            )
        )
    total = sum(routing.checker.recompute_distance(problem, routing.Solution(routes=(r,))) for r in routes)
    unassigned = tuple(
        routing.UnassignedStop(u["source_key"], u["reason"]) for u in PlanningRun.objects.get(date=day).unassigned
    )
    return routing.Solution(routes=tuple(routes), unassigned=unassigned, total_distance=total)


def test_planned_rounds_respect_capacity_windows_and_communes(
    busy_friday, van, bike, manager_client, django_capture_on_commit_callbacks
):
    # when the manager plans Friday (the job runs in the worker once the request committed)
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(PLAN_URL, {"date": FRIDAY.isoformat()}, format="json")
    assert response.status_code == 202, response.content
    body = manager_client.get(response["Location"]).json()
    assert body["status"] == "done", body

    # then every demand is either in a round or reported unassigned with a reason
    demands = stop_demands_for(FRIDAY)
    planned_keys = set(Stop.objects.filter(round__date=FRIDAY).values_list("source_key", flat=True))
    unassigned_keys = {u["source_key"] for u in body["unassigned"]}
    assert planned_keys | unassigned_keys == {d.key for d in demands}
    assert not planned_keys & unassigned_keys
    assert len(demands) == 11  # 9 home orders + one stop per pickup point (Ardres merges two orders)
    assert body["rounds"], body

    # and, checked apart from the solver, no round exceeds its vehicle's capacity, nor reaches a stop outside its window
    for round_ in Round.objects.filter(date=FRIDAY).select_related("vehicle").prefetch_related("stops"):
        stops = list(round_.stops.all())
        assert sum(s.load_kg for s in stops) <= round_.vehicle.capacity_kg
        assert sum(s.load_crates for s in stops) <= round_.vehicle.capacity_crates
        assert [s.sequence for s in sorted(stops, key=lambda s: s.sequence)] == list(range(1, len(stops) + 1))
        for stop in stops:
            arrival = timezone.localtime(stop.arrival_at).time()
            assert stop.window_start is None or arrival >= stop.window_start
            assert stop.window_end is None or arrival <= stop.window_end, (stop.label, arrival, stop.window_end)
            assert round_.vehicle.shift_start <= arrival <= round_.vehicle.shift_end
        # and a bike never gets a commune it may not serve
        if round_.vehicle_id == bike.pk:
            assert {commune_normalise(s.commune) for s in stops} <= {"calais"}

    # and the routing package's own checker, fed only the stored visit order, finds nothing wrong
    problem = routing_problem(depot=depot_get(), vehicles=[van, bike], demands=demands)
    violations = routing.check_solution(problem, _solution_from_db(problem, FRIDAY), require_all=False)
    assert violations == []


def test_a_bike_never_gets_a_commune_it_may_not_serve(db, depot, calais_zone, bike):
    # given only the Calais bike runs, and orders in Calais and in Marck
    in_calais = order_create(day=FRIDAY, zone=calais_zone, commune="Calais", kg="5")
    in_marck = order_create(day=FRIDAY, zone=calais_zone, commune="Marck", lat=MARCK[0], lon=MARCK[1], kg="5")

    # when Friday is planned
    result = round_plan(date=FRIDAY, time_limit=0.2)

    # then the bike takes Calais and Marck is reported with the reason
    assert [s.source_key for s in result.rounds[0].stops.all()] == [f"order:{in_calais.pk}"]
    assert [(u.source_key, u.reason) for u in result.unassigned] == [
        (f"order:{in_marck.pk}", "no_vehicle_can_serve_commune")
    ]


def test_a_fleet_that_cannot_carry_the_day_says_what_it_lacks(db, depot, calais_zone, manager_client):
    # given one small van (60 kg) and 100 kg of home orders in Calais
    VehicleFactory(capacity_kg=60)
    for _ in range(4):
        order_create(day=FRIDAY, zone=calais_zone, commune="Calais", kg="25")

    # when Friday is planned
    result = round_plan(date=FRIDAY, time_limit=0.2)

    # then what the van cannot carry is reported as the fleet's shortfall, in kg, in French for the planner
    assert result.unassigned and {u.reason for u in result.unassigned} == {"fleet_capacity_insufficient"}
    assert {u.detail for u in result.unassigned} == {
        "Capacité de la flotte insuffisante : il manque 40 kg pour les commandes du jour."
    }
    stored = PlanningRun.objects.get(date=FRIDAY).unassigned
    assert {(u["reason"], u["detail"]) for u in stored} == {(u.reason, u.detail) for u in result.unassigned}


def test_replanning_keeps_started_and_locked_rounds_and_is_idempotent(busy_friday, van, bike, manager, calais_zone):
    # given Friday planned, the van's round started
    first = round_plan(date=FRIDAY, user=manager, time_limit=0.3)
    van_round = next(r for r in first.rounds if r.vehicle_id == van.pk)
    van_stops = list(van_round.stops.order_by("sequence").values_list("pk", "source_key", "arrival_at"))
    round_start(round_id=van_round.pk, actor=manager)

    # when a new order comes in and Friday is planned again, twice
    late = order_create(day=FRIDAY, zone=calais_zone, commune="Calais", lat="50.9600", lon="1.8600", kg="2")

    def shape(result):
        return [(r.vehicle_id, [s.source_key for s in r.stops.order_by("sequence")]) for r in result.rounds]

    second = round_plan(date=FRIDAY, user=manager, time_limit=0.3)
    second_shape, second_keys = shape(second), {s for _, keys in shape(second) for s in keys}
    third = round_plan(date=FRIDAY, user=manager, time_limit=0.3)

    # then the started round and its stops are untouched, and kept out of the new plan
    assert [r.pk for r in second.kept] == [van_round.pk]
    assert (
        list(Stop.objects.filter(round=van_round).order_by("sequence").values_list("pk", "source_key", "arrival_at"))
        == van_stops
    )
    assert Round.objects.get(pk=van_round.pk).status == RoundStatus.STARTED
    covered = {key for _, key, _ in van_stops}
    for result, keys in ((second, second_keys), (third, {s for _, k in shape(third) for s in k})):
        assert all(r.vehicle_id == bike.pk for r in result.rounds)
        assert not (keys | {u.source_key for u in result.unassigned}) & covered
    assert f"order:{late.pk}" in {s.source_key for r in third.rounds for s in r.stops.all()} | {
        u.source_key for u in third.unassigned
    }

    # and re-planning the same input gives the same rounds (one set, same stops in the same order)
    assert second_shape == shape(third)
    assert Round.objects.filter(date=FRIDAY).count() == 1 + len(third.rounds)
    assert PlanningRun.objects.get(date=FRIDAY).runs == 3
    assert AuditEvent.objects.filter(action="round.plan").count() == len(first.rounds) + len(second.rounds) + len(
        third.rounds
    )

    # and a locked round is kept too
    bike_round = third.rounds[0]
    round_lock_set(round_id=bike_round.pk, locked=True, actor=manager)
    fourth = round_plan(date=FRIDAY, user=manager, time_limit=0.3)
    assert {r.pk for r in fourth.kept} == {van_round.pk, bike_round.pk}
    assert fourth.rounds == []


def test_plan_requires_a_manager_and_a_depot(db, driver_client, manager_client, api_client):
    assert api_client.post(PLAN_URL, {"date": FRIDAY.isoformat()}, format="json").status_code == 401
    assert driver_client.post(PLAN_URL, {"date": FRIDAY.isoformat()}, format="json").status_code == 403
    response = manager_client.post(PLAN_URL, {"date": FRIDAY.isoformat()}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "no_depot"
    assert not PlanningJob.objects.exists()
    assert "dépôt" in response.json()["detail"]  # French by default
    bad = manager_client.post(PLAN_URL, {"date": "vendredi"}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "validation_error"


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_plans_of_one_date_leave_one_set_of_rounds(depot, calais_zone, ardres):
    # given orders for Friday and two vans
    for index, (lat, lon) in enumerate(CALAIS_POINTS * 2):
        order_create(day=FRIDAY, zone=calais_zone, commune="Calais", lat=lat, lon=lon, kg=str(5 + index))
    order_create(day=FRIDAY, point=ardres, kg="10")
    VehicleFactory(capacity_kg=60)
    VehicleFactory(capacity_kg=60)
    barrier = threading.Barrier(2)
    errors = []

    def plan():
        try:
            barrier.wait()
            round_plan(date=FRIDAY, time_limit=0.3)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    # when two plans of the same date run at once
    threads = [threading.Thread(target=plan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then both finished (one after the other) and one set of rounds is left, every stop planned once
    assert errors == []
    assert PlanningRun.objects.get(date=FRIDAY).runs == 2
    keys = list(Stop.objects.filter(round__date=FRIDAY).values_list("source_key", flat=True))
    assert len(keys) == len(set(keys)) == 9 - len(PlanningRun.objects.get(date=FRIDAY).unassigned)
    assert Round.objects.filter(date=FRIDAY).count() <= 2


def test_the_beat_task_plans_after_the_cutoff_once_and_emails_each_home_customer_once(
    busy_friday, van, bike, frozen_thursday, mailoutbox, django_capture_on_commit_callbacks
):
    from deliveries.tasks import plan_due_rounds

    # given Thursday evening: the Friday cutoffs (Wednesday 12:00, Sunday) have passed
    # when the beat task runs twice
    with django_capture_on_commit_callbacks(execute=True):
        assert plan_due_rounds.delay().get() == [FRIDAY.isoformat()]
    with django_capture_on_commit_callbacks(execute=True):
        assert plan_due_rounds.delay().get() == []

    # then Friday was planned once and every planned home customer got one email with a two-hour window
    assert PlanningRun.objects.get(date=FRIDAY).runs == 1
    home = Stop.objects.filter(round__date=FRIDAY, kind="home")
    assert home.exists()
    assert OutboxMessage.objects.filter(key__startswith="round_arrival:").count() == home.count()
    assert len(mailoutbox) == home.count()
    stop = home.prefetch_related("orders").first()
    order = stop.orders.get()
    message = next(m for m in mailoutbox if m.to == [order.customer.email])
    opens, closes = planning.arrival_window(stop.arrival_at)
    assert (closes - opens).total_seconds() == 7200
    assert opens <= stop.arrival_at <= closes
    assert f"entre {timezone.localtime(opens):%H:%M} et {timezone.localtime(closes):%H:%M}" in message.body


def test_a_date_whose_cutoff_is_ahead_is_not_planned_by_the_task(busy_friday, van):
    import time_machine

    from tests.deliveries.helpers import PARIS

    with time_machine.travel(timezone.datetime(2026, 10, 21, 11, 0, tzinfo=PARIS), tick=False):
        assert planning.round_plan_due() == []
    assert not Round.objects.exists()


def test_vending_refills_and_pickup_points_plug_in_as_stop_sources(db, depot, ardres):
    from decimal import Decimal

    from tests.factories.vending import MachineFactory
    from vending.models import RefillRequest

    # given a refill request of a machine in Calais and two orders for Ardres
    machine = MachineFactory(name="Distributeur de l'Ilôt Jacquard")
    refill = RefillRequest.objects.create(machine=machine, date=FRIDAY, load_kg=Decimal("18.50"))
    RefillRequest.objects.create(machine=MachineFactory(at_depot=True), date=FRIDAY, load_kg=Decimal("5"))
    order_create(day=FRIDAY, point=ardres, kg="5")
    order_create(day=FRIDAY, point=ardres, kg="9")

    # then the refill is one stop (the machine at the depot none) and Ardres one stop with the summed load
    demands = {d.key: d for d in stop_demands_for(FRIDAY)}
    assert set(demands) == {f"refill:{refill.pk}", f"point:{ardres.pk}"}
    assert (demands[f"refill:{refill.pk}"].kind, demands[f"refill:{refill.pk}"].load_crates) == ("vending_refill", 3)
    assert (demands[f"point:{ardres.pk}"].load_kg, demands[f"point:{ardres.pk}"].load_crates) == (Decimal("14.00"), 3)
