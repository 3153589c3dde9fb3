"""Writes of the online grocery: place an order, move it through its lifecycle, weigh it, record its payment.

Every entry service opens its own durable transaction (`transaction.atomic(durable=True)`): the API, the demo and
a task get the same guarantees, and the work has committed, its emails enqueued, when the service returns. A step
that another service composes into its own transaction says so in its name (`order_transition_in_transaction`).
Orders are locked with `lock_rows` before any change and re-read under the lock. Stock goes
through the ledger only (`catalogue.services.stock`), with the order as the movements' source, so
`stock_release(source=order)` always gives back exactly what the order still holds.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from catalogue.models import MovementReason, Product
from catalogue.services.stock import StockLine, stock_apply, stock_release, stock_reserve
from deliveries.errors import WindowInvalid
from deliveries.models import PickupPoint, PickupPointKind
from deliveries.services.places import (
    delivery_date_within_horizon,
    delivery_rule_for,
    home_address_locate,
    home_coordinates_check,
    zone_for_commune,
)
from deliveries.services.windows import delivery_window_release, delivery_window_take
from ecopole.core.calendar import closed_day_check
from ecopole.core.exceptions import IdempotencyKeyReused, InvalidTransition, NotFound
from ecopole.core.formats import plain_decimal
from ecopole.core.locking import lock_one
from ecopole.core.permissions import is_staff_member
from payments.selectors import amount_kept
from payments.services.offline import counter_payment_record_in_transaction, counter_payment_undo_in_transaction

from ..errors import (
    CancellationClosed,
    CutoffPassed,
    DeliveryDateUnavailable,
    DuplicateProduct,
    InvalidQuantity,
    NotVariableWeight,
    OrderNotBeingPrepared,
    OutsideDeliveryZone,
    PaymentMethodNotManual,
    PaymentNotAllowed,
    PickupPointUnavailable,
    PreparedQuantityMissing,
    ProductUnavailable,
    WrongFulfilment,
)
from ..models import (
    MANUAL_PAYMENT_METHODS,
    Fulfilment,
    IdempotencyRecord,
    NotificationKind,
    Order,
    OrderEvent,
    OrderEventKind,
    OrderFlag,
    OrderLine,
    OrderStatus,
    PaymentMethod,
    PaymentStatus,
)
from .home_delivery import home_delivery_fee
from .invoices import order_invoice_issue
from .limits import customer_lock, customer_may_order_check, order_rate_check, unpaid_caps_check
from .locker import machine_takes_orders, order_is_for_machine, order_lockers_release
from .notifications import order_notify
from .payment import order_payment_set_in_transaction, order_payments_follow
from .pricing import PricedLine, line_amounts, order_totals


@dataclass(frozen=True)
class LineRequest:
    product_id: int
    quantity: Decimal


@dataclass(frozen=True)
class HomeAddress:
    """A home-delivery address as typed. Without coordinates (both None) `order_place` geocodes it."""

    address: str
    postcode: str
    commune: str
    latitude: Decimal | None = None
    longitude: Decimal | None = None

    @property
    def located(self) -> bool:
        return self.latitude is not None or self.longitude is not None


def home_address_geocode(address: HomeAddress) -> HomeAddress:
    """`address` with the coordinates, postcode and commune spelling of the BAN (`home_address_locate`: the zones
    checked, `address_not_found`, `address_ambiguous`, `geocoder_unavailable`); the street stays as typed (a
    building or a floor the driver needs). An address with coordinates is returned as it is."""
    if address.located:
        return address
    found = home_address_locate(street=address.address, postcode=address.postcode, commune=address.commune)
    return HomeAddress(address.address, found.postcode, found.commune, found.latitude, found.longitude)


@dataclass(frozen=True)
class OrderPlacement:
    order: Order
    created: bool


def _request_fingerprint(**payload) -> str:
    """SHA-256 of the normalised request: two bodies that mean the same order have the same fingerprint."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _replay(*, customer, key: str, fingerprint: str) -> OrderPlacement | None:
    record = IdempotencyRecord.objects.filter(user=customer, key=key).select_related("order").first()
    if record is None or record.order is None:
        return None
    if record.request_hash != fingerprint:
        raise IdempotencyKeyReused(key=key, order=record.order_id)
    return OrderPlacement(order=record.order, created=False)


