"""Writes of the cabas bio's weekly compositions: set an offer's lines for a week, publish once the stock covers
the expected baskets.

Each entry service runs in its own durable transaction (committed when it returns) and locks the offer with
`lock_one` before re-reading the composition, so two staff members composing the same week queue behind each other.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from catalogue.models import Product
from ecopole.core.calendar import closures_between, is_closed
from ecopole.core.exceptions import NotFound
from ecopole.core.locking import lock_one, lock_rows
from orders.errors import DuplicateProduct, ProductUnavailable

from ..errors import (
    BasketStockShort,
    CompositionEmpty,
    CompositionLocked,
)
from ..models import (
    BasketComposition,
    BasketCompositionLine,
    BasketOffer,
    BasketRun,
    BasketRunStatus,
    CompositionStatus,
)
from .calendar import (
    distribution_date,
)

QUANTITY_PLACES = Decimal("0.001")


# --- Compositions ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompositionLineRequest:
    product_id: int
    quantity: Decimal


@dataclass(frozen=True)
class Shortage:
    product: int
    product_name: str
    required: Decimal
    available: Decimal

    @property
    def missing(self) -> Decimal:
        return self.required - self.available

    def as_dict(self) -> dict:
        return {
            "product": self.product,
            "product_name": self.product_name,
            "required": str(self.required),
            "available": str(self.available),
            "missing": str(self.missing),
        }


def shortage_error(*, baskets: int, shortages: list[Shortage]) -> BasketStockShort:
    return BasketStockShort(baskets=baskets, shortages=[s.as_dict() for s in shortages])


def _offer_for_update(offer_id: int) -> BasketOffer:
    offer = BasketOffer.objects.filter(pk=offer_id).first()
    if offer is None:
        raise NotFound()
    return offer


def _composition_locked(*, offer: BasketOffer, week_start: date) -> bool:
    on = distribution_date(week_start=week_start, weekday=offer.distribution_weekday)
    return BasketRun.objects.filter(offer=offer, date=on, status=BasketRunStatus.DONE).exists()


def composition_set(
    *, offer_id: int, week_start: date, lines: Iterable[CompositionLineRequest], actor, note: str = ""
) -> BasketComposition:
    """Compose (or recompose) an offer's basket for an ISO week: replace its lines; it becomes a draft again and
    must be (re)published. Refused once the baskets of that week are generated (`composition_locked`)."""
    lines = list(lines)
    seen: set[int] = set()
    for line in lines:
        if line.product_id in seen:
            raise DuplicateProduct(product=line.product_id)
        seen.add(line.product_id)
    active = set(Product.objects.filter(pk__in=seen, is_active=True).values_list("pk", flat=True))
    missing = sorted(seen - active)
    if missing:
        raise ProductUnavailable(product=missing[0])
    offer = _offer_for_update(offer_id)
    with transaction.atomic(durable=True):
        BasketComposition.objects.get_or_create(offer=offer, week_start=week_start)
        composition = lock_one(BasketComposition.objects.all(), offer=offer, week_start=week_start)
        if _composition_locked(offer=offer, week_start=week_start):
            raise CompositionLocked()
        composition.lines.all().delete()
        BasketCompositionLine.objects.bulk_create(
            [
                BasketCompositionLine(
                    composition=composition,
                    product_id=line.product_id,
                    quantity=line.quantity.quantize(QUANTITY_PLACES),
                )
                for line in lines
            ]
        )
        composition.status, composition.note = CompositionStatus.DRAFT, note
        composition.published_at = composition.published_by = None
        composition.save()
    return composition


def baskets_expected(*, offer: BasketOffer, on: date, closed: dict[date, str] | None = None) -> int:
    """Baskets the offer will generate on `on`: none on a closed day (`closed`: the range already read)."""
    from ..selectors import subscriptions_due

    if (closed.get(on) if closed is not None else is_closed(on)) is not None:
        return 0
    return subscriptions_due(offer_id=offer.pk, on=on).count()


def week_requirements(*, week_start: date, include: BasketComposition | None = None) -> tuple[dict[int, Decimal], int]:
    """Stock the week's baskets still need: every published composition of the week whose baskets are not generated
    yet (plus `include`), line quantity × the number of baskets expected (active subscriptions due, not skipped nor
    paused). Returns ({product_id: quantity}, baskets of `include`)."""
    compositions = list(
        BasketComposition.objects.filter(week_start=week_start, status=CompositionStatus.PUBLISHED)
        .exclude(pk=include.pk if include else None)
        .select_related("offer")
        .prefetch_related("lines")
    )
    if include is not None:
        compositions.append(include)
    required: dict[int, Decimal] = {}
    include_baskets = 0
    closed = closures_between(week_start, week_start + timedelta(days=6))
    for composition in compositions:
        on = distribution_date(week_start=week_start, weekday=composition.offer.distribution_weekday)
        if composition is not include and _composition_locked(offer=composition.offer, week_start=week_start):
            continue
        baskets = baskets_expected(offer=composition.offer, on=on, closed=closed)
        if composition is include:
            include_baskets = baskets
        for line in composition.lines.all():
            required[line.product_id] = required.get(line.product_id, Decimal(0)) + line.quantity * baskets
    return required, include_baskets


def shortages_for(required: dict[int, Decimal]) -> list[Shortage]:
    from ..selectors import stock_levels

    levels = stock_levels(product_ids=required)
    names = dict(Product.objects.filter(pk__in=list(required)).values_list("pk", "name"))
    shortages = []
    for product_id in sorted(required, key=lambda pid: (names.get(pid, ""), pid)):
        available = levels.get(product_id, Decimal("0.000"))
        if required[product_id] > available:
            shortages.append(
                Shortage(
                    product_id, names.get(product_id, ""), required[product_id].quantize(QUANTITY_PLACES), available
                )
            )
    return shortages


@dataclass(frozen=True)
class Publication:
    composition: BasketComposition
    baskets_expected: int
    shortages: list[Shortage]


def composition_publish(*, offer_id: int, week_start: date, actor, force: bool = False) -> Publication:
    """Publish a composition, after checking that the stock ledger can cover the baskets expected that week.

    The check adds up this composition and the other published compositions of the week not generated yet (line
    quantity × active subscriptions due, neither skipped nor paused) and compares it with the stock levels. A
    shortage refuses the publication with 409 `insufficient_stock` listing every short product (required,
    available, missing), unless `force`: then it is published and the shortages are returned as a warning (stock
    may still be received before the cutoff; generation refuses if it is still short then). Idempotent: publishing
    a published composition publishes it again (same result)."""
    offer = _offer_for_update(offer_id)
    with transaction.atomic(durable=True):
        rows = lock_rows(BasketComposition.objects.filter(offer=offer, week_start=week_start))
        if not rows:
            raise NotFound()
        composition = rows[0]
        if _composition_locked(offer=offer, week_start=week_start):
            raise CompositionLocked()
        if not composition.lines.exists():
            raise CompositionEmpty()
        required, baskets = week_requirements(week_start=week_start, include=composition)
        shortages = shortages_for(required)
        if shortages and not force:
            raise shortage_error(baskets=baskets, shortages=shortages)
        composition.status = CompositionStatus.PUBLISHED
        composition.published_at, composition.published_by = timezone.now(), actor
        composition.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    return Publication(composition=composition, baskets_expected=baskets, shortages=shortages)
