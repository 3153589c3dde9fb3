"""The machine stock: refills (out of the main stock), sales and counts reported by the machine, losses.

See `vending.models` for how it fits the catalogue ledger. Every change of `Compartment.quantity` is an F() update
under the compartment's row lock (`lock_rows`, pk order) plus one `CompartmentMovement`, in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from catalogue.models import MovementReason, Product, StockLevel, StockMovement
from catalogue.services.stock import StockLine, stock_apply
from ecopole.core.audit import audit_record
from ecopole.core.locking import lock_one, lock_rows
from ecopole.core.money import money

from ..errors import (
    CompartmentCapacityExceeded,
    CompartmentHoldsAnotherProduct,
    CompartmentReserved,
    RemovalExceedsQuantity,
    SaleNotFlagged,
)
from ..models import (
    Anomaly,
    AnomalyKind,
    Compartment,
    CompartmentMovement,
    InventoryCount,
    LockerReservation,
    Machine,
    MovementKind,
    Refill,
    RefillRequest,
    Removal,
    Sale,
    SaleReview,
)

QUANTITY_PLACES = Decimal("0.001")


def _qty(value) -> Decimal:
    return Decimal(value).quantize(QUANTITY_PLACES, rounding=ROUND_HALF_UP)


def _move(
    *, compartment: Compartment, product_id: int, kind: str, quantity: Decimal, unit_price=None, **cause
) -> CompartmentMovement:
    """Caller holds the compartment's row lock and has checked the result stays >= 0 (the CHECK backs it)."""
    Compartment.objects.filter(pk=compartment.pk).update(quantity=F("quantity") + quantity)
    return CompartmentMovement.objects.create(
        compartment=compartment, product_id=product_id, kind=kind, quantity=quantity, unit_price=unit_price, **cause
    )


def _has_active_reservation(compartment: Compartment) -> bool:
    return LockerReservation.objects.filter(compartment=compartment, is_active=True).exists()


def refill_record(
    *,
    compartment: Compartment,
    product: Product,
    quantity: Decimal,
    price: Decimal | None = None,
    user=None,
    refill_request: RefillRequest | None = None,
) -> Refill:
    """Put `quantity` of `product` into a compartment, taking it out of the main stock (`vending_transfer`).

    All or nothing: the main stock movement, the refill, the compartment movement and level commit together, or
    `InsufficientStock` (409) is raised and nothing is written. Refused when the compartment holds another product
    (empty it first), would exceed its capacity, or holds a click-and-collect order. `filled_at` becomes now when the
    compartment was empty; topping up keeps the older date, so the freshness check sees the oldest produce inside.
    """
    quantity = _qty(quantity)
    price = money(price if price is not None else product.unit_price)
    with transaction.atomic(durable=True):
        locked = lock_one(Compartment.objects.all(), pk=compartment.pk)
        if _has_active_reservation(locked):
            raise CompartmentReserved(compartment=locked.code)
        if locked.quantity > 0 and locked.product_id not in (None, product.pk):
            raise CompartmentHoldsAnotherProduct(compartment=locked.code)
        if locked.quantity + quantity > locked.capacity:
            raise CompartmentCapacityExceeded(
                compartment=locked.code, capacity=locked.capacity, quantity=locked.quantity
            )
        refill = Refill.objects.create(
            compartment=locked,
            product=product,
            quantity=quantity,
            price=price,
            created_by=user,
            refill_request=refill_request,
        )
        stock_apply(
            lines=[StockLine(product.pk, -quantity)],
            reason=MovementReason.VENDING_TRANSFER,
            source=refill,
            user=user,
            note=f"{locked.machine_id}:{locked.code}",
        )
        _move(
            compartment=locked,
            product_id=product.pk,
            kind=MovementKind.REFILL,
            quantity=quantity,
            unit_price=price,
            refill=refill,
        )
        fields = {"product": product, "price": price}
        if locked.quantity == 0:
            fields["filled_at"] = timezone.now()
        Compartment.objects.filter(pk=locked.pk).update(**fields)
        audit_record(
            actor=user,
            action="vending.refill",
            obj=refill,
            changes={"compartment": locked.code, "product": product.pk, "quantity": quantity, "price": price},
        )
    compartment.refresh_from_db()
    refill.compartment = compartment
    return refill