def order_place(
    *,
    customer,
    lines: Iterable[LineRequest],
    fulfilment: str,
    delivery_date: date,
    pickup_point_id: int | None = None,
    address: HomeAddress | None = None,
    note: str = "",
    idempotency_key: str | None = None,
    delivery_window_id: int | None = None,
    placed_by=None,
) -> OrderPlacement:
    """Place an order: validate, reserve stock, snapshot prices and VAT, compute totals, all or nothing.

    A home address without coordinates is geocoded first (`home_address_geocode`), before the transaction opens (it
    may call the online geocoder: no network call while a transaction holds locks); the order stores the
    coordinates found. The idempotency fingerprint is the request's, as typed.

    Guarantees: nothing is written when any check fails (confirmed email, daily limit, product, quantity, place,
    date, cutoff, minimum order, unpaid caps, stock; see `limits`); a customer's placements are serialised by a
    lock on their row, so parallel requests cannot pass the limits; stock is reserved through the ledger under its row locks, so concurrent orders never oversell. The
    reservation is the last write, so those locks are held for the fewest statements; a refusal rolls back the rows
    written before it. The order is returned with its lines and events (as prefetched relations).
    Idempotency: with `idempotency_key`, the same key and the same request return the first order
    (`created=False`, no second reservation), the same key with another request raises `IdempotencyKeyReused`.
    Two parallel requests with one key collide on the unique (user, key) row: the second waits for the first to
    commit, then replays its order. The confirmation email is enqueued on commit. Runs in its own durable
    transaction: committed when it returns.

    On behalf of a customer: `placed_by` (a manager or a preparer; the caller checks the role) places the order on
    `customer`'s account, for a customer who phones. Staff are not limited, so neither is what they place; the
    first event's actor is `placed_by` (the history says who placed it) and the idempotency key is theirs.
    """
    located = address
    if fulfilment == Fulfilment.HOME and address is not None:
        located = home_address_geocode(address)
    return _order_place(
        customer=customer,
        lines=list(lines),
        fulfilment=fulfilment,
        delivery_date=delivery_date,
        pickup_point_id=pickup_point_id,
        address=address,
        located=located,
        note=note,
        idempotency_key=idempotency_key,
        delivery_window_id=delivery_window_id,
        placed_by=placed_by,
    )


@transaction.atomic(durable=True)
def _order_place(
    *,
    customer,
    lines: list[LineRequest],
    fulfilment: str,
    delivery_date: date,
    pickup_point_id: int | None,
    address: HomeAddress | None,
    located: HomeAddress | None,
    note: str,
    idempotency_key: str | None,
    delivery_window_id: int | None = None,
    placed_by=None,
) -> OrderPlacement:
    requester = placed_by or customer
    # For staff placing for a customer, the customer is part of the request (the key is the staff member's); left
    # out otherwise, so the fingerprints stored before it stay valid.
    on_behalf = {"customer": customer.pk} if placed_by is not None else {}
    fingerprint = _request_fingerprint(
        **on_behalf,
        lines=sorted([line.product_id, plain_decimal(line.quantity)] for line in lines),
        fulfilment=fulfilment,
        delivery_date=delivery_date.isoformat(),
        pickup_point=pickup_point_id,
        address=address and {k: str(v) for k, v in address.__dict__.items()},
        note=note,
        **({"delivery_window": delivery_window_id} if delivery_window_id else {}),
    )
    if idempotency_key:
        replay = _replay(customer=requester, key=idempotency_key, fingerprint=fingerprint)
        if replay is not None:
            return replay
    staff = is_staff_member(requester)
    customer_may_order_check(customer=customer, staff=staff)
    try:
        # The savepoint is only needed to recover from a parallel request with the same key (IntegrityError).
        with transaction.atomic(savepoint=bool(idempotency_key)):
            if not staff:
                # One placement at a time per customer, so that the limits below count what the others committed.
                customer_lock(customer=customer)
            record = None
            if idempotency_key:
                # Blocks on PostgreSQL while a parallel request holding the same key is uncommitted.
                record = IdempotencyRecord.objects.create(user=requester, key=idempotency_key, request_hash=fingerprint)
            if not staff:
                order_rate_check(customer=customer, staff=staff)
            order = _order_create(
                customer=customer,
                lines=lines,
                fulfilment=fulfilment,
                delivery_date=delivery_date,
                pickup_point_id=pickup_point_id,
                address=located,
                note=note,
                staff=staff,
                delivery_window_id=delivery_window_id,
                placed_by=placed_by,
            )
            if record is not None:
                record.order = order
                record.save(update_fields=["order"])
    except IntegrityError:
        if not idempotency_key:
            raise
        replay = _replay(customer=requester, key=idempotency_key, fingerprint=fingerprint)
        if replay is None:
            raise
        return replay
    return OrderPlacement(order=order, created=True)


