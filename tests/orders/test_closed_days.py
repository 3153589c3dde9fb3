"""Closed days (public holidays and the association's closures) in the grocery: never offered, refused when asked."""

from datetime import date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ecopole.core.calendar import ClosedDay
from ecopole.core.models import Closure
from orders.models import Order
from orders.services.reschedule import order_reschedule
from tests.orders.helpers import PARIS, pickup_body, place_pickup

pytestmark = pytest.mark.django_db
URL = "/api/v1/orders/"
DAYS_URL = "/api/v1/orders/delivery-days/"


@pytest.fixture
def december(frozen_now):
    """Monday 14 December 2026, 09:00 in Paris: Christmas (Friday 25) and New Year's Day (Friday 1) are ahead."""
    frozen_now.move_to(datetime(2026, 12, 14, 9, 0, tzinfo=PARIS))


@pytest.fixture
def winter_closure(db):
    return Closure.objects.create(start_date=date(2026, 12, 24), end_date=date(2026, 12, 29), label="Congés d'hiver")


def test_an_order_for_christmas_is_refused_with_the_day_and_the_reason(december, customer_client, depot, leeks):
    response = customer_client.post(
        URL, pickup_body(depot, [(leeks, 1)], delivery_date=date(2026, 12, 25)), format="json"
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "closed_day"
    assert body["detail"] == "L'Ecopôle est fermé le 25 décembre 2026 (Noël) : choisissez un autre jour."
    assert body["fields"] == {"date": "2026-12-25", "reason": "Noël"}
    assert Order.objects.count() == 0


def test_an_order_on_a_closure_of_the_association_is_refused(december, winter_closure, customer_client, depot, leeks):
    response = customer_client.post(
        URL, pickup_body(depot, [(leeks, 1)], delivery_date=date(2026, 12, 29)), format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "closed_day" and response.json()["fields"]["reason"] == "Congés d'hiver"
    assert "29 décembre 2026" in response.json()["detail"]
    # the Tuesday before is open
    ok = customer_client.post(URL, pickup_body(depot, [(leeks, 1)], delivery_date=date(2026, 12, 22)), format="json")
    assert ok.status_code == 201


def test_closed_days_are_not_offered_as_delivery_days(december, winter_closure, api_client, depot, calais_zone):
    body = api_client.get(DAYS_URL).json()

    places = {(p["type"], (p["pickup_point"] or p["zone"])["id"]): p for p in body["results"]}
    depot_dates = [d["date"] for d in places[("pickup", depot.pk)]["dates"]]
    # Tuesday 15 closed on Sunday; Friday 25 (Christmas, and the closure), Tuesday 29 (the closure), Friday 1 January (New Year's Day): not listed
    assert depot_dates == ["2026-12-18", "2026-12-22", "2027-01-05", "2027-01-08"]
    zone_dates = [d["date"] for d in places[("home", calais_zone.pk)]["dates"]]
    assert zone_dates == ["2026-12-18", "2027-01-08"]


def test_the_delivery_days_read_the_closures_in_one_query_whatever_their_number(december, api_client, depot):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert api_client.get(DAYS_URL).status_code == 200
        return len(ctx.captured_queries)

    none = queries()
    for day in (15, 18, 22, 29):
        Closure.objects.create(start_date=date(2026, 12, day), end_date=date(2026, 12, day), label="Inventaire")
    assert queries() == none
    assert api_client.get(DAYS_URL).json()["results"][0]["dates"][0]["date"] == "2027-01-05"


def test_an_order_cannot_be_moved_to_a_closed_day(december, customer, depot, leeks, manager):
    order = place_pickup(customer, depot, [(leeks, 1)], delivery_date=date(2026, 12, 22))
    with pytest.raises(ClosedDay) as refused:
        order_reschedule(order_id=order.pk, delivery_date=date(2027, 1, 1), actor=manager)
    assert refused.value.code == "closed_day" and refused.value.extra["reason"] == "Jour de l'an"
    order.refresh_from_db()
    assert order.delivery_date == date(2026, 12, 22)


def test_holidays_of_the_new_year_are_found_across_the_end_of_the_year():
    from ecopole.core.calendar import closures_between

    with time_machine.travel(datetime(2026, 12, 30, tzinfo=PARIS)):
        assert closures_between(date(2026, 12, 30), date(2027, 1, 2)) == {date(2027, 1, 1): "Jour de l'an"}