def removal_record(
    *, compartment: Compartment, quantity: Decimal | None = None, user=None, note: str = ""
) -> Removal | None:
    """Take unsold produce out of a compartment (all of it when `quantity` is None): a loss of the machine stock.

    The units left the main stock at the refill, so the loss is written in the vending ledger only. Returns None when
    the compartment was already empty and no quantity was given (so running it twice removes nothing twice).
    """
    with transaction.atomic(durable=True):
        locked = lock_one(Compartment.objects.all(), pk=compartment.pk)
        requested = locked.quantity if quantity is None else _qty(quantity)
        if requested <= 0 and quantity is None:
            return None
        if requested <= 0 or requested > locked.quantity or locked.product_id is None:
            raise RemovalExceedsQuantity(compartment=locked.code, quantity=locked.quantity, requested=requested)
        removal = Removal.objects.create(
            compartment=locked, product_id=locked.product_id, quantity=requested, note=note[:255], created_by=user
        )
        _move(
            compartment=locked,
            product_id=locked.product_id,
            kind=MovementKind.LOSS,
            quantity=-requested,
            unit_price=locked.price,
            removal=removal,
        )
        if requested == locked.quantity:
            Compartment.objects.filter(pk=locked.pk).update(filled_at=None, recall_flagged_at=None)
        audit_record(
            actor=user,
            action="vending.removal",
            obj=removal,
            changes={"compartment": locked.code, "product": locked.product_id, "quantity": requested},
        )
    compartment.refresh_from_db()
    return removal


@dataclass(frozen=True)
class SaleResult:
    sale: Sale
    created: bool


def sale_record(
    *,
    machine: Machine,
    transaction_id: str,
    compartment_code: str,
    quantity: Decimal,
    amount: Decimal,
    sold_at: dt.datetime,
) -> SaleResult:
    """Record a sale reported by the machine, exactly once per (machine, transaction_id).

    A retry (even many in parallel) returns the first recording with `created=False`: requests for one compartment
    queue on its row lock and re-check for the transaction inside it; the unique constraint is the last guard (a
    loser's insert fails in a savepoint and the winner's row is returned). Never refuses a sale the machine made: a
    quantity beyond what the backend believes is in the compartment takes out only what is there (stock never goes
    negative) and writes an `Anomaly`. A sale that cannot be trusted (see `_sale_doubts`) is recorded and takes its
    units out of the compartment like any other, but is `flagged`, with one `Anomaly` per reason, and stays out of
    revenue until staff accept it (`sale_accept`).
    """
    quantity = _qty(quantity)
    amount = money(amount)
    existing = Sale.objects.filter(machine=machine, transaction_id=transaction_id).first()
    if existing is not None:
        return SaleResult(existing, False)
    try:
        with transaction.atomic(durable=True):
            compartment = Compartment.objects.filter(machine=machine, code=compartment_code).first()
            if compartment is not None:
                (compartment,) = lock_rows(
                    Compartment.objects.select_related("product").filter(pk=compartment.pk), of=("self",)
                )
            existing = Sale.objects.filter(machine=machine, transaction_id=transaction_id).first()
            if existing is not None:
                return SaleResult(existing, False)
            available = compartment.quantity if compartment is not None else Decimal("0")
            taken = min(quantity, available)
            product = compartment.product if compartment is not None else None
            doubts = _sale_doubts(
                compartment=compartment,
                compartment_code=compartment_code,
                quantity=quantity,
                amount=amount,
                sold_at=sold_at,
            )
            with transaction.atomic():  # savepoint: a racing duplicate fails here, not the whole transaction
                sale = Sale.objects.create(
                    machine=machine,
                    transaction_id=transaction_id,
                    compartment=compartment,
                    compartment_code=compartment_code,
                    product=product,
                    quantity=quantity,
                    recorded_quantity=taken,
                    amount=amount,
                    vat_rate=product.vat_rate if product is not None else Decimal("5.50"),
                    sold_at=sold_at,
                    review=SaleReview.FLAGGED if doubts else SaleReview.OK,
                )
            if taken > 0:
                _move(
                    compartment=compartment,
                    product_id=compartment.product_id,
                    kind=MovementKind.SALE,
                    quantity=-taken,
                    unit_price=compartment.price,
                    sale=sale,
                )
            for kind, details in doubts:
                Anomaly.objects.create(machine=machine, compartment=compartment, kind=kind, sale=sale, details=details)
            if compartment is not None and taken < quantity:
                Anomaly.objects.create(
                    machine=machine,
                    compartment=compartment,
                    kind=AnomalyKind.SALE_FROM_EMPTY,
                    sale=sale,
                    details={
                        "compartment": compartment_code,
                        "reported": str(quantity),
                        "believed_available": str(available),
                        "missing": str(quantity - taken),
                    },
                )
            return SaleResult(sale, True)
    except IntegrityError:
        existing = Sale.objects.filter(machine=machine, transaction_id=transaction_id).first()
        if existing is None:
            raise
        return SaleResult(existing, False)