def _place_and_rules(*, fulfilment: str, pickup_point_id: int | None, address: HomeAddress | None):
    if fulfilment == Fulfilment.PICKUP:
        point = PickupPoint.objects.filter(pk=pickup_point_id, is_active=True).first()
        if point is None or (point.kind == PickupPointKind.VENDING_MACHINE and not machine_takes_orders(point)):
            raise PickupPointUnavailable(pickup_point=pickup_point_id)
        return point, None, list(point.delivery_days.filter(is_active=True))
    zone = zone_for_commune(commune=address.commune)
    if zone is None:
        raise OutsideDeliveryZone(commune=address.commune)
    home_coordinates_check(zone=zone, commune=address.commune, latitude=address.latitude, longitude=address.longitude)
    return None, zone, list(zone.delivery_days.filter(is_active=True))


def _check_date(*, rules, delivery_date: date):
    now = timezone.now()
    rule = delivery_rule_for(rules=rules, delivery_date=delivery_date)
    if rule is None or not delivery_date_within_horizon(delivery_date=delivery_date, now=now):
        raise DeliveryDateUnavailable(date=delivery_date)
    closed_day_check(delivery_date)  # a public holiday or a closure of the association: `closed_day`
    cutoff_at = rule.cutoff_at(delivery_date)
    if now >= cutoff_at:
        raise CutoffPassed(date=delivery_date, cutoff_at=cutoff_at)
    return cutoff_at


def _check_products(lines: list[LineRequest]) -> dict[int, Product]:
    seen = set()
    for line in lines:
        if line.product_id in seen:
            raise DuplicateProduct(product=line.product_id)
        seen.add(line.product_id)
    products = Product.objects.in_bulk([line.product_id for line in lines])
    for line in lines:
        product = products.get(line.product_id)
        if product is None or not product.is_active:
            raise ProductUnavailable(product=line.product_id)
        line_quantity_check(product=product, quantity=Decimal(line.quantity))
    return products


def line_quantity_check(*, product: Product, quantity: Decimal) -> None:
    """`InvalidQuantity` unless `quantity` is at least the product's minimum and a multiple of its step (the rule
    of an order line; the shop's cart checks it too)."""
    if quantity < product.minimum_quantity or quantity % product.quantity_step != 0:
        raise InvalidQuantity(
            product=product.pk,
            product_name=product.name,
            # Decimals, not text: the error writes them the reader's way (« 0,5 »); `fields` keeps "0.5".
            quantity=Decimal(plain_decimal(quantity)),
            minimum=Decimal(plain_decimal(product.minimum_quantity)),
            step=Decimal(plain_decimal(product.quantity_step)),
        )


