"""Every read of the vending app that is more than a `get`: they own select_related / prefetch_related."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import CharField, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from ecopole.core.money import money, vat_included

from .errors import InvalidReportPeriod
from .models import (
    Anomaly,
    Compartment,
    CompartmentMovement,
    LockerReservation,
    Machine,
    MovementKind,
    OpeningPeriod,
    Refill,
    RefillRequest,
    RefillRequestStatus,
    Sale,
    SaleReview,
)

REPORT_MAX_DAYS = 366


def _compartments_with_state() -> QuerySet[Compartment]:
    return (
        Compartment.objects.filter(is_active=True)
        .select_related("product")
        .annotate(reserved=Exists(LockerReservation.objects.filter(compartment=OuterRef("pk"), is_active=True)))
        .order_by("position", "code")
    )


def machine_public_list() -> QuerySet[Machine]:
    """Active machines with their opening periods and compartments (product, quantity, price, reserved): four
    queries whatever the number of machines and compartments."""
    return (
        Machine.objects.filter(is_active=True)
        .prefetch_related(
            Prefetch("opening_periods", queryset=OpeningPeriod.objects.order_by("weekday", "opens_at")),
            Prefetch("compartments", queryset=_compartments_with_state()),
        )
        .order_by("name", "id")
    )


def machine_for_staff() -> QuerySet[Machine]:
    return Machine.objects.all()


def refill_requests_due(date: dt.date) -> QuerySet[RefillRequest]:
    """Open refill requests dated on or before `date`, for the delivery rounds to turn into stops.

    Each carries `machine` (latitude, longitude, at_depot), `load_kg` and its lines (compartment, product, suggested
    quantity). The rounds then move it to `planned` with `refill_request_transition`.
    """
    return (
        RefillRequest.objects.filter(status=RefillRequestStatus.OPEN, date__lte=date, machine__is_active=True)
        .select_related("machine")
        .prefetch_related("lines__compartment", "lines__product")
        .order_by("date", "machine_id")
    )


def refill_request_list(*, status: str | None = None) -> QuerySet[RefillRequest]:
    queryset = RefillRequest.objects.select_related("machine").prefetch_related("lines__compartment", "lines__product")
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-date", "machine_id")


def _money(value) -> Decimal:
    return money(value or 0)


def flagged_sales(*, machine: Machine | None = None) -> QuerySet[Sale]:
    """Sales held out of revenue, waiting for staff to accept them, oldest first, with their anomalies."""
    queryset = Sale.objects.filter(review=SaleReview.FLAGGED)
    if machine is not None:
        queryset = queryset.filter(machine=machine)
    return queryset.select_related("machine").prefetch_related("anomalies").order_by("received_at", "id")


def machine_report(*, machine: Machine, date_from: dt.date, date_to: dt.date) -> dict:
    """Sales per product and per day, revenue with VAT, losses, adjustments, anomalies and fill rate over
    [date_from, date_to] (inclusive, Europe/Paris days). A bounded number of queries whatever the period.

    Every figure follows the period, each by the moment its event happened: sales by `sold_at`, refills and losses
    by when staff recorded them, adjustments by the machine's `counted_at`, anomalies by when they were received.
    Revenue counts trusted and accepted sales only; flagged sales of the period are summed apart (`held_back`).
    """
    if date_to < date_from or (date_to - date_from).days >= REPORT_MAX_DAYS:
        raise InvalidReportPeriod(max_days=REPORT_MAX_DAYS)
    start = timezone.make_aware(dt.datetime.combine(date_from, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min))
    all_sales = Sale.objects.filter(machine=machine, sold_at__gte=start, sold_at__lt=end)
    sales = all_sales.exclude(review=SaleReview.FLAGGED)
    held = all_sales.filter(review=SaleReview.FLAGGED).aggregate(count=Count("id"), amount=Sum("amount"))
    sold = all_sales.aggregate(total=Sum("quantity"))["total"] or Decimal("0")
    refilled = Refill.objects.filter(compartment__machine=machine, created_at__gte=start, created_at__lt=end).aggregate(
        total=Sum("quantity")
    )["total"] or Decimal("0")

    by_product_rows = (
        sales.values("product_id", "product__name", "vat_rate")
        .annotate(quantity=Sum("quantity"), amount=Sum("amount"), count=Count("id"))
        .order_by("product__name", "product_id", "vat_rate")
    )
    by_product: dict = {}
    by_rate: dict[Decimal, Decimal] = defaultdict(Decimal)
    for row in by_product_rows:
        key = row["product_id"]
        entry = by_product.setdefault(
            key,
            {
                "product": key,
                "product_name": row["product__name"] or "",
                "quantity": Decimal("0"),
                "count": 0,
                "amount_incl_vat": Decimal("0"),
            },
        )
        entry["quantity"] += row["quantity"]
        entry["count"] += row["count"]
        entry["amount_incl_vat"] += _money(row["amount"])
        by_rate[row["vat_rate"]] += _money(row["amount"])

    tz = timezone.get_current_timezone()
    by_day = [
        {
            "date": row["day"],
            "count": row["count"],
            "quantity": row["quantity"],
            "amount_incl_vat": _money(row["amount"]),
        }
        for row in sales.annotate(day=TruncDate("sold_at", tzinfo=tz))
        .values("day")
        .annotate(quantity=Sum("quantity"), amount=Sum("amount"), count=Count("id"))
        .order_by("day")
    ]

    vat_lines = []
    for rate in sorted(by_rate):
        incl = by_rate[rate]
        vat = vat_included(incl, rate)  # rounded once per VAT rate, not per sale
        vat_lines.append({"vat_rate": rate, "amount_incl_vat": incl, "vat": vat, "amount_excl_vat": incl - vat})
    total_incl = sum((line["amount_incl_vat"] for line in vat_lines), Decimal("0.00"))
    total_vat = sum((line["vat"] for line in vat_lines), Decimal("0.00"))

    movements = (
        CompartmentMovement.objects.filter(compartment__machine=machine)
        .filter(
            Q(kind=MovementKind.LOSS, created_at__gte=start, created_at__lt=end)
            | Q(
                kind=MovementKind.ADJUSTMENT,
                inventory_count__counted_at__gte=start,
                inventory_count__counted_at__lt=end,
            )
        )
        .select_related("product")
    )
    losses: dict = {}
    adjustments: dict = {}
    for move in movements:
        if move.kind in (MovementKind.LOSS, MovementKind.ADJUSTMENT):
            target = losses if move.kind == MovementKind.LOSS else adjustments
            entry = target.setdefault(
                move.product_id,
                {
                    "product": move.product_id,
                    "product_name": move.product.name,
                    "quantity": Decimal("0"),
                    "value": Decimal("0"),
                },
            )
            entry["quantity"] += -move.quantity if move.kind == MovementKind.LOSS else move.quantity
            value = money(abs(move.quantity) * (move.unit_price or 0))
            entry["value"] += value if move.kind == MovementKind.LOSS else (value if move.quantity > 0 else -value)

    anomalies = list(
        Anomaly.objects.filter(machine=machine, created_at__gte=start, created_at__lt=end)
        .annotate(code=Coalesce(F("compartment__code"), KT("details__compartment"), output_field=CharField()))
        .values("kind", "code")
        .annotate(count=Count("id"))
        .order_by("kind", "code")
    )
    anomalies = [{"kind": row["kind"], "compartment": row["code"] or "", "count": row["count"]} for row in anomalies]

    capacity = quantity = Decimal("0")
    for cap, qty in Compartment.objects.filter(machine=machine, is_active=True).values_list("capacity", "quantity"):
        capacity += cap
        quantity += qty
    fill_rate = (quantity * 100 / capacity).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if capacity else None
    sell_through = (sold * 100 / refilled).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if refilled else None

    return {
        "machine": machine.pk,
        "machine_name": machine.name,
        "from": date_from,
        "to": date_to,
        "sales_count": sum(day["count"] for day in by_day),
        "sales_by_product": list(by_product.values()),
        "sales_by_day": by_day,
        "revenue": {
            "amount_incl_vat": total_incl,
            "vat": total_vat,
            "amount_excl_vat": total_incl - total_vat,
            "by_vat_rate": vat_lines,
        },
        "held_back": {"count": held["count"], "amount_incl_vat": _money(held["amount"])},
        "losses": list(losses.values()),
        "adjustments": list(adjustments.values()),
        "anomalies": anomalies,
        "fill_rate_now": fill_rate,
        "sell_through": sell_through,
        "refilled_quantity": refilled,
        "sold_quantity": sold,
    }


# --- Click and collect, read by the orders app (through `vending.ports`) ------------------------------------------


def machine_for_pickup_point(*, pickup_point_id: int) -> Machine | None:
    """The active machine standing at a pickup point, or None."""
    return Machine.objects.filter(pickup_point_id=pickup_point_id, is_active=True).first()


def machine_takes_orders(*, pickup_point_id: int) -> bool:
    """Whether an active machine with lockers stands at the pickup point."""
    return Machine.objects.filter(pickup_point_id=pickup_point_id, is_active=True, compartments__kind="locker").exists()


def locker_get(*, machine: Machine, code: str) -> Compartment | None:
    """The machine's compartment of that code (a locker or not), or None."""
    return Compartment.objects.filter(machine=machine, code=code).first()


def locker_reservation_active_for_order(*, order_id: int) -> LockerReservation | None:
    """The locker an order waits in now (with its compartment), or None."""
    return LockerReservation.objects.filter(order_id=order_id, is_active=True).select_related("compartment").first()


def locker_reservation_active_get(*, reservation_id: int) -> LockerReservation | None:
    """An active reservation with its order's customer, pickup point and machine (for the code's email), or None."""
    return (
        LockerReservation.objects.select_related("order__customer", "order__pickup_point", "compartment__machine")
        .filter(pk=reservation_id, is_active=True)
        .first()
    )


def locker_reservations_newest_first() -> QuerySet[LockerReservation]:
    """Reservations with compartment and machine, newest first: for an order's `locker_reservations` prefetch."""
    return LockerReservation.objects.select_related("compartment__machine").order_by("-id")
