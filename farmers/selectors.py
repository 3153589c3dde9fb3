"""Reads of the farmers' space that span several apps: what was sold of a producer's products, per week or month and
per channel. Three aggregate queries whatever the range (one per channel), grouped by the database.

- grocery: the lines of grocery orders not cancelled, by delivery date; the billed quantity (prepared, else
  ordered) and the line totals incl. VAT;
- cabas: what the basket runs took from the ledger (`basket_allocation` movements), by the day the run was made;
  a cabas is sold whole, so no amount per product;
- vending: the machines' sales, by the day of the sale; their amounts incl. VAT.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import DateField, Sum
from django.db.models.functions import Coalesce, Trunc

from catalogue.models import MovementReason, StockMovement
from orders.models import OrderLine, OrderStatus
from vending.models import Sale

PARIS = ZoneInfo("Europe/Paris")
WEEK, MONTH = "week", "month"
CHANNELS = ("grocery", "cabas", "vending")


@dataclass(frozen=True)
class SalesRow:
    period: date  # the Monday of the week, or the first day of the month
    channel: str  # one of CHANNELS
    product_id: int
    product_name: str
    unit: str
    quantity: Decimal
    amount: Decimal | None  # None for the cabas (sold whole)


def period_start(day: date, period: str) -> date:
    return day.replace(day=1) if period == MONTH else day - timedelta(days=day.weekday())


def sales_by_period(*, producer_id: int, period: str, start: date, end: date) -> list[SalesRow]:
    """Sales of `producer_id`'s products from `start` to `end` (days, inclusive, Europe/Paris), per `period`
    (`week` or `month`), channel and product; newest period first, then channel, then product name."""
    start_at = datetime.combine(start, time.min, tzinfo=PARIS)
    end_at = datetime.combine(end + timedelta(days=1), time.min, tzinfo=PARIS)
    rows: list[SalesRow] = []

    grocery = (
        OrderLine.objects.filter(
            product__producer_id=producer_id, order__delivery_date__gte=start, order__delivery_date__lte=end
        )
        .exclude(order__status=OrderStatus.CANCELLED)
        .annotate(period=Trunc("order__delivery_date", period, output_field=DateField()))
        .values("period", "product_id", "product__name", "product__unit")
        .annotate(quantity=Sum(Coalesce("prepared_quantity", "quantity")), amount=Sum("line_total"))
    )
    for row in grocery:
        rows.append(_row(row, "grocery", row["amount"]))

    cabas = (
        StockMovement.objects.filter(
            product__producer_id=producer_id,
            reason=MovementReason.BASKET_ALLOCATION,
            created_at__gte=start_at,
            created_at__lt=end_at,
        )
        .annotate(period=Trunc("created_at", period, output_field=DateField(), tzinfo=PARIS))
        .values("period", "product_id", "product__name", "product__unit")
        .annotate(quantity=Sum("quantity"))
    )
    for row in cabas:
        rows.append(_row({**row, "quantity": -row["quantity"]}, "cabas", None))

    vending = (
        Sale.objects.filter(product__producer_id=producer_id, sold_at__gte=start_at, sold_at__lt=end_at)
        .annotate(period=Trunc("sold_at", period, output_field=DateField(), tzinfo=PARIS))
        .values("period", "product_id", "product__name", "product__unit")
        .annotate(quantity=Sum("quantity"), amount=Sum("amount"))
    )
    for row in vending:
        rows.append(_row(row, "vending", row["amount"]))

    rows.sort(key=lambda r: (-r.period.toordinal(), CHANNELS.index(r.channel), r.product_name, r.product_id))
    return rows


def _row(row: dict, channel: str, amount) -> SalesRow:
    return SalesRow(
        period=row["period"],
        channel=channel,
        product_id=row["product_id"],
        product_name=row["product__name"],
        unit=row["product__unit"],
        quantity=Decimal(row["quantity"] or 0),
        amount=None if amount is None else Decimal(amount),
    )