def _order_create(
    *,
    customer,
    lines: list[LineRequest],
    fulfilment: str,
    delivery_date: date,
    pickup_point_id: int | None,
    address: HomeAddress | None,
    note: str,
    staff: bool = False,
    delivery_window_id: int | None = None,
    placed_by=None,
) -> Order:
    point, zone, rules = _place_and_rules(fulfilment=fulfilment, pickup_point_id=pickup_point_id, address=address)
    cutoff_at = _check_date(rules=rules, delivery_date=delivery_date)
    products = _check_products(lines)

    order_lines = []
    for line in lines:
        product = products[line.product_id]
        order_lines.append(order_line_new(product=product, quantity=line.quantity))
    subtotal = sum((line.line_total for line in order_lines), Decimal("0.00"))
    delivery_fee = Decimal("0.00")
    if zone is not None:
        delivery_fee = home_delivery_fee(zone=zone, subtotal=subtotal)
    totals = order_totals(lines=_priced(order_lines), delivery_fee=delivery_fee)
    unpaid_caps_check(
        customer=customer,
        staff=staff,
        total=totals.total,
        quantities={line.product_id: Decimal(line.quantity) for line in order_lines},
        names={line.product_id: line.product_name for line in order_lines},
    )
    window = None
    if delivery_window_id is not None:
        if zone is None:  # a pickup order has no delivery window
            raise WindowInvalid(window=delivery_window_id)
        # Takes the place (a conditional UPDATE on the window's row, held until commit): a refusal further down
        # rolls it back with the order.
        window = delivery_window_take(window_id=delivery_window_id, zone_id=zone.pk, day=delivery_date)

    order = Order.objects.create(
        customer=customer,
        fulfilment=fulfilment,
        pickup_point=point,
        delivery_zone=zone,
        delivery_window=window,
        delivery_address=address.address if address else "",
        delivery_postcode=address.postcode if address else "",
        delivery_commune=address.commune if address else "",
        delivery_latitude=address.latitude if address else None,
        delivery_longitude=address.longitude if address else None,
        delivery_date=delivery_date,
        cutoff_at=cutoff_at,
        note=note,
        **_totals_fields(totals),
    )
    for line in order_lines:
        line.order = order
    OrderLine.objects.bulk_create(order_lines)
    event = OrderEvent.objects.create(
        order=order,
        kind=OrderEventKind.STATUS,
        to_value=OrderStatus.PLACED,
        actor=placed_by or customer,
        note="placed by staff for the customer" if placed_by is not None and placed_by != customer else "",
    )
    order_notify(order=order, kind=NotificationKind.CONFIRMATION, new_order=True)
    # Last, so the stock rows (the contended ones: every order for a scarce product queues on its row) stay locked
    # for the fewest statements before COMMIT.
    stock_reserve(
        lines=[StockLine(line.product_id, line.quantity) for line in order_lines],
        source=order,
        user=placed_by or customer,
    )
    _remember_related(order, lines=order_lines, events=[event], locker_reservations=[])
    return order


def order_line_new(*, product: Product, quantity: Decimal, order: Order | None = None) -> OrderLine:
    """An unsaved order line of `quantity` of `product`: its name, unit, price, VAT rate and jar deposit copied
    from the catalogue (snapshots), its amounts priced by `pricing.line_amounts` (placing, or a line added later)."""
    deposit = product.deposit
    amounts = line_amounts(unit_price=product.unit_price, quantity=quantity, vat_rate=product.vat_rate, deposit=deposit)
    return OrderLine(
        order=order,
        product=product,
        product_name=product.name,
        unit=product.unit,
        unit_price=product.unit_price,
        vat_rate=product.vat_rate,
        sold_by_weight=product.sold_by_weight,
        deposit=deposit,
        quantity=quantity,
        line_total=amounts.line_total,
        vat_amount=amounts.vat_amount,
        deposit_amount=amounts.deposit_amount,
    )


