"""Change a placed order before its cutoff: its quantities and its lines (README, "Changing an order").

The customer sends the whole new set of lines; the service works out the difference with what the order holds and
moves only that difference through the stock ledger, under the same locks as placing an order (the customer's row,
then the stock levels in primary-key order, last). Prices of the lines already ordered stay the snapshot taken when
the order was placed; a new line takes today's price. Totals, the delivery fee and the minimum order follow the
same pricing code as a new order (`pricing`, `home_delivery`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from catalogue.services.stock import StockLine, stock_reservation_change
from ecopole.core.exceptions import NotFound
from ecopole.core.formats import plain_decimal
from ecopole.core.locking import lock_one
from ecopole.core.permissions import sees_all_orders

from ..errors import DuplicateProduct, ModificationClosed, OrderEmpty
from ..models import (
    Fulfilment,
    IdempotencyRecord,
    Order,
    OrderEvent,
    OrderEventKind,
    OrderLine,
    OrderStatus,
    PaymentStatus,
)
from .grocery import (
    LINE_AMOUNT_FIELDS,
    LineRequest,
    _check_products,
    _priced,
    _replay,
    _request_fingerprint,
    _totals_fields,
    line_amounts_set,
    order_line_new,
)
from .home_delivery import home_delivery_fee
from .limits import customer_lock, unpaid_caps_check
from .pricing import order_totals


@dataclass(frozen=True)
class OrderModification:
    order: Order
    changed: bool
    replayed: bool = False


def order_is_modifiable(order: Order, *, now=None) -> bool:
    """Whether the order's lines may still change: placed, unpaid and before its cutoff (what the pages show)."""
    now = now or timezone.now()
    return order.status == OrderStatus.PLACED and order.payment_status == PaymentStatus.UNPAID and now < order.cutoff_at


@transaction.atomic(durable=True)
def order_modify(
    *, order_id: int, actor, lines: Iterable[LineRequest], idempotency_key: str | None = None
) -> OrderModification:
    """Replace the lines of a placed order with `lines` (product and quantity each), before its cutoff.

    Guarantees: the customer may change their own order (managers and preparers any order) while it is `placed`, unpaid and before
    its cutoff; otherwise `ModificationClosed` (409) and nothing changes. Another customer's order is `NotFound`.
    Each new or changed line passes the rules of a new order (product on sale, step and minimum); the home-delivery
    minimum and fee are recomputed (`below_minimum_order`), and the customer's unpaid caps count the difference.
    Only the stock difference moves, through the ledger (`stock_reservation_change`: more reserved, or released),
    last, so the stock rows stay locked for the fewest statements; a shortage (`insufficient_stock`, 409) leaves the
    order as it was. One `lines_changed` event per change. The same lines again change nothing (no event).
    A retried request with its `idempotency_key` replays the first answer (`changed=False`) even if the order
    changed since; the key with other lines is `IdempotencyKeyReused` (422). Runs in its own durable transaction.
    """
    lines = list(lines)
    fingerprint = _request_fingerprint(
        action="modify", order=order_id, lines=sorted([line.product_id, plain_decimal(line.quantity)] for line in lines)
    )
    if idempotency_key:
        replay = _replay(customer=actor, key=idempotency_key, fingerprint=fingerprint)
        if replay is not None:
            return OrderModification(order=replay.order, changed=False, replayed=True)
    try:
        with transaction.atomic(savepoint=bool(idempotency_key)):
            return _modify(order_id=order_id, actor=actor, lines=lines, key=idempotency_key, fingerprint=fingerprint)
    except IntegrityError:
        if not idempotency_key:
            raise
        replay = _replay(customer=actor, key=idempotency_key, fingerprint=fingerprint)
        if replay is None:
            raise
        return OrderModification(order=replay.order, changed=False, replayed=True)