def _sale_doubts(
    *, compartment: Compartment | None, compartment_code: str, quantity: Decimal, amount: Decimal, sold_at: dt.datetime
) -> list[tuple[str, dict]]:
    """Why a reported sale cannot be trusted as revenue: (anomaly kind, details with a `reason`), empty if none.

    The amount must be quantity × the compartment's price, rounded half-up to the cent; the date may be ahead of
    the backend's clock by `VENDING_SALE_CLOCK_TOLERANCE_SECONDS` and behind it by `VENDING_SALE_MAX_DELAY_DAYS`.
    """
    doubts: list[tuple[str, dict]] = []
    base = {"compartment": compartment_code, "quantity": str(quantity), "amount": str(amount)}
    if compartment is None:
        doubts.append((AnomalyKind.UNKNOWN_COMPARTMENT, {**base, "reason": "unknown_compartment"}))
    elif compartment.price is None:
        doubts.append((AnomalyKind.AMOUNT_MISMATCH, {**base, "expected": None, "reason": "no_price"}))
    else:
        expected = money(quantity * compartment.price)
        if amount != expected:
            doubts.append(
                (
                    AnomalyKind.AMOUNT_MISMATCH,
                    {**base, "unit_price": str(compartment.price), "expected": str(expected), "reason": "amount"},
                )
            )
    now = timezone.now()
    if sold_at > now + dt.timedelta(seconds=settings.VENDING_SALE_CLOCK_TOLERANCE_SECONDS):
        doubts.append(
            (
                AnomalyKind.SOLD_IN_FUTURE,
                {**base, "sold_at": sold_at.isoformat(), "received_at": now.isoformat(), "reason": "future"},
            )
        )
    elif sold_at < now - dt.timedelta(days=settings.VENDING_SALE_MAX_DELAY_DAYS):
        doubts.append(
            (
                AnomalyKind.SOLD_LONG_BEFORE_RECEIPT,
                {**base, "sold_at": sold_at.isoformat(), "received_at": now.isoformat(), "reason": "late"},
            )
        )
    return doubts


def sale_accept(*, sale_id: int, user, note: str = "") -> Sale:
    """Staff accept a flagged sale: it counts in revenue from now on, its anomalies are resolved, and an audit
    event says who and why. Under the sale's row lock; accepting an accepted sale again changes nothing and
    returns it (idempotent). A sale that was never flagged is refused with `SaleNotFlagged` (409).
    """
    with transaction.atomic(durable=True):
        sale = lock_one(Sale.objects.all(), pk=sale_id)
        if sale.review == SaleReview.ACCEPTED:
            return sale
        if sale.review != SaleReview.FLAGGED:
            raise SaleNotFlagged(sale=sale.pk)
        now = timezone.now()
        Sale.objects.filter(pk=sale.pk).update(review=SaleReview.ACCEPTED, reviewed_by=user, reviewed_at=now)
        Anomaly.objects.filter(sale=sale, resolved_at__isnull=True).update(resolved_at=now)
        audit_record(
            actor=user,
            action="vending.sale_accept",
            obj=sale,
            changes={"review": [SaleReview.FLAGGED, SaleReview.ACCEPTED], "amount": sale.amount, "note": note[:255]},
        )
    sale.refresh_from_db()
    return sale


@dataclass(frozen=True)
class CountLine:
    compartment_code: str
    quantity: Decimal