def line_amounts_set(line: OrderLine, *, quantity: Decimal) -> None:
    """Reprice `line` (in memory) for a new billed `quantity` at its own snapshot price, VAT rate and deposit."""
    amounts = line_amounts(unit_price=line.unit_price, quantity=quantity, vat_rate=line.vat_rate, deposit=line.deposit)
    line.line_total, line.vat_amount, line.deposit_amount = (
        amounts.line_total,
        amounts.vat_amount,
        amounts.deposit_amount,
    )


LINE_AMOUNT_FIELDS = ["line_total", "vat_amount", "deposit_amount"]


def _remember_related(order: Order, **related: list) -> None:
    """Store the lines and events just written as the order's prefetched relations (what `order_get` prefetches),
    so the caller can serialize the new order without reading it back."""
    cache = order.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, objects in related.items():
        queryset = getattr(order, name).all()
        queryset._result_cache = list(objects)
        queryset._prefetch_done = True
        cache[name] = queryset


def _priced(lines: Iterable[OrderLine]) -> list[PricedLine]:
    return [PricedLine(line.line_total, line.vat_amount, line.vat_rate, line.deposit_amount) for line in lines]


def _totals_fields(totals) -> dict:
    return {
        "subtotal": totals.subtotal,
        "delivery_fee": totals.delivery_fee,
        "vat_breakdown": totals.vat_breakdown,
        "vat_total": totals.vat_total,
        "deposit_total": totals.deposit_total,
        "total": totals.total,
    }


# --- Lifecycle --------------------------------------------------------------------------------------------------


def _invalid_transition(order: Order, target: str) -> InvalidTransition:
    return InvalidTransition(
        current=order.status,
        target=target,
        current_label=OrderStatus(order.status).label,
        target_label=OrderStatus(target).label,
    )


def _transition(*, order: Order, target: str, actor, note: str = "") -> Order:
    """Move a locked order to `target`; the caller holds the lock inside its transaction."""
    if not order.can_become(target):
        raise _invalid_transition(order, target)
    if (target == OrderStatus.READY and order.fulfilment != Fulfilment.PICKUP) or (
        target == OrderStatus.OUT_FOR_DELIVERY and order.fulfilment != Fulfilment.HOME
    ):
        raise WrongFulfilment(target=target)
    if target in {OrderStatus.READY, OrderStatus.OUT_FOR_DELIVERY}:
        missing = list(
            order.lines.filter(sold_by_weight=True, prepared_quantity__isnull=True).values_list(
                "product_name", flat=True
            )
        )
        if missing:
            raise PreparedQuantityMissing(products=", ".join(missing))
    if target == OrderStatus.CANCELLED:
        stock_release(source=order, user=actor, note="order cancelled")
        if order.delivery_window_id is not None:  # once: a cancelled order never comes back
            delivery_window_release(window_id=order.delivery_window_id)
    previous = order.status
    order.status = target
    order.save(update_fields=["status", "updated_at"])
    OrderEvent.objects.create(
        order=order, kind=OrderEventKind.STATUS, from_value=previous, to_value=target, actor=actor, note=note[:255]
    )
    if target == OrderStatus.READY:
        if not order_is_for_machine(order):  # at a machine, the locker code's email tells the customer
            order_notify(order=order, kind=NotificationKind.READY)
    elif target == OrderStatus.CANCELLED:
        order_notify(order=order, kind=NotificationKind.CANCELLED)
    if target in {OrderStatus.FULFILLED, OrderStatus.CANCELLED} and order.fulfilment == Fulfilment.PICKUP:
        order_lockers_release(order=order, actor=actor)  # handed over or cancelled: its locker, if any, is free again
    order_payments_follow(order)  # weighed: captured at the final amount; cancelled: released or refunded
    if target in {OrderStatus.FULFILLED, OrderStatus.CANCELLED} and order.flag:
        order.flag, order.flagged_at = OrderFlag.NONE, None
        order.save(update_fields=["flag", "flagged_at", "updated_at"])
    if target == OrderStatus.FULFILLED:
        order_invoice_issue(order=order)  # numbered in this transaction: no fulfilled order without its invoice
    return order