def _modify(*, order_id: int, actor, lines: list[LineRequest], key: str | None, fingerprint: str) -> OrderModification:
    staff = sees_all_orders(actor)  # managers and preparers; a driver changes no one else's order
    order = Order.objects.select_related("customer").filter(pk=order_id).first()
    if order is None or (not staff and order.customer_id != actor.pk):
        raise NotFound()
    # The customer's row first, as when placing: their placements and changes run one after the other, so the
    # unpaid caps count what the others committed; then the order row, re-read under its lock.
    customer_lock(customer=order.customer)
    if key:
        # Blocks on PostgreSQL while a parallel request holding the same key is uncommitted.
        IdempotencyRecord.objects.create(user=actor, key=key, request_hash=fingerprint, order_id=order_id)
    order = lock_one(Order.objects.all(), pk=order_id)
    if not order_is_modifiable(order):
        raise ModificationClosed(current=order.status, cutoff_at=order.cutoff_at)
    if not lines:
        raise OrderEmpty()
    requested: dict[int, Decimal] = {}
    for line in lines:
        if line.product_id in requested:
            raise DuplicateProduct(product=line.product_id)
        requested[line.product_id] = Decimal(line.quantity)

    existing = {line.product_id: line for line in order.lines.all()}
    changed_or_new = [
        line
        for line in lines
        if line.product_id not in existing or existing[line.product_id].quantity != requested[line.product_id]
    ]
    products = _check_products(changed_or_new)

    deltas: dict[int, Decimal] = {}
    removed, updated, added, changes = [], [], [], []
    for product_id, line in existing.items():
        if product_id not in requested:
            removed.append(line)
            deltas[product_id] = -line.quantity
            changes.append(f"{line.product_name} {plain_decimal(line.quantity)}→0")
    for product_id, quantity in requested.items():
        line = existing.get(product_id)
        if line is not None:
            delta = quantity - line.quantity
            if delta == 0:
                continue
            changes.append(f"{line.product_name} {plain_decimal(line.quantity)}→{plain_decimal(quantity)}")
            deltas[product_id] = delta
            line.quantity = quantity
            line_amounts_set(line, quantity=quantity)  # the snapshot price and deposit of when it was ordered
            updated.append(line)
        else:
            product = products[product_id]
            added.append(order_line_new(product=product, quantity=quantity, order=order))
            deltas[product_id] = quantity
            changes.append(f"{product.name} 0→{plain_decimal(quantity)}")
    if not deltas:
        return OrderModification(order=order, changed=False)

    kept = [line for product_id, line in existing.items() if product_id in requested]
    new_lines = kept + added
    subtotal = sum((line.line_total for line in new_lines), Decimal("0.00"))
    delivery_fee = Decimal("0.00")
    if order.fulfilment == Fulfilment.HOME:
        delivery_fee = home_delivery_fee(zone=order.delivery_zone, subtotal=subtotal)
    totals = order_totals(lines=_priced(new_lines), delivery_fee=delivery_fee)
    more = {product_id: delta for product_id, delta in deltas.items() if delta > 0}
    # The order already counts in the customer's open unpaid orders: only the difference is added.
    unpaid_caps_check(
        customer=order.customer,
        staff=staff,
        total=totals.total - order.total,
        quantities=more,
        names={line.product_id: line.product_name for line in [*existing.values(), *added]},
    )

    previous_total = order.total
    if removed:
        OrderLine.objects.filter(pk__in=[line.pk for line in removed]).delete()
    if updated:
        OrderLine.objects.bulk_update(updated, ["quantity", *LINE_AMOUNT_FIELDS])
    if added:
        OrderLine.objects.bulk_create(added)
    for field, value in _totals_fields(totals).items():
        setattr(order, field, value)
    order.save(update_fields=[*_totals_fields(totals), "updated_at"])
    OrderEvent.objects.create(
        order=order,
        kind=OrderEventKind.LINES_CHANGED,
        from_value=str(previous_total),
        to_value=str(order.total),
        actor=actor,
        note="; ".join(changes)[:255],
    )
    # Last: the contended stock rows stay locked for the fewest statements before COMMIT.
    stock_reservation_change(
        lines=[StockLine(product_id, delta) for product_id, delta in deltas.items()],
        source=order,
        user=actor,
        note="order changed",
    )
    return OrderModification(order=order, changed=True)


__all__ = ["OrderModification", "order_is_modifiable", "order_modify"]