def inventory_record(
    *, machine: Machine, count_id: str, counted_at: dt.datetime, lines: Iterable[CountLine]
) -> tuple[InventoryCount, bool]:
    """Record the machine's own count: each difference with the ledger becomes an `adjustment` movement.

    Idempotent per (machine, count_id): a replay returns the first count with created=False and writes nothing.
    The compartments are locked (pk order) before the differences are computed, so a sale racing the count lands
    either before it (and is counted) or after it (and applies on top). Counted units in a compartment with no
    product, or an unknown code, become anomalies instead of adjustments.
    """
    lines = list(lines)
    existing = InventoryCount.objects.filter(machine=machine, count_id=count_id).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic(durable=True):
            codes = {line.compartment_code for line in lines}
            compartments = {c.code: c for c in lock_rows(Compartment.objects.filter(machine=machine, code__in=codes))}
            existing = InventoryCount.objects.filter(machine=machine, count_id=count_id).first()
            if existing is not None:
                return existing, False
            with transaction.atomic():
                count = InventoryCount.objects.create(machine=machine, count_id=count_id, counted_at=counted_at)
            for line in lines:
                counted = _qty(line.quantity)
                compartment = compartments.get(line.compartment_code)
                if compartment is None:
                    Anomaly.objects.create(
                        machine=machine,
                        kind=AnomalyKind.UNKNOWN_COUNTED_COMPARTMENT,
                        inventory_count=count,
                        details={"compartment": line.compartment_code, "counted": str(counted)},
                    )
                    continue
                difference = counted - compartment.quantity
                if difference == 0:
                    continue
                if compartment.product_id is None:
                    Anomaly.objects.create(
                        machine=machine,
                        compartment=compartment,
                        kind=AnomalyKind.INVENTORY_DIFFERENCE,
                        inventory_count=count,
                        details={"compartment": compartment.code, "counted": str(counted), "reason": "no_product"},
                    )
                    continue
                _move(
                    compartment=compartment,
                    product_id=compartment.product_id,
                    kind=MovementKind.ADJUSTMENT,
                    quantity=difference,
                    unit_price=compartment.price,
                    inventory_count=count,
                )
            return count, True
    except IntegrityError:
        existing = InventoryCount.objects.filter(machine=machine, count_id=count_id).first()
        if existing is None:
            raise
        return existing, False


def vending_check_ledger(*, product_ids: Iterable[int] | None = None) -> dict[str, dict]:
    """Where the books do not balance; `{}` when they do (they always should).

    Three checks: `compartments` {id: (quantity, sum of its movements)}; `transfers` {product: (units taken out of the
    main stock by vending transfers, units refilled into compartments)}; `products` {product: (main stock + machine
    stock, catalogue movements other than vending transfers + vending movements other than refills)}, i.e.
    "main stock + machine stock == receipts − other outgoing".
    """
    catalogue_moves = StockMovement.objects.all()
    levels = StockLevel.objects.all()
    vending_moves = CompartmentMovement.objects.all()
    compartments = Compartment.objects.all()
    if product_ids is not None:
        product_ids = list(product_ids)
        catalogue_moves = catalogue_moves.filter(product_id__in=product_ids)
        levels = levels.filter(product_id__in=product_ids)
        vending_moves = vending_moves.filter(product_id__in=product_ids)
        compartments = compartments.filter(product_id__in=product_ids)

    problems: dict[str, dict] = {}

    ledger_by_compartment = dict(
        CompartmentMovement.objects.filter(compartment__in=compartments)
        .values("compartment_id")
        .annotate(total=Sum("quantity"))
        .values_list("compartment_id", "total")
    )
    bad = {}
    for pk, quantity in compartments.values_list("pk", "quantity"):
        ledger = ledger_by_compartment.get(pk) or Decimal("0")
        if quantity != ledger:
            bad[pk] = (quantity, ledger)
    if bad:
        problems["compartments"] = bad

    def by_product(queryset) -> dict[int, Decimal]:
        return dict(queryset.values("product_id").annotate(total=Sum("quantity")).values_list("product_id", "total"))

    transferred = by_product(catalogue_moves.filter(reason=MovementReason.VENDING_TRANSFER))
    refilled = by_product(vending_moves.filter(kind=MovementKind.REFILL))
    bad = {}
    for pid in set(transferred) | set(refilled):
        out, into = -transferred.get(pid, Decimal("0")), refilled.get(pid, Decimal("0"))
        if out != into:
            bad[pid] = (out, into)
    if bad:
        problems["transfers"] = bad

    main = dict(levels.values_list("product_id", "quantity"))
    in_machines: dict[int, Decimal] = defaultdict(Decimal)
    for pid, quantity in compartments.exclude(product=None).values_list("product_id", "quantity"):
        in_machines[pid] += quantity
    other_catalogue = by_product(catalogue_moves.exclude(reason=MovementReason.VENDING_TRANSFER))
    other_vending = by_product(vending_moves.exclude(kind=MovementKind.REFILL))
    bad = {}
    for pid in set(main) | set(in_machines) | set(other_catalogue) | set(other_vending):
        held = main.get(pid, Decimal("0")) + in_machines.get(pid, Decimal("0"))
        expected = other_catalogue.get(pid, Decimal("0")) + other_vending.get(pid, Decimal("0"))
        if held != expected:
            bad[pid] = (held, expected)
    if bad:
        problems["products"] = bad
    return problems