def order_transition(*, order_id: int, target: str, actor, note: str = "") -> Order:
    """Staff move an order along placed → preparing → ready (pickup) / out_for_delivery (home) → fulfilled, or
    cancel it before fulfilment.

    Guarantees: the order row is locked and re-read; an illegal change raises `InvalidTransition` (409); asking
    for the status the order already has is a no-op (a retried request changes nothing, writes no event, sends no
    second email). Each change writes an `OrderEvent`; cancelling releases the reservation through the ledger;
    `ready` and `cancelled` enqueue their email on commit. Runs in its own durable transaction: the change is
    committed when it returns.
    """
    with transaction.atomic(durable=True):
        return order_transition_in_transaction(order_id=order_id, target=target, actor=actor, note=note)


def order_transition_in_transaction(*, order_id: int, target: str, actor, note: str = "") -> Order:
    """`order_transition` as one step of another service's transaction (a round delivering its stop moves each
    order with it): the same guarantees, committed or rolled back with the caller's transaction."""
    with transaction.atomic():
        order = lock_one(Order.objects.all(), pk=order_id)
        if order.status == target:
            return order
        return _transition(order=order, target=target, actor=actor, note=note)


def order_cancel(*, order_id: int, actor, note: str = "") -> Order:
    """Cancel an order. Staff: any time before fulfilment. The customer who placed it: while it is `placed`
    and before its cutoff (`CancellationClosed`, 409, otherwise). Idempotent: cancelling a cancelled order is a
    no-op. Releases the stock reservation through the ledger (exactly once)."""
    with transaction.atomic(durable=True):
        order = lock_one(Order.objects.all(), pk=order_id)
        staff = is_staff_member(actor)
        if not staff and order.customer_id != actor.pk:
            raise NotFound()
        if order.status == OrderStatus.CANCELLED:
            return order
        if not staff and (order.status != OrderStatus.PLACED or timezone.now() >= order.cutoff_at):
            raise CancellationClosed(current=order.status)
        return _transition(order=order, target=OrderStatus.CANCELLED, actor=actor, note=note)


def order_prepared_quantities_set(*, order_id: int, quantities: Mapping[int, Decimal], actor) -> Order:
    """Set the weighed quantities of variable-weight lines (`{line_id: quantity}`) while the order is prepared.

    Sets each line's final price and VAT and the order totals (the delivery fee stays as agreed when ordering).
    Stock: the order's reservation follows the billed quantity. A heavier line reserves the difference (refused
    with `insufficient_stock`, 409, when the ledger does not hold it: record the receipt or count first); a lighter
    one releases the difference (a `release` movement with the order as source), so the ledger stays balanced
    and a later cancellation gives back exactly what is still held. Setting the same weight again changes nothing.
    """
    with transaction.atomic(durable=True):
        order = lock_one(Order.objects.all(), pk=order_id)
        if order.status != OrderStatus.PREPARING:
            raise OrderNotBeingPrepared(current=order.status)
        lines = {line.pk: line for line in order.lines.all()}
        take, give = [], []
        changed = []
        for line_id, quantity in quantities.items():
            line = lines.get(int(line_id))
            if line is None:
                raise NotFound(line=line_id)
            if not line.sold_by_weight:
                raise NotVariableWeight(line=line.pk)
            quantity = Decimal(quantity).quantize(Decimal("0.001"))
            delta = quantity - line.billed_quantity
            if delta == 0 and line.prepared_quantity is not None:
                continue
            if delta > 0:
                take.append(StockLine(line.product_id, delta))
            elif delta < 0:
                give.append(StockLine(line.product_id, -delta))
            previous = line.billed_quantity
            line.prepared_quantity = quantity
            line_amounts_set(line, quantity=quantity)
            changed.append((line, previous))
        if not changed:
            return order
        if take:
            stock_reserve(lines=take, source=order, user=actor)
        if give:
            stock_apply(lines=give, reason=MovementReason.RELEASE, source=order, user=actor, note="prepared weight")
        OrderLine.objects.bulk_update([line for line, _ in changed], ["prepared_quantity", *LINE_AMOUNT_FIELDS])
        OrderEvent.objects.bulk_create(
            [
                OrderEvent(
                    order=order,
                    kind=OrderEventKind.PREPARED_QUANTITY,
                    from_value=plain_decimal(previous),
                    to_value=plain_decimal(line.prepared_quantity),
                    actor=actor,
                    note=line.product_name[:255],
                )
                for line, previous in changed
            ]
        )
        totals = order_totals(lines=_priced(lines.values()), delivery_fee=order.delivery_fee)
        for field, value in _totals_fields(totals).items():
            setattr(order, field, value)
        order.save(update_fields=[*_totals_fields(totals), "updated_at"])
        return order


