"""Reads of the online grocery. Querysets are scoped to the user here: a customer never reaches another's order."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from deliveries.selectors import driver_order_ids
from deliveries.services.places import (
    ORDER_HORIZON_DAYS,
    delivery_dates_open,
    delivery_zone_list_with_days,
    pickup_point_list_with_days,
)
from ecopole.core.calendar import closures_between
from ecopole.core.exceptions import NotFound
from ecopole.core.permissions import is_driver_only, sees_all_orders
from vending.ports import locker_reservations_newest_first

from .models import Fulfilment, IdempotencyRecord, Order, OrderEvent, OrderLine, OrderStatus


def order_list(*, user) -> QuerySet[Order]:
    """Orders visible to `user` (managers and preparers: all; a driver: those of their rounds; anyone else: their
    own), with what the list shows: three queries
    (count, orders with their places and customer, lines) whatever the number of orders and lines."""
    queryset = Order.objects.select_related("customer", "pickup_point", "delivery_zone").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("id"))
    )
    if is_driver_only(user):
        # A driver reaches the orders of their own rounds (and their own, as a customer): no one else's.
        queryset = queryset.filter(Q(customer=user) | Q(pk__in=driver_order_ids(user=user)))
    elif not sees_all_orders(user):
        queryset = queryset.filter(customer=user)
    return queryset.order_by("-created_at", "-id")


def order_ensure_visible(*, user, order_id: int) -> None:
    """`NotFound` (404) unless `user` may see the order. One query, for the actions that check before they change
    the order and read it whole only afterwards (`order_get`)."""
    if not order_list(user=user).filter(pk=order_id).exists():
        raise NotFound()


def order_get(*, user, order_id: int) -> Order:
    """One order visible to `user`, with its lines, history and vending-machine lockers. Another customer's order is `NotFound` (404)."""
    order = (
        order_list(user=user)
        .prefetch_related(
            Prefetch("events", queryset=OrderEvent.objects.select_related("actor").order_by("id")),
            Prefetch(
                "locker_reservations",
                queryset=locker_reservations_newest_first(),
            ),
        )
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise NotFound()
    return order


def order_id_for_idempotency_key(*, customer, key: str) -> int | None:
    """The order a customer already placed with this idempotency key, or None (one query). The shop asks before
    placing: a reloaded or resubmitted checkout form carries the key of an order whose cart is gone, and must show
    that order rather than ask `order_place` with a request that no longer matches the first one."""
    return (
        IdempotencyRecord.objects.filter(user=customer, key=key, order__isnull=False)
        .values_list("order_id", flat=True)
        .first()
    )


def delivery_places_open(*, now: datetime | None = None) -> list[dict]:
    """Every active pickup point and delivery zone with its next open delivery dates and their cutoffs.

    Five queries in all (points, their days, zones, their days, the closed days of the horizon)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    closed = closures_between(today, today + timedelta(days=ORDER_HORIZON_DAYS))
    places = []
    for point in pickup_point_list_with_days():
        places.append(
            {
                "type": Fulfilment.PICKUP,
                "pickup_point": point,
                "zone": None,
                "dates": delivery_dates_open(rules=point.active_days, now=now, closed=closed),
            }
        )
    for zone in delivery_zone_list_with_days():
        places.append(
            {
                "type": Fulfilment.HOME,
                "pickup_point": None,
                "zone": zone,
                "dates": delivery_dates_open(rules=zone.active_days, now=now, closed=closed),
            }
        )
    return places


def preparation_list(*, delivery_date: date) -> dict:
    """What to prepare for `delivery_date`: the ordered quantities of every order not cancelled, per product and
    per destination (pickup point or home-delivery zone). Two aggregate queries."""
    rows = (
        OrderLine.objects.filter(order__delivery_date=delivery_date)
        .exclude(order__status=OrderStatus.CANCELLED)
        .values(
            "order__fulfilment",
            "order__pickup_point_id",
            "order__pickup_point__name",
            "order__delivery_zone_id",
            "order__delivery_zone__name",
            "product_id",
            "product__name",
            "product__unit",
        )
        .annotate(quantity=Sum("quantity"), orders=Count("order_id", distinct=True))
        .order_by("order__fulfilment", "order__pickup_point__name", "order__delivery_zone__name", "product__name")
    )
    totals: dict[int, dict] = {}
    destinations: dict[tuple, dict] = {}
    order_counts: dict[tuple, int] = {}
    for row in rows:
        pickup = row["order__fulfilment"] == Fulfilment.PICKUP
        key = (row["order__fulfilment"], row["order__pickup_point_id"] or row["order__delivery_zone_id"])
        destination = destinations.setdefault(
            key,
            {
                "type": row["order__fulfilment"],
                "id": key[1],
                "name": row["order__pickup_point__name"] if pickup else row["order__delivery_zone__name"],
                "products": [],
            },
        )
        product = {
            "product": row["product_id"],
            "name": row["product__name"],
            "unit": row["product__unit"],
            "quantity": row["quantity"],
            "orders": row["orders"],
        }
        destination["products"].append(product)
        total = totals.setdefault(row["product_id"], {**product, "quantity": Decimal(0), "orders": 0})
        total["quantity"] += row["quantity"]
        total["orders"] += row["orders"]
    orders = Order.objects.filter(delivery_date=delivery_date).exclude(status=OrderStatus.CANCELLED)
    per_destination = orders.values("fulfilment", "pickup_point_id", "delivery_zone_id").annotate(n=Count("id"))
    for row in per_destination:
        order_counts[(row["fulfilment"], row["pickup_point_id"] or row["delivery_zone_id"])] = row["n"]
    for key, destination in destinations.items():
        destination["orders_count"] = order_counts.get(key, 0)
    return {
        "date": delivery_date,
        "orders_count": sum(order_counts.values()),
        "products": sorted(totals.values(), key=lambda p: (p["name"], p["product"])),
        "destinations": list(destinations.values()),
    }
