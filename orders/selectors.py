"""Reads of the online grocery. Querysets are scoped to the user here: a customer never reaches another's order."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from deliveries.selectors import delivered_stops, driver_order_ids
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

from .models import CounterSale, Fulfilment, IdempotencyRecord, Order, OrderEvent, OrderLine, OrderStatus


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
            # The proofs of delivery (`OrderDetailSerializer.delivery_proofs`, the shop's order page).
            Prefetch("round_stops", queryset=delivered_stops(), to_attr="delivered_stops"),
        )
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise NotFound()
    return order


def customer_for_staff_order(*, customer_id: int):
    """The active account an order placed by staff may be for (a customer who phones), or None. One query."""
    return get_user_model().objects.filter(pk=customer_id, is_active=True).first()


def customer_search(*, text: str, limit: int = 20) -> list:
    """Active accounts whose name or email contains `text` (staff choosing whom to place an order for). One query,
    at most `limit` rows; fewer than two characters finds nothing."""
    text = text.strip()
    if len(text) < 2:
        return []
    users = (
        get_user_model().objects.filter(is_active=True).filter(Q(full_name__icontains=text) | Q(email__icontains=text))
    )
    return list(users.order_by("full_name", "email", "id")[:limit])


def counter_sale_get(*, sale_id: int):
    """A counter sale with its lines and seller (two queries), or None."""
    return CounterSale.objects.select_related("seller").prefetch_related("lines").filter(pk=sale_id).first()


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


PREPARATION_BY = ("destination", "product")


def _preparation_lines(delivery_date: date) -> QuerySet[OrderLine]:
    return OrderLine.objects.filter(order__delivery_date=delivery_date).exclude(order__status=OrderStatus.CANCELLED)


_DESTINATION_ORDER = (
    "order__fulfilment",
    "order__pickup_point__name",
    "order__delivery_zone__name",
    "order__pickup_point_id",
    "order__delivery_zone_id",
)


def preparation_destinations(*, delivery_date: date) -> list[dict]:
    """The pickup points and home-delivery zones that have orders (not cancelled) for `delivery_date`, in the order
    of the preparation list (pickup points first, then by name), each with its number of orders and of products (its
    rows in the list): one query, a dozen rows whatever the number of orders."""
    rows = (
        _preparation_lines(delivery_date)
        .values(
            "order__fulfilment",
            "order__pickup_point_id",
            "order__pickup_point__name",
            "order__delivery_zone_id",
            "order__delivery_zone__name",
        )
        .annotate(orders_count=Count("order_id", distinct=True), products_count=Count("product_id", distinct=True))
        .order_by(*_DESTINATION_ORDER)
    )
    places = []
    for row in rows:
        pickup = row["order__fulfilment"] == Fulfilment.PICKUP
        places.append(
            {
                "type": row["order__fulfilment"],
                "id": row["order__pickup_point_id"] if pickup else row["order__delivery_zone_id"],
                "name": row["order__pickup_point__name"] if pickup else row["order__delivery_zone__name"],
                "orders_count": row["orders_count"],
                "products_count": row["products_count"],
            }
        )
    return places


def _destination_q(kind: str, place: int) -> Q:
    if kind == Fulfilment.PICKUP:
        return Q(order__fulfilment=kind, order__pickup_point_id=place)
    return Q(order__fulfilment=kind, order__delivery_zone_id=place)


class PreparationDestinationRows:
    """The per-destination rows of a date as a sequence a paginator slices: its length is the sum of the
    destinations' product counts (`preparation_destinations`), and a slice reads, in one query, only the
    destinations it spans. At ten times the bench data (20,000 orders, 34,000 rows) the first page aggregates one
    pickup point's 5,400 lines instead of the date's 60,000."""

    def __init__(self, delivery_date: date, destinations: list[dict]):
        self.delivery_date = delivery_date
        self.destinations = destinations

    def __len__(self) -> int:
        return sum(place["products_count"] for place in self.destinations)

    def __getitem__(self, item: slice) -> list[dict]:
        start, stop = item.start or 0, item.stop if item.stop is not None else len(self)
        spanned, before, offset = [], 0, 0
        for place in self.destinations:
            end = before + place["products_count"]
            if end > start and before < stop:
                if not spanned:
                    offset = start - before
                spanned.append(place)
            before = end
        if not spanned:
            return []
        only = Q()
        for place in spanned:
            only |= _destination_q(place["type"], place["id"])
        rows = preparation_rows(delivery_date=self.delivery_date).filter(only)
        return list(rows[offset : offset + stop - start])


def preparation_rows(
    *, delivery_date: date, by: str = "destination", destination: tuple[str, int] | None = None
) -> QuerySet:
    """What to prepare for `delivery_date`, as one aggregate query to page or to iterate: the ordered quantities of
    the orders not cancelled, per destination and product (`by="destination"`, ordered by destination then product
    name), or per product over all destinations (`by="product"`, the totals). `destination` = (`pickup`|`home`, id)
    keeps one pickup point or zone. Rows are `.values()` dicts; `preparation_row` gives them their public shape.

    An order holds a product on one line at most (`order_line_one_per_product`), so counting lines counts orders:
    no COUNT(DISTINCT), which made PostgreSQL sort the 60,000 lines of the 10x bench date on disk."""
    lines = _preparation_lines(delivery_date)
    if destination is not None:
        lines = lines.filter(_destination_q(*destination))
    product_fields = ("product_id", "product__name", "product__unit")
    if by == "product":
        return (
            lines.values(*product_fields)
            .annotate(quantity=Sum("quantity"), orders=Count("id"))
            .order_by("product__name", "product_id")
        )
    return (
        lines.values(
            "order__fulfilment",
            "order__pickup_point_id",
            "order__pickup_point__name",
            "order__delivery_zone_id",
            "order__delivery_zone__name",
            *product_fields,
        )
        .annotate(quantity=Sum("quantity"), orders=Count("id"))
        .order_by(*_DESTINATION_ORDER, "product__name", "product_id")
    )


def preparation_row(row: dict) -> dict:
    """A row of `preparation_rows` in the shape the API, the CSV and the pages show: the destination (`pickup` or
    `home` with its id and name; `total` with neither for the per-product totals), the product, its unit, the
    quantity ordered (estimates for variable-weight products) and the number of orders."""
    if "order__fulfilment" in row:
        kind = row["order__fulfilment"]
        pickup = kind == Fulfilment.PICKUP
        place = row["order__pickup_point_id"] if pickup else row["order__delivery_zone_id"]
        name = row["order__pickup_point__name"] if pickup else row["order__delivery_zone__name"]
    else:
        kind, place, name = "total", None, None
    return {
        "destination_type": kind,
        "destination_id": place,
        "destination": name,
        "product": row["product_id"],
        "name": row["product__name"],
        "unit": row["product__unit"],
        "quantity": row["quantity"],
        "orders": row["orders"],
    }
