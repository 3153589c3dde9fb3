"""Reads of the staff pages that span several apps: the dashboard's figures and the preparation board. Each one a
bounded number of aggregate queries, whatever the number of orders, stops or compartments (tests count them).

They read other apps' tables through those apps' selectors where one fits (rounds, bookings, the preparation
list, the pickup sheet) and with read-only aggregates otherwise; every write goes through the apps' services."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q
from django.urls import reverse

from baskets.selectors import pickup_sheet
from deliveries.models import Stop, StopStatus
from deliveries.selectors import round_list
from orders.models import Fulfilment, Order, OrderStatus
from orders.selectors import preparation_destinations
from processing.models import BookingStatus
from processing.selectors import booking_list
from vending.models import Anomaly, Compartment, LockerReservation, Machine

TO_PREPARE = (OrderStatus.PLACED, OrderStatus.PREPARING)


def rounds_with_progress(*, user, day: date) -> list[dict]:
    """The rounds of `day` with their stops delivered, failed and pending: four queries (`round_list`)."""
    rounds = []
    for round_ in round_list(user=user, day=day):
        stops = list(round_.stops.all())
        done = sum(1 for stop in stops if stop.status != StopStatus.PENDING)
        rounds.append(
            {
                "round": round_,
                "stops": len(stops),
                "delivered": sum(1 for stop in stops if stop.status == StopStatus.DELIVERED),
                "failed": sum(1 for stop in stops if stop.status == StopStatus.FAILED),
                "done": done,
                "percent": round(100 * done / len(stops)) if stops else 0,
            }
        )
    return rounds


def dashboard_figures(*, user, day: date) -> dict:
    """Today's figures at a glance: orders by status for `day`, the day's baskets, rounds and their progress,
    the vending machines' low compartments and open anomalies, the workshop's bookings of the day. Ten queries."""
    orders = Order.objects.filter(delivery_date=day).aggregate(
        placed=Count("id", filter=Q(status=OrderStatus.PLACED)),
        preparing=Count("id", filter=Q(status=OrderStatus.PREPARING)),
        ready=Count("id", filter=Q(status__in=[OrderStatus.READY, OrderStatus.OUT_FOR_DELIVERY])),
        fulfilled=Count("id", filter=Q(status=OrderStatus.FULFILLED)),
    )
    machines = list(
        Machine.objects.filter(is_active=True)
        .annotate(
            low=Count(
                "compartments",
                filter=Q(compartments__is_active=True, compartments__quantity__lte=F("compartments__low_threshold")),
            ),
            compartments_count=Count("compartments", filter=Q(compartments__is_active=True)),
        )
        .order_by("name", "id")
    )
    anomalies = dict(
        Anomaly.objects.filter(resolved_at__isnull=True)
        .values("machine_id")
        .annotate(n=Count("id"))
        .values_list("machine_id", "n")
    )
    for machine in machines:
        machine.open_anomalies = anomalies.get(machine.pk, 0)
    bookings = list(
        booking_list(user=user, start=day, end=day).exclude(
            status__in=[BookingStatus.CANCELLED, BookingStatus.EXPIRED, BookingStatus.WAITING]
        )
    )
    sheet = pickup_sheet(on=day, user=user)
    return {
        "day": day,
        "orders": orders,
        "orders_to_prepare": orders["placed"] + orders["preparing"],
        "baskets_count": sheet["baskets_count"],
        "rounds": rounds_with_progress(user=user, day=day),
        "machines": machines,
        "bookings": bookings,
    }


def preparation_board(*, user, day: date) -> dict:
    """The day's orders (not cancelled) grouped by pickup point or zone, each with its round and stop number if a
    round serves it, and the day's baskets by place (the pickup sheet). Six queries whatever the numbers."""
    stops = Stop.objects.select_related("round__vehicle").order_by("round_id", "sequence")
    orders = (
        Order.objects.filter(delivery_date=day)
        .exclude(status=OrderStatus.CANCELLED)
        .select_related("customer", "pickup_point", "delivery_zone")
        .prefetch_related(Prefetch("round_stops", queryset=stops))
        .order_by("fulfilment", "pickup_point__name", "delivery_zone__name", "id")
    )
    places: dict[tuple, dict] = {}
    for place in preparation_destinations(delivery_date=day):
        places[(place["type"], place["id"])] = {**place, "orders": []}
    for order in orders:
        key = (
            order.fulfilment,
            order.pickup_point_id if order.fulfilment == Fulfilment.PICKUP else order.delivery_zone_id,
        )
        stop = next(iter(order.round_stops.all()), None)
        order.stop = stop
        order.staff_url = reverse("staff:preparation-order", args=[order.pk])
        if key in places:
            places[key]["orders"].append(order)
    return {"day": day, "places": list(places.values()), "baskets": pickup_sheet(on=day, user=user)}


def order_stop(order: Order) -> Stop | None:
    """The stop of a round that carries the order (the newest round), or None. One query."""
    return Stop.objects.filter(orders=order).select_related("round__vehicle").order_by("-round__date", "-id").first()


def free_lockers(*, pickup_point_id: int) -> list[Compartment]:
    """The active, empty compartments of the machine at a pickup point that no order holds: where an order may
    be loaded. One query."""
    reserved = LockerReservation.objects.filter(compartment=OuterRef("pk"), is_active=True)
    return list(
        Compartment.objects.filter(
            machine__pickup_point_id=pickup_point_id, machine__is_active=True, is_active=True, quantity=0
        )
        .exclude(Exists(reserved))
        .order_by("position", "code")
    )
