"""Reads of the workshop: querysets scoped to the user (another producer's rows are simply not found), the
availability grid, the trace of a lot. Each selector owns its select_related / prefetch_related."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from catalogue.models import StockMovement
from catalogue.season import Allergen
from ecopole.core.exceptions import NotFound

from .labels import ingredient_segments
from .models import (
    ACTIVE_STATUSES,
    Booking,
    BookingEvent,
    BookingLine,
    BookingStatus,
    CalendarFeed,
    Equipment,
    Lot,
    LotRecall,
    RecallStatus,
    Statement,
)
from .permissions import is_workshop_staff
from .services.calendar import WorkshopCalendar, day_start


def _scope(queryset: QuerySet, user, field: str = "producer_id") -> QuerySet:
    if is_workshop_staff(user):
        return queryset
    if getattr(user, "producer_id", None):
        return queryset.filter(**{field: user.producer_id})
    return queryset.none()


# --- Equipment and availability ------------------------------------------------------------------------------------


def equipment_list() -> QuerySet[Equipment]:
    return Equipment.objects.filter(is_active=True).order_by("name", "pk")


def availability(
    *,
    equipment_refs: list[str] | None,
    start: date,
    end: date,
    include_taken: bool = False,
    now: datetime | None = None,
) -> list[dict]:
    """Slots of each active equipment (or of `equipment_refs`: ids or slugs) between `start` and `end` (days,
    inclusive, Europe/Paris).

    By default only the bookable ones: free (for shared equipment: with capacity left) and within the booking
    window. Four queries whatever the range and the number of equipment: equipment, opening hours, closed days,
    active booking lines; the grid is computed in Python.
    """
    now = now or timezone.now()
    queryset = equipment_list()
    if equipment_refs:
        ids = [int(ref) for ref in equipment_refs if ref.isdigit()]
        queryset = queryset.filter(Q(pk__in=ids) | Q(slug__in=[ref for ref in equipment_refs if not ref.isdigit()]))
    equipment = list(queryset)
    calendar = WorkshopCalendar.load(start=start, end=end)
    range_start, range_end = day_start(start), day_start(end + timedelta(days=1))
    by_equipment: dict[int, list[tuple]] = defaultdict(list)
    for row in BookingLine.objects.filter(
        is_active=True,
        equipment_id__in=[item.pk for item in equipment],
        starts_at__lt=range_end + timedelta(days=1),
        blocked_until__gt=range_start,
    ).values_list("equipment_id", "starts_at", "ends_at", "blocked_until", "jars"):
        by_equipment[row[0]].append(row[1:])
    earliest = now + timedelta(hours=int(settings.PROCESSING_MIN_NOTICE_HOURS))
    latest = now + timedelta(weeks=int(settings.PROCESSING_MAX_AHEAD_WEEKS))
    result = []
    for item in equipment:
        lines = sorted(by_equipment.get(item.pk, []))
        slots = []
        day = start
        while day <= end:
            for slot in calendar.slots(equipment=item, day=day):
                in_window = earliest <= slot.starts_at <= latest
                if item.is_shared:
                    used = sum(jars or 0 for s, e, _b, jars in lines if s < slot.ends_at and e > slot.starts_at)
                    capacity_left = max(item.capacity - used, 0)
                    free = capacity_left > 0
                else:
                    capacity_left = None
                    blocked_until = slot.ends_at + item.buffer
                    free = not any(s < blocked_until and b > slot.starts_at for s, _e, b, _j in lines)
                available = free and in_window
                if available or include_taken:
                    slots.append(
                        {
                            "starts_at": slot.starts_at,
                            "ends_at": slot.ends_at,
                            "available": available,
                            # Free but outside the booking window, or taken (the waiting list): the farmers' space.
                            "free": free,
                            "in_window": in_window,
                            "capacity_left": capacity_left,
                        }
                    )
            day += timedelta(days=1)
        result.append({"equipment": item, "slots": slots})
    return result


# --- Bookings ------------------------------------------------------------------------------------------------------


def booking_queryset(*, user) -> QuerySet[Booking]:
    return _scope(Booking.objects.select_related("producer", "raw_product").prefetch_related("lines__equipment"), user)


def booking_list(*, user, status: str | None = None, start: date | None = None, end: date | None = None):
    queryset = booking_queryset(user=user)
    if status:
        queryset = queryset.filter(status__in=status.split(","))
    if start:
        queryset = queryset.filter(starts_at__gte=day_start(start))
    if end:
        queryset = queryset.filter(starts_at__lt=day_start(end + timedelta(days=1)))
    return queryset.order_by("starts_at", "id")


def booking_get(*, user, pk: int) -> Booking:
    booking = (
        booking_queryset(user=user)
        .prefetch_related(
            Prefetch("events", queryset=BookingEvent.objects.select_related("actor").order_by("at", "id")),
            "billing_lines",
            "lots",
        )
        .filter(pk=pk)
        .first()
    )
    if booking is None:
        raise NotFound()
    return booking


# --- Lots ----------------------------------------------------------------------------------------------------------


def lot_list(*, user) -> QuerySet[Lot]:
    return _scope(Lot.objects.select_related("producer", "product", "booking"), user).order_by(
        "-production_date", "code"
    )


def lot_trace(*, user, code: str) -> dict:
    """Everything known about a lot, from the field to the jars' destinations.

    - `lot`: producer, process, dates (production, DDM), quantity, organic, the booking and its slot;
    - `inputs`: the raw products and kg it came from (and their origin);
    - `stock_entries`: the catalogue stock movements whose source is this lot (the jars put on sale);
    - `product_movements_after`: every movement of the output product after the lot entered stock (sales,
      reservations, basket allocations, vending transfers, losses, releases). The ledger counts products, not lots,
      so these movements took jars of this lot or of another lot of the same product: `other_lots_of_product` lists
      the lots of that product produced since, to bound the ambiguity.
    """
    lot = (
        lot_list(user=user)
        .select_related("booking__producer")
        .prefetch_related("inputs__raw_product", "booking__lines__equipment")
        .filter(code=code)
        .first()
    )
    if lot is None:
        raise NotFound()
    content_type = ContentType.objects.get_for_model(Lot)
    entries = list(
        StockMovement.objects.filter(source_type=content_type, source_id=lot.pk).order_by("created_at", "id")
    )
    after: list[StockMovement] = []
    other_lots: list[str] = []
    if lot.product_id and entries:
        after = list(
            StockMovement.objects.filter(product_id=lot.product_id, created_at__gte=entries[0].created_at)
            .exclude(pk__in=[m.pk for m in entries])
            .select_related("source_type")
            .order_by("created_at", "id")[:200]
        )
        other_lots = list(
            Lot.objects.filter(product_id=lot.product_id, production_date__gte=lot.production_date)
            .exclude(pk=lot.pk)
            .order_by("production_date", "code")
            .values_list("code", flat=True)
        )
    return {
        "lot": lot,
        "inputs": list(lot.inputs.all()),
        "stock_entries": entries,
        "product_movements_after": after,
        "other_lots_of_product": other_lots,
    }


# --- Statements and feeds ------------------------------------------------------------------------------------------


def statement_list(*, user, month: str | None = None) -> QuerySet[Statement]:
    queryset = _scope(Statement.objects.select_related("producer"), user)
    if month:
        queryset = queryset.filter(month__year=int(month[:4]), month__month=int(month[5:7]))
    return queryset.order_by("-month", "producer_id")


def statement_get(*, user, pk: int) -> Statement:
    statement = statement_list(user=user).filter(pk=pk).first()
    if statement is None:
        raise NotFound()
    return statement


def calendar_feed_active(*, producer_id: int | None) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(producer_id=producer_id, is_active=True).first()


def calendar_feed_by_token(*, token: str) -> CalendarFeed | None:
    return CalendarFeed.objects.select_related("producer").filter(token=token, is_active=True).first()


def calendar_feed_bookings(*, feed: CalendarFeed, now: datetime | None = None) -> QuerySet[Booking]:
    """Bookings of the feed's producer (or all), from 90 days ago on; active ones and the cancelled ones (so that
    a phone's calendar removes them)."""
    now = now or timezone.now()
    queryset = (
        Booking.objects.filter(
            status__in=[*ACTIVE_STATUSES, BookingStatus.CANCELLED], starts_at__gte=now - timedelta(days=90)
        )
        .select_related("producer")
        .prefetch_related("lines__equipment")
        .order_by("starts_at", "id")
    )
    if feed.producer_id:
        queryset = queryset.filter(producer_id=feed.producer_id)
    return queryset


