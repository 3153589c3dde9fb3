"""The planner honours the windows customers chose: every arrival recomputed from the stored stops (an independent
haversine, the vehicle's speed, the hand-over times, waiting when early) falls inside the order's own window, read
from the order, not from the stop's copy. The arrival email narrows the chosen window. Staff manage windows."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from deliveries.models import DeliveryWindow, PlanningRun, Round, Stop
from deliveries.services.planning import round_arrival_windows_notify, round_plan
from deliveries.services.windows import delivery_window_create
from ecopole.core.models import OutboxMessage
from orders.models import Order
from tests.deliveries.helpers import AUDRUICQ, CALAIS_POINTS, FRIDAY, GUINES, MARCK, minutes, road_km
from tests.factories.orders import order_create

STARTS = [time(8, 0), time(10, 0), time(12, 0), time(14, 0)]


@pytest.fixture
def windowed_friday(db, depot, ardres, calais_zone):
    """Ten home orders over Calais, Marck, Guînes and Audruicq, each with a chosen two-hour window (the four windows
    of the day in turn), and one order for the Ardres relay point."""
    windows = [
        delivery_window_create(zone_id=calais_zone.pk, day=FRIDAY, start=start, capacity=10, actor=None)
        for start in STARTS
    ]
    places = [("Calais", p) for p in CALAIS_POINTS]
    places += [("Marck", MARCK), ("Guînes", GUINES), ("Audruicq", AUDRUICQ)]
    places += [("Calais", ("50.9550", "1.8550")), ("Marck", ("50.9500", "1.9400")), ("Calais", ("50.9490", "1.8620"))]
    orders = [
        order_create(
            day=FRIDAY, zone=calais_zone, commune=commune, lat=lat, lon=lon, kg="4", window=windows[i % len(windows)]
        )
        for i, (commune, (lat, lon)) in enumerate(places)
    ]
    order_create(day=FRIDAY, point=ardres, kg="5")
    return orders


def _recomputed_arrivals(round_: Round, depot) -> dict[int, float]:
    """Each stop's hand-over start (minutes from midnight), from the stored order of the stops and their places."""
    clock = minutes(round_.planned_start)
    here = (float(depot.longitude), float(depot.latitude))
    speed = float(round_.vehicle.speed_kmh)
    arrivals = {}
    for stop in round_.stops.order_by("sequence"):
        there = (float(stop.longitude), float(stop.latitude))
        clock += road_km(here, there) / speed * 60
        order = stop.orders.first()
        window = order.delivery_window if order is not None and order.delivery_window_id else None
        opens = window.start if window else stop.window_start
        if opens is not None:
            clock = max(clock, minutes(opens))
        arrivals[stop.pk] = clock
        clock += stop.service_minutes
        here = there
    return arrivals


def test_every_arrival_falls_inside_the_window_the_customer_chose(windowed_friday, depot, van, bike):
    # when Friday is planned
    round_plan(date=FRIDAY)

    # then every home order is on a round (the fleet is large enough) …
    assert PlanningRun.objects.get(date=FRIDAY).unassigned == []
    stops = {s.source_key: s for s in Stop.objects.filter(round__date=FRIDAY)}
    assert {f"order:{o.pk}" for o in windowed_friday} <= set(stops)

    # … and, recomputed from the stored rounds, each arrival is inside the order's own window
    arrivals = {}
    for round_ in Round.objects.filter(date=FRIDAY).select_related("vehicle"):
        arrivals.update(_recomputed_arrivals(round_, depot))
    for order in Order.objects.filter(pk__in=[o.pk for o in windowed_friday]).select_related("delivery_window"):
        stop = stops[f"order:{order.pk}"]
        arrival = arrivals[stop.pk]
        window = order.delivery_window
        assert minutes(window.start) - 1e-6 <= arrival <= minutes(window.end) + 1e-6, (order.pk, arrival, window)
        # and the stored arrival is that recomputed one (to the minute): the page and the sheet show the truth
        assert abs(minutes(stop.arrival_at) - arrival) < 1, (stop.pk, stop.arrival_at, arrival)


def test_the_arrival_email_narrows_the_chosen_window(windowed_friday, depot, van, bike):
    round_plan(date=FRIDAY)

    round_arrival_windows_notify(date=FRIDAY)

    for order in windowed_friday:
        message = OutboxMessage.objects.get(key=f"round_arrival:{order.pk}:{FRIDAY.isoformat()}")
        stop = Stop.objects.get(source_key=f"order:{order.pk}", round__date=FRIDAY)
        opens, closes = (datetime.fromisoformat(message.payload[k]) for k in ("opens", "closes"))
        # one hour, inside the window the order chose, around the planned arrival
        assert closes - opens == timedelta(hours=1)
        assert minutes(order.delivery_window.start) <= minutes(opens)
        assert minutes(closes) <= minutes(order.delivery_window.end)
        assert opens <= stop.arrival_at <= closes


def test_staff_open_windows_and_set_capacities_customers_see_those_left(
    calais_zone, manager_client, customer_client, preparer_client
):
    url = reverse("deliveries:window-list")
    body = {"zone": calais_zone.pk, "date": FRIDAY.isoformat(), "start": "10:00", "capacity": 3}

    # a preparer may not open one; the manager may, twice (the second sets the capacity)
    assert preparer_client.post(url, body, format="json").status_code == 403
    created = manager_client.post(url, body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["end"] == "12:00:00" and created.json()["remaining"] == 3
    again = manager_client.post(url, {**body, "capacity": 4}, format="json")
    assert again.json()["id"] == created.json()["id"] and again.json()["capacity"] == 4
    window = DeliveryWindow.objects.get()

    # capacity never below the places taken
    DeliveryWindow.objects.filter(pk=window.pk).update(taken=2)
    detail = reverse("deliveries:window-detail", kwargs={"window_id": window.pk})
    refused = manager_client.patch(detail, {"capacity": 1}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "delivery_window_capacity_below_taken"
    assert manager_client.patch(detail, {"capacity": 2}, format="json").json()["remaining"] == 0
    # PATCH is partial: without a capacity nothing changes; an unknown window is a 404
    unchanged = manager_client.patch(detail, {}, format="json")
    assert unchanged.status_code == 200 and unchanged.json()["capacity"] == 2
    missing = reverse("deliveries:window-detail", kwargs={"window_id": window.pk + 1000})
    assert manager_client.patch(missing, {}, format="json").status_code == 404

    # a customer no longer sees the full window; staff do
    query = f"?date={FRIDAY.isoformat()}&zone={calais_zone.pk}"
    assert customer_client.get(url + query).json() == []
    assert [w["id"] for w in manager_client.get(url + query).json()] == [window.pk]
    assert Decimal(window.capacity) == 4