COUNTER_METHODS = MANUAL_PAYMENT_METHODS

PAYMENT_TRANSITIONS: dict[str, set[str]] = {
    PaymentStatus.UNPAID: {PaymentStatus.PAID},
    PaymentStatus.PAID: {PaymentStatus.REFUNDED, PaymentStatus.UNPAID},
    PaymentStatus.REFUNDED: set(),
}


def order_payment_record(*, order_id: int, payment_status: str, payment_method: str = "", actor) -> Order:
    """Staff record a payment (unpaid → paid, with its method), a refund (paid → refunded) or correct a mistake
    (paid → unpaid). Locked and re-read; the same status and method again is a no-op; every change is an event."""
    with transaction.atomic(durable=True):
        order = lock_one(Order.objects.all(), pk=order_id)
        method = payment_method or order.payment_method
        if payment_status == order.payment_status and method == order.payment_method:
            return order
        if payment_status != order.payment_status and payment_status not in PAYMENT_TRANSITIONS[order.payment_status]:
            raise PaymentNotAllowed(current=order.payment_status, target=payment_status)
        if payment_status == PaymentStatus.UNPAID:
            method = PaymentMethod.NONE
        elif payment_status == PaymentStatus.PAID != order.payment_status and method not in COUNTER_METHODS:
            raise PaymentMethodNotManual()
        # Through payments' counter provider, so that what was taken or given back is in its ledger too. Only what
        # is still due: a weighed order heavier than its card authorisation had part of it captured online.
        if payment_status == PaymentStatus.PAID != order.payment_status and method in COUNTER_METHODS:
            due = order.total - amount_kept(source="order", ref=order.pk)
            if due > 0:
                counter_payment_record_in_transaction(
                    customer_id=order.customer_id, source="order", ref=order.pk, amount=due, method=method
                )
        elif order.payment_status == PaymentStatus.PAID and payment_status != PaymentStatus.PAID:
            counter_payment_undo_in_transaction(
                source="order", ref=order.pk, refunded=payment_status == PaymentStatus.REFUNDED
            )
        return order_payment_set_in_transaction(order=order, payment_status=payment_status, method=method, actor=actor)


__all__ = [
    "HomeAddress",
    "LineRequest",
    "OrderPlacement",
    "order_cancel",
    "order_payment_record",
    "order_place",
    "order_prepared_quantities_set",
    "order_transition",
]


OPEN_STATUSES = (OrderStatus.PLACED, OrderStatus.PREPARING, OrderStatus.READY, OrderStatus.OUT_FOR_DELIVERY)


def orders_cancel_for_erasure(*, user, actor) -> int:
    """A step of an account's erasure (`ecopole.core.personal_data`): cancel every open order of `user`, each by
    `order_transition` (its stock released through the ledger exactly once, its event written, the cancellation
    email queued), whatever the cutoff: the customer is leaving. Idempotent (cancelled orders are not open).
    Returns how many were cancelled."""
    ids = list(
        Order.objects.filter(customer_id=user.pk, status__in=OPEN_STATUSES).order_by("pk").values_list("pk", flat=True)
    )
    for order_id in ids:
        order_transition(order_id=order_id, target=OrderStatus.CANCELLED, actor=actor, note="account erased")
    return len(ids)
