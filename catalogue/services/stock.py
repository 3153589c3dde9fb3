"""The stock ledger: the one module that changes stock, for every channel (grocery, baskets, vending, workshop).

Every change is an append-only `StockMovement`; `StockLevel.quantity` is their running sum, updated with `F()` in
the same transaction, under row locks taken in primary-key order (see `ecopole.core.locking`). The database refuses a
negative level (CHECK constraint) as a last line of defence; the services refuse it first with `InsufficientStock`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Case, DecimalField, F, Sum, Value, When
from django.utils import timezone

from ecopole.core.locking import lock_rows

from ..errors import InsufficientStock, InvalidStockQuantity
from ..models import MovementReason, Product, StockLevel, StockLot, StockMovement

QUANTITY_PLACES = Decimal("0.001")
QUANTITY_FIELD = DecimalField(max_digits=12, decimal_places=3)

# Reasons that take stock out: they must never drive a level below zero.
OUTGOING_REASONS = {
    MovementReason.SALE,
    MovementReason.COUNTER_SALE,
    MovementReason.RESERVATION,
    MovementReason.BASKET_ALLOCATION,
    MovementReason.VENDING_TRANSFER,
    MovementReason.LOSS,
}


@dataclass(frozen=True)
class StockLine:
    """One product and a signed quantity: positive adds stock, negative takes it."""

    product_id: int
    quantity: Decimal


def _normalise(lines: Iterable[StockLine]) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for line in lines:
        quantity = Decimal(line.quantity).quantize(QUANTITY_PLACES)
        totals[int(line.product_id)] += quantity
    return {pid: qty for pid, qty in totals.items() if qty != 0}


def _source_fields(source: models.Model | None) -> dict:
    if source is None:
        return {"source_type": None, "source_id": None}
    return {"source_type": ContentType.objects.get_for_model(source), "source_id": source.pk}


def stock_apply(
    *,
    lines: Iterable[StockLine],
    reason: str,
    source: models.Model | None = None,
    user=None,
    note: str = "",
    lot_id: int | None = None,
) -> list[StockMovement]:
    """Apply signed quantities to several products at once, all or nothing.

    Guarantees: the affected `StockLevel` rows are locked in primary-key order (no deadlock between two callers
    locking overlapping products in different orders); levels are re-read under the lock; if any product would go
    below zero, `InsufficientStock` is raised listing every short product and nothing is written. One movement row
    per product, or, for a product tracked by lot, one per lot it touches: what goes out is taken first-expired
    first-out from its unblocked lots, then from its stock without a lot; a release gives back to the lots the
    source holds (latest best-before first), and what comes back to a blocked (recalled) lot is blocked again at
    once; other receipts carry no lot unless `lot_id` names one. The lots change under the same level lock.
    Joins the caller's transaction (so an order and its reservation commit together).
    """
    totals = _normalise(lines)
    if not totals:
        raise InvalidStockQuantity()
    product_ids = sorted(totals)
    # No savepoint: nothing is written before every check has passed, and a refusal is raised after the block, so a
    # caller that catches it keeps a usable transaction. (A database error aborts the caller's transaction anyway.)
    with transaction.atomic(savepoint=False):
        levels = _lock_levels(product_ids)
        shortages = []
        for pid in product_ids:
            delta = totals[pid]
            available = levels[pid].quantity
            if delta < 0 and available + delta < 0:
                shortages.append({"product": pid, "requested": str(-delta), "available": str(available)})
        if shortages:
            names = dict(Product.objects.filter(pk__in=[s["product"] for s in shortages]).values_list("pk", "name"))
            for shortage in shortages:
                shortage["product_name"] = names.get(shortage["product"], "")
        else:
            source_fields = _source_fields(source)
            tracked = [pid for pid in product_ids if levels[pid].tracked_by_lot or lot_id is not None]
            # {product: [(lot id or None, quantity, blocked)]}: how each tracked product's delta splits over its lots.
            splits = {
                pid: _lot_split(
                    product_id=pid,
                    delta=totals[pid],
                    level=levels[pid].quantity,
                    reason=reason,
                    source_fields=source_fields,
                    lot_id=lot_id,
                )
                for pid in tracked
            }
            # What comes back to a blocked lot leaves again at once: the level does not change by it.
            level_delta = {
                pid: totals[pid] - sum((q for _, q, blocked in splits.get(pid, []) if blocked), Decimal("0"))
                for pid in product_ids
            }
            changed = [pid for pid in product_ids if level_delta[pid] != 0]
            if changed:
                # One UPDATE for every level (numeric arithmetic: exact).
                delta = Case(
                    *[When(product_id=pid, then=Value(level_delta[pid])) for pid in changed],
                    output_field=QUANTITY_FIELD,
                )
                StockLevel.objects.filter(product_id__in=changed).update(quantity=F("quantity") + delta)
            rows = []
            for pid in product_ids:
                if pid not in splits:
                    rows.append(_movement(pid, totals[pid], reason, note, user, source_fields, None))
                    continue
                for split_lot, quantity, blocked in splits[pid]:
                    rows.append(_movement(pid, quantity, reason, note, user, source_fields, split_lot))
                    if split_lot is not None and not blocked:
                        StockLot.objects.filter(pk=split_lot).update(quantity=F("quantity") + quantity)
                    if blocked:
                        rows.append(
                            _movement(pid, -quantity, MovementReason.RECALL, note, user, source_fields, split_lot)
                        )
            movements = StockMovement.objects.bulk_create(rows)
    if shortages:
        raise InsufficientStock(**shortages[0], shortages=shortages)
    return movements


def _movement(pid, quantity, reason, note, user, source_fields, lot_id) -> StockMovement:
    return StockMovement(
        product_id=pid,
        quantity=quantity,
        reason=reason,
        note=note[:255],
        created_by=user,
        lot_id=lot_id,
        **source_fields,
    )


def _lot_split(
    *, product_id: int, delta: Decimal, level: Decimal, reason: str, source_fields: dict, lot_id: int | None
) -> list[tuple[int | None, Decimal, bool]]:
    """Split a tracked product's delta over its lots. The caller holds the product's level lock, under which every
    lot of the product changes, so the lots read here are current. Returns [(lot id or None, signed quantity,
    the lot is blocked)]."""
    if lot_id is not None:
        if delta <= 0:
            raise InvalidStockQuantity()
        return [(lot_id, delta, False)]
    lots = list(StockLot.objects.filter(product_id=product_id).values("pk", "quantity", "blocked_at", "best_before"))
    if delta < 0:
        # First-expired first-out over the unblocked lots, then the stock without a lot (the level check passed).
        wanted = -delta
        split = []
        for lot in sorted(lots, key=lambda row: (row["best_before"], row["pk"])):
            if wanted <= 0:
                break
            if lot["blocked_at"] is not None or lot["quantity"] <= 0:
                continue
            take = min(wanted, lot["quantity"])
            split.append((lot["pk"], -take, False))
            wanted -= take
        if wanted > 0:
            split.append((None, -wanted, False))
        return split
    if reason == MovementReason.RELEASE and source_fields["source_type"] is not None:
        held = {
            row["lot_id"]: -row["total"]
            for row in StockMovement.objects.filter(product_id=product_id, lot__isnull=False, **source_fields)
            .exclude(reason=MovementReason.RECALL)
            .values("lot_id")
            .annotate(total=Sum("quantity"))
            if row["total"] < 0
        }
        by_lot = {lot["pk"]: lot for lot in lots}
        remaining = delta
        split = []
        for held_lot in sorted(held, key=lambda pk: (by_lot[pk]["best_before"], pk), reverse=True):
            if remaining <= 0:
                break
            give = min(remaining, held[held_lot])
            split.append((held_lot, give, by_lot[held_lot]["blocked_at"] is not None))
            remaining -= give
        if remaining > 0:
            split.append((None, remaining, False))
        return split
    return [(None, delta, False)]


def _lock_levels(product_ids: list[int]) -> dict[int, StockLevel]:
    """Lock the levels of `product_ids` (sorted) and return them by product, creating the missing ones at zero.

    Levels are created lazily, at a product's first movement, and never deleted, so the locked SELECT finds every
    row once a product has received stock and no INSERT is needed (the hot path: one statement instead of two).
    Otherwise the missing rows are inserted (ignore_conflicts makes two racing creators harmless) and locked after
    the rows already held. Primary-key order then holds within each group only; a deadlock needs two transactions
    creating the first levels of overlapping products at the same moment, and PostgreSQL aborts one of them
    (nothing written, the request answers an error and can be retried). Each level carries `tracked_by_lot`, its
    product's flag, read in the same statement (only the level rows are locked).
    """

    def locked(ids):
        queryset = StockLevel.objects.filter(product_id__in=ids).annotate(tracked_by_lot=F("product__tracked_by_lot"))
        return lock_rows(queryset, of=("self",))

    levels = {level.product_id: level for level in locked(product_ids)}
    missing = [pid for pid in product_ids if pid not in levels]
    if missing:
        StockLevel.objects.bulk_create([StockLevel(product_id=pid) for pid in missing], ignore_conflicts=True)
        levels.update((level.product_id, level) for level in locked(missing))
    return levels


def stock_reserve(*, lines: Iterable[StockLine], source: models.Model, user=None) -> list[StockMovement]:
    """Reserve (take out) positive quantities for an order or a basket. Raises `InsufficientStock` (409)."""
    return stock_apply(
        lines=[StockLine(line.product_id, -abs(Decimal(line.quantity))) for line in lines],
        reason=MovementReason.RESERVATION,
        source=source,
        user=user,
    )


def stock_reservation_change(
    *, lines: Iterable[StockLine], source: models.Model, user=None, note: str = ""
) -> list[StockMovement]:
    """Change what `source` holds by signed quantities: positive reserves more (a `reservation`, refused with
    `InsufficientStock` when the stock is short), negative gives back (a `release`). For an order whose lines change.

    Guarantees: every affected level is locked first, in one statement in primary-key order, before either
    movement is written (two separate `stock_apply` calls would lock the reserved products, then the released
    ones: out of order, a deadlock with an order placed meanwhile). All or nothing; `stock_release(source=…)`
    still gives back exactly what the source holds afterwards. Joins the caller's transaction.
    """
    totals = _normalise(lines)
    if not totals:
        return []
    with transaction.atomic(savepoint=False):
        _lock_levels(sorted(totals))
        take = [StockLine(pid, -quantity) for pid, quantity in totals.items() if quantity > 0]
        give = [StockLine(pid, -quantity) for pid, quantity in totals.items() if quantity < 0]
        movements: list[StockMovement] = []
        if take:
            movements += stock_apply(lines=take, reason=MovementReason.RESERVATION, source=source, user=user, note=note)
        if give:
            movements += stock_apply(lines=give, reason=MovementReason.RELEASE, source=source, user=user, note=note)
    return movements


def stock_release(*, source: models.Model, user=None, note: str = "") -> list[StockMovement]:
    """Give back everything still reserved for `source` (e.g. a cancelled order). Idempotent: a second call,
    or a call for a source with nothing reserved, writes nothing and returns []."""
    with transaction.atomic():
        ct = ContentType.objects.get_for_model(source)
        # Lock the source's row so two concurrent cancellations cannot both see the reservation as unreleased.
        lock_rows(type(source).objects.filter(pk=source.pk))
        net = (
            StockMovement.objects.filter(
                source_type=ct,
                source_id=source.pk,
                reason__in=[MovementReason.RESERVATION, MovementReason.RELEASE],
            )
            .values("product_id")
            .annotate(total=Sum("quantity"))
        )
        totals = {row["product_id"]: row["total"] for row in net}
        lines = [StockLine(pid, -total) for pid, total in totals.items() if total < 0]
        if not lines:
            return []
        return stock_apply(lines=lines, reason=MovementReason.RELEASE, source=source, user=user, note=note)


def stock_receive(
    *, product_id: int, quantity: Decimal, user=None, note: str = "", source: models.Model | None = None
) -> StockMovement:
    """Record a receipt from a producer (positive quantity)."""
    if Decimal(quantity) <= 0:
        raise InvalidStockQuantity()
    return stock_apply(
        lines=[StockLine(product_id, quantity)],
        reason=MovementReason.RECEIPT,
        user=user,
        note=note,
        source=source,
    )[0]


def stock_lot_receive(
    *,
    product_id: int,
    code: str,
    best_before,
    quantity: Decimal,
    reason: str = MovementReason.PROCESSING_OUTPUT,
    user=None,
    note: str = "",
    source: models.Model | None = None,
) -> StockLot:
    """Receive `quantity` of a product as a new lot (a completed workshop booking's jars): the `StockLot` and its
    movement, under the product's level lock. Joins the caller's transaction."""
    if Decimal(quantity) <= 0:
        raise InvalidStockQuantity()
    with transaction.atomic(savepoint=False):
        _lock_levels([product_id])
        lot = StockLot.objects.create(product_id=product_id, code=code, best_before=best_before)
        stock_apply(
            lines=[StockLine(product_id, quantity)], reason=reason, user=user, note=note, source=source, lot_id=lot.pk
        )
    lot.refresh_from_db()
    return lot


def stock_lot_block(*, code: str, user=None, note: str = "") -> Decimal:
    """Block a lot (a recall): what it still holds leaves the stock (one `recall` movement), and it is never taken
    again; what a cancelled order gives back to it later is blocked at once (see `stock_apply`). Idempotent: the
    quantity blocked now, zero when it was already blocked. Joins the caller's transaction; locks the product's
    level first, like every other writer of the lot."""
    with transaction.atomic(savepoint=False):
        product_id = StockLot.objects.filter(code=code).values_list("product_id", flat=True).get()
        _lock_levels([product_id])
        lot = StockLot.objects.get(code=code)
        if lot.blocked_at is not None:
            return Decimal("0")
        remaining = lot.quantity
        StockLot.objects.filter(pk=lot.pk).update(blocked_at=timezone.now(), quantity=0)
        if remaining > 0:
            StockLevel.objects.filter(product_id=product_id).update(quantity=F("quantity") - remaining)
            StockMovement.objects.create(
                product_id=product_id,
                quantity=-remaining,
                reason=MovementReason.RECALL,
                note=note[:255],
                created_by=user,
                lot=lot,
                **_source_fields(lot),
            )
    return remaining


def stock_record_loss(
    *, product_id: int, quantity: Decimal, user=None, note: str = "", source: models.Model | None = None
) -> StockMovement:
    """Record a loss (spoilt, broken). Refused with `InsufficientStock` if more than what is in stock."""
    if Decimal(quantity) <= 0:
        raise InvalidStockQuantity()
    return stock_apply(
        lines=[StockLine(product_id, -Decimal(quantity))],
        reason=MovementReason.LOSS,
        user=user,
        note=note,
        source=source,
    )[0]


def stock_count(*, product_id: int, counted: Decimal, user=None, note: str = "") -> StockMovement | None:
    """Record an inventory count: the difference with the ledger becomes an `adjustment` movement.

    Returns None when the count matches. The difference is computed under the lock, so a sale racing the count is
    either before it (and counted) or after it (and applied on top).
    """
    counted = Decimal(counted).quantize(QUANTITY_PLACES)
    if counted < 0:
        raise InvalidStockQuantity()
    with transaction.atomic():
        level = _lock_levels([product_id])[product_id]
        difference = counted - level.quantity
        if difference == 0:
            return None
        return stock_apply(
            lines=[StockLine(product_id, difference)], reason=MovementReason.ADJUSTMENT, user=user, note=note
        )[0]


def stock_available(*, product_id: int) -> Decimal:
    level = StockLevel.objects.filter(product_id=product_id).values_list("quantity", flat=True).first()
    return level if level is not None else Decimal("0")


def stock_check_ledger(*, product_ids: Iterable[int] | None = None) -> dict[int, tuple[Decimal, Decimal]]:
    """Products whose level differs from the sum of their movements: {product_id: (level, ledger_sum)}.

    Empty when the ledger balances, which it always should.
    """
    movements = StockMovement.objects.all()
    levels = StockLevel.objects.all()
    if product_ids is not None:
        product_ids = list(product_ids)
        movements = movements.filter(product_id__in=product_ids)
        levels = levels.filter(product_id__in=product_ids)
    sums = dict(movements.values("product_id").annotate(total=Sum("quantity")).values_list("product_id", "total"))
    current = dict(levels.values_list("product_id", "quantity"))
    mismatches = {}
    for pid in set(sums) | set(current):
        level = current.get(pid, Decimal(0))
        ledger = sums.get(pid) or Decimal(0)
        if level != ledger:
            mismatches[pid] = (level, ledger)
    return mismatches


class StockRecordKind:
    """What staff record by hand at the Ecopôle (the stock-movements API)."""

    RECEIPT = "receipt"
    LOSS = "loss"
    COUNT = "count"
    ALL = (RECEIPT, LOSS, COUNT)


def stock_record(
    *, product_id: int, kind: str, quantity: Decimal, user=None, note: str = ""
) -> tuple[StockMovement | None, Decimal]:
    """Record a receipt, a loss or an inventory count in one durable transaction; return (movement, new level).

    A count records the difference as an `adjustment` (None when it matches). A loss beyond the stock is refused
    with `InsufficientStock`. Top-level entry point: must not run inside another transaction.
    """
    with transaction.atomic(durable=True):
        if kind == StockRecordKind.RECEIPT:
            movement = stock_receive(product_id=product_id, quantity=quantity, user=user, note=note)
        elif kind == StockRecordKind.LOSS:
            movement = stock_record_loss(product_id=product_id, quantity=quantity, user=user, note=note)
        elif kind == StockRecordKind.COUNT:
            movement = stock_count(product_id=product_id, counted=quantity, user=user, note=note)
        else:
            raise ValueError(f"unknown stock record kind: {kind}")
        return movement, stock_available(product_id=product_id)
