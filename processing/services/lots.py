"""Completion of a booking: its outputs become lots (numéro de lot, DDM), stocked and billed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation

from catalogue.models import MovementReason, Product
from catalogue.services.stock import StockLine, stock_apply, stock_lot_receive
from ecopole.core.exceptions import InvalidTransition
from ecopole.core.locking import lock_one, lock_rows
from ecopole.core.money import money

from ..errors import ProductNotOfProducer
from ..models import (
    DEFAULT_SHELF_LIFE_DAYS,
    BillingKind,
    BillingLine,
    Booking,
    BookingStatus,
    ConsumableUnit,
    Lot,
    LotInput,
    LotSequence,
    LotUnit,
    ProcessShelfLife,
)
from .bookings import _transition
from .calendar import local_date


@dataclass(frozen=True)
class RawInput:
    name: str
    quantity_kg: Decimal
    raw_product_id: int | None = None
    origin: str = ""


@dataclass(frozen=True)
class Output:
    """One output of a completed booking, e.g. 240 jars of soup of 75 cl, and the raw inputs it came from."""

    description: str
    quantity: Decimal
    unit: str = LotUnit.JAR
    product_id: int | None = None
    container: str = ""
    inputs: list[RawInput] = field(default_factory=list)


def lot_code_next(*, day: date) -> str:
    """The next lot number of `day`: LC-YYYYMMDD-NNN. The day's counter row is locked and incremented with F(),
    so concurrent completions get distinct numbers (Lot.code is also unique). Joins the caller's transaction."""
    with transaction.atomic():
        LotSequence.objects.bulk_create([LotSequence(day=day)], ignore_conflicts=True)
        lock_rows(LotSequence.objects.filter(day=day))
        LotSequence.objects.filter(day=day).update(last=F("last") + 1)
        last = LotSequence.objects.filter(day=day).values_list("last", flat=True).get()
    return f"LC-{day:%Y%m%d}-{last:03d}"


def best_before_for(*, process: str, production_date: date) -> date:
    """DDM: production date + the process's shelf life (ProcessShelfLife, else DEFAULT_SHELF_LIFE_DAYS)."""
    days = ProcessShelfLife.objects.filter(process=process).values_list("best_before_days", flat=True).first()
    if days is None:
        days = DEFAULT_SHELF_LIFE_DAYS.get(process, 365)
    return production_date + timedelta(days=days)


def booking_complete(*, booking_id: int, user, outputs: list[Output], hours_used: Decimal | None = None) -> Booking:
    """Staff complete a confirmed booking with its outputs.

    In one transaction, under a lock on the booking: one `Lot` per output (unique daily number, production date =
    the slot's day, DDM from the process), its raw inputs (default: the booking's raw product and quantity), the
    jars put into the catalogue stock ledger (`processing_output`, source = the lot) when the output is one of the
    producer's catalogue products (as a stock lot of the same code and DDM when the product is tracked by lot), the billing lines (hours × rate, consumables per jar or kg), the status
    `completed` and its event. A second call is refused with `invalid_transition`: nothing is stocked or billed twice.
    """
    now = timezone.now()
    with transaction.atomic(durable=True):
        booking = lock_one(Booking.objects.all(), pk=booking_id)
        if not booking.can_become(BookingStatus.COMPLETED):
            raise InvalidTransition(current=booking.status, target=BookingStatus.COMPLETED)
        product_ids = {o.product_id for o in outputs if o.product_id} | {
            i.raw_product_id for o in outputs for i in o.inputs if i.raw_product_id
        }
        products = {p.pk: p for p in Product.objects.filter(pk__in=product_ids)}
        for pid in product_ids:
            product = products.get(pid)
            if product is None or product.producer_id != booking.producer_id:
                raise ProductNotOfProducer(product=pid)  # the id only: never another producer's product name
        production_date = local_date(booking.starts_at)
        best_before = best_before_for(process=booking.process, production_date=production_date)
        lots = []
        for output in outputs:
            lot = Lot.objects.create(
                code=lot_code_next(day=production_date),
                booking=booking,
                producer_id=booking.producer_id,
                process=booking.process,
                product_id=output.product_id,
                description=output.description,
                quantity=output.quantity,
                unit=output.unit,
                container=output.container,
                production_date=production_date,
                best_before=best_before,
                organic=booking.organic,
                created_by=user,
            )
            inputs = output.inputs or [
                RawInput(
                    name=booking.raw_product_name,
                    quantity_kg=booking.raw_quantity_kg,
                    raw_product_id=booking.raw_product_id,
                )
            ]
            LotInput.objects.bulk_create(
                [
                    LotInput(
                        lot=lot,
                        raw_product_id=item.raw_product_id,
                        name=item.name,
                        quantity_kg=item.quantity_kg,
                        origin=item.origin,
                    )
                    for item in inputs
                ]
            )
            if output.product_id and products[output.product_id].tracked_by_lot:
                # Jars of a product tracked by lot: the ledger keeps them as this lot (same code, same DDM).
                stock_lot_receive(
                    product_id=output.product_id,
                    code=lot.code,
                    best_before=best_before,
                    quantity=output.quantity,
                    source=lot,
                    user=user,
                    note=lot.code,
                )
            elif output.product_id:
                stock_apply(
                    lines=[StockLine(output.product_id, output.quantity)],
                    reason=MovementReason.PROCESSING_OUTPUT,
                    source=lot,
                    user=user,
                    note=lot.code,
                )
            lots.append(lot)
        booking.hours_used = Decimal(hours_used if hours_used is not None else booking.hours).quantize(Decimal("0.01"))
        _transition(booking, BookingStatus.COMPLETED, actor=user, now=now)
        _bill_usage(booking=booking, lots=lots, now=now)
    return booking


def _bill_usage(*, booking: Booking, lots: list[Lot], now) -> list[BillingLine]:
    jars = sum((lot.quantity for lot in lots if lot.unit == LotUnit.JAR), Decimal("0"))
    kg = sum((i.quantity_kg for lot in lots for i in lot.inputs.all()), Decimal("0")) or booking.raw_quantity_kg
    rows = []
    with translation.override(settings.LANGUAGE_CODE):
        day = f"{local_date(booking.starts_at):%d/%m/%Y}"
        for line in booking.lines.select_related("equipment"):
            equipment = line.equipment
            rows.append(
                BillingLine(
                    booking=booking,
                    producer_id=booking.producer_id,
                    kind=BillingKind.USAGE,
                    equipment=equipment,
                    description=f"{BillingKind.USAGE.label} – {equipment.name} – {day}",
                    quantity=booking.hours_used,
                    unit_price=equipment.hourly_rate,
                    amount=money(booking.hours_used * equipment.hourly_rate),
                    billed_on=local_date(now),
                )
            )
            quantity = {ConsumableUnit.JAR: jars, ConsumableUnit.KG: kg}.get(equipment.consumable_unit, Decimal("0"))
            if quantity > 0 and equipment.consumable_rate > 0:
                rows.append(
                    BillingLine(
                        booking=booking,
                        producer_id=booking.producer_id,
                        kind=BillingKind.CONSUMABLES,
                        equipment=equipment,
                        description=f"{BillingKind.CONSUMABLES.label} – {equipment.name} – {day}",
                        quantity=quantity,
                        unit_price=equipment.consumable_rate,
                        amount=money(quantity * equipment.consumable_rate),
                        billed_on=local_date(now),
                    )
                )
    return BillingLine.objects.bulk_create(rows)
