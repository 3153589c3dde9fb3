"""Reading the stops of a date costs a bounded number of queries whatever the number of orders: planning reads
thousands of them at ten times the benchmark's data (`make bench SCALE=10`), and a query per order or per stop
would grow with them."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from deliveries.services.planning import plan_inputs
from deliveries.services.sources import stop_demands_for
from orders.models import Order, OrderLine
from tests.deliveries.helpers import CALAIS_POINTS, FRIDAY
from tests.factories.orders import order_create


def _orders(count: int, *, zone, points) -> None:
    """`count` orders of Friday: home deliveries in Calais and pickups at each point in turn, some with jars, one in
    three with a prepared quantity."""
    for i in range(count):
        if i % 3:
            order = order_create(day=FRIDAY, point=points[i % len(points)], kg=str(1 + i % 4), jars=i % 2)
        else:
            lat, lon = CALAIS_POINTS[i % len(CALAIS_POINTS)]
            order = order_create(day=FRIDAY, zone=zone, lat=lat, lon=lon, kg="2", jars=1)
            OrderLine.objects.filter(order=order, unit="kg").update(prepared_quantity=Decimal("2.5"))


def test_stop_demands_cost_the_same_queries_for_3_and_for_30_orders(
    db, depot, ardres, jacquard, calais_zone, django_assert_max_num_queries
):
    # given three orders of Friday, the queries to read its stops
    _orders(3, zone=calais_zone, points=[ardres, jacquard])
    with CaptureQueriesContext(connection) as few:
        assert len(stop_demands_for(FRIDAY)) == 3  # one home order, one stop per pickup point
    bound = len(few.captured_queries)

    # when there are thirty, on more pickup points, then reading them costs no more queries
    _orders(27, zone=calais_zone, points=[ardres, jacquard])
    with django_assert_max_num_queries(bound):
        demands = stop_demands_for(FRIDAY)
    with django_assert_max_num_queries(bound + 6):  # + the depot, kept rounds and their stops, vehicles
        inputs = plan_inputs(date=FRIDAY)
    assert inputs.demands == demands

    # and every order is on a stop, with its lines' weight (the prepared quantity when there is one)
    by_key = {d.key: d for d in demands}
    assert len(demands) == 10 + 2  # 10 home orders, one stop per pickup point
    assert sorted(ref for d in demands for ref in d.order_ids) == sorted(
        Order.objects.filter(delivery_date=FRIDAY).values_list("pk", flat=True)
    )
    home = next(d for d in demands if d.kind == "home")
    assert home.load_kg == Decimal("2.95")  # 2.5 kg prepared + one jar of 0.45 kg
    assert [item.quantity for item in home.handover[0].items] == ["2.5", "1"]
    ardres_orders = by_key[f"point:{ardres.pk}"].order_ids
    assert list(ardres_orders) == sorted(ardres_orders)
    assert [h.ref for h in by_key[f"point:{ardres.pk}"].handover] == list(ardres_orders)


def test_an_order_for_the_depot_or_without_coordinates_makes_no_stop(db, depot, calais_zone):
    order_create(day=FRIDAY, point=depot)
    order = order_create(day=FRIDAY, zone=calais_zone)
    Order.objects.filter(pk=order.pk).update(delivery_latitude=None, delivery_longitude=None)
    assert stop_demands_for(FRIDAY) == []