# --- The public lot page and labels --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LotPublic:
    """What anyone holding a jar may know of its lot (the QR code on the label): never a customer's data."""

    code: str
    name: str
    description: str
    container: str
    ingredients: list[tuple[str, bool]]
    other_allergens: list[str]
    allergens: list[str]
    organic: bool
    producer_name: str
    producer_commune: str
    inputs: list[dict]
    production_date: date
    best_before: date
    equipment: list[str]
    recalled: bool
    recalled_at: datetime | None
    recall_reason: str


def lot_public_get(*, code: str) -> LotPublic:
    """The public facts of lot `code`; `Http404` when no lot has that code. Three queries."""
    lot = (
        Lot.objects.select_related("producer", "product", "recall")
        .prefetch_related("inputs", "booking__lines__equipment")
        .filter(code=code)
        .first()
    )
    if lot is None:
        raise Http404
    product = lot.product
    recall = getattr(lot, "recall", None)
    confirmed = recall is not None and recall.status == RecallStatus.CONFIRMED
    allergen_labels = dict(Allergen.choices)
    segments, unnamed = ingredient_segments(product.ingredients, product.allergen_codes) if product else ([], [])
    return LotPublic(
        code=lot.code,
        name=product.name if product else lot.description,
        description=lot.description,
        container=lot.container,
        ingredients=segments,
        other_allergens=[str(allergen_labels[c]) for c in unnamed],
        allergens=[str(allergen_labels[c]) for c in product.allergen_codes] if product else [],
        organic=lot.organic,
        producer_name=lot.producer.name,
        producer_commune=lot.producer.commune,
        inputs=[{"name": i.name, "quantity_kg": i.quantity_kg, "origin": i.origin} for i in lot.inputs.all()],
        production_date=lot.production_date,
        best_before=lot.best_before,
        equipment=sorted({line.equipment.name for line in lot.booking.lines.all()}),
        recalled=confirmed,
        recalled_at=recall.confirmed_at if confirmed else None,
        recall_reason=recall.reason if confirmed else "",
    )


def lot_recall_get(*, code: str) -> LotRecall:
    """The recall of lot `code` (staff: the caller checked), `NotFound` when the lot has none."""
    recall = LotRecall.objects.select_related("lot").filter(lot__code=code).first()
    if recall is None:
        raise NotFound()
    return recall


def lot_recall_list() -> QuerySet[LotRecall]:
    return LotRecall.objects.select_related("lot__producer", "lot__product").order_by("-requested_at", "-id")
