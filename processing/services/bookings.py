"""Bookings of the workshop: book, queue on the waiting list, confirm, cancel, mark a no-show, offer freed slots.

Concurrency: every write runs in one durable transaction opened by its entry service (so the API, the tasks and
the demo get the same guarantees) and takes row locks through `lock_rows`, always in the order
equipment → bookings → producers (each set in primary-key order), so two writers never deadlock. The overlap and
quota checks are re-done under those locks; the exclusion constraint `processing_line_no_overlap` is the last line
of defence and its IntegrityError becomes the same 409 `slot_taken`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from catalogue.models import Producer, Product
from ecopole.core.exceptions import InvalidTransition
from ecopole.core.locking import lock_one, lock_rows
from ecopole.core.money import money
from ecopole.core.outbox import outbox_enqueue

from ..errors import (
    AlreadyWaiting,
    CapacityExceeded,
    JarsRequired,
    NoShowBeforeStart,
    NotASlot,
    OfferExpired,
    ProductNotOfProducer,
    SlotTaken,
    TooFarAhead,
    TooLateToBook,
    UnknownEquipment,
    WeeklyQuotaExceeded,
    WorkshopClosed,
)
from ..models import (
    ACTIVE_STATUSES,
    NO_OVERLAP_CONSTRAINT,
    BillingKind,
    BillingLine,
    Booking,
    BookingEvent,
    BookingLine,
    BookingStatus,
    Equipment,
)
from .calendar import WorkshopCalendar, day_start, local_date, working_deadline

MONEY = Decimal("0.01")
HOUR = Decimal(3600)


@dataclass(frozen=True)
class BookingRequest:
    """What a producer asks for: equipment for one slot, and what they will process."""

    equipment_ids: list[int]
    starts_at: datetime
    ends_at: datetime
    process: str
    raw_product_name: str
    raw_quantity_kg: Decimal
    raw_product_id: int | None = None
    expected_output: str = ""
    jars: int | None = None
    organic: bool = False
    needs_technician: bool = False
    notes: str = ""


def hours_between(starts_at: datetime, ends_at: datetime) -> Decimal:
    return (Decimal((ends_at - starts_at).total_seconds()) / HOUR).quantize(MONEY, ROUND_HALF_UP)


def format_hours(value: Decimal) -> str:
    return format(value.normalize(), "f")


# --- Rules -------------------------------------------------------------------------------------------------------


def check_booking_window(*, starts_at: datetime, now: datetime) -> None:
    """At least MIN_NOTICE_HOURS and at most MAX_AHEAD_WEEKS ahead."""
    min_notice = int(settings.PROCESSING_MIN_NOTICE_HOURS)
    max_weeks = int(settings.PROCESSING_MAX_AHEAD_WEEKS)
    if starts_at < now + timedelta(hours=min_notice):
        raise TooLateToBook(min_notice_hours=min_notice)
    if starts_at > now + timedelta(weeks=max_weeks):
        raise TooFarAhead(max_ahead_weeks=max_weeks)


def _check_slot(*, equipment: list[Equipment], request: BookingRequest) -> None:
    day = local_date(request.starts_at)
    calendar = WorkshopCalendar.load(start=day, end=day)
    if calendar.closed_reason(day) is not None:
        raise WorkshopClosed(date=day.strftime("%d/%m/%Y"), reason=calendar.closed_reason(day))
    for item in equipment:
        if not calendar.is_on_grid(equipment=item, starts_at=request.starts_at, ends_at=request.ends_at):
            raise NotASlot(equipment=item.name, equipment_id=item.pk)
        if item.is_shared and not request.jars:
            raise JarsRequired(equipment=item.name, equipment_id=item.pk)


def _conflict(
    *, equipment: Equipment, starts_at: datetime, ends_at: datetime, jars: int | None, exclude_booking_id=None
) -> SlotTaken | CapacityExceeded | None:
    """The error a new line would meet on `equipment`, or None when it fits. Reads the active lines."""
    lines = BookingLine.objects.filter(equipment=equipment, is_active=True)
    if exclude_booking_id is not None:
        lines = lines.exclude(booking_id=exclude_booking_id)
    if equipment.is_shared:
        used = lines.filter(starts_at__lt=ends_at, ends_at__gt=starts_at).aggregate(total=Sum("jars"))["total"] or 0
        left = max(equipment.capacity - used, 0)
        if (jars or 0) > left:
            return CapacityExceeded(equipment=equipment.name, equipment_id=equipment.pk, capacity_left=left, jars=jars)
        return None
    blocked_until = ends_at + equipment.buffer
    if lines.filter(starts_at__lt=blocked_until, blocked_until__gt=starts_at).exists():
        return SlotTaken(equipment=equipment.name, equipment_id=equipment.pk)
    return None


def check_weekly_quota(
    *, producer_id: int, starts_at: datetime, ends_at: datetime, exclude_booking_id: int | None = None
) -> None:
    """Booked hours of the producer in the ISO week (Europe/Paris) of `starts_at` stay within the quota."""
    quota = Decimal(settings.PROCESSING_WEEKLY_QUOTA_HOURS)
    day = local_date(starts_at)
    monday = day - timedelta(days=day.weekday())
    bookings = Booking.objects.filter(
        producer_id=producer_id,
        status__in=ACTIVE_STATUSES,
        starts_at__gte=day_start(monday),
        starts_at__lt=day_start(monday + timedelta(days=7)),
    )
    if exclude_booking_id is not None:
        bookings = bookings.exclude(pk=exclude_booking_id)
    used = sum((hours_between(s, e) for s, e in bookings.values_list("starts_at", "ends_at")), Decimal("0"))
    requested = hours_between(starts_at, ends_at)
    if used + requested > quota:
        raise WeeklyQuotaExceeded(
            used_hours=format_hours(used), requested_hours=format_hours(requested), quota_hours=format_hours(quota)
        )


# --- Transitions ---------------------------------------------------------------------------------------------------


def _transition(booking: Booking, target: str, *, actor, now: datetime, note: str = "") -> None:
    """Change the status if the model allows it, keep the lines' `is_active` in step, write the event row."""
    if not booking.can_become(target):
        raise InvalidTransition(current=booking.status, target=target)
    previous = booking.status
    booking.status = target
    booking.save(update_fields=["status", "hold_expires_at", "hours_used", "updated_at"])
    active = target in ACTIVE_STATUSES
    if (previous in ACTIVE_STATUSES) != active:
        BookingLine.objects.filter(booking=booking).update(is_active=active)
    BookingEvent.objects.create(
        booking=booking, from_status=previous, to_status=target, actor=actor, at=now, note=note[:255]
    )


def fee_unit_price(*, hourly_rate: Decimal, rate: Decimal) -> Decimal:
    return money(hourly_rate * Decimal(rate))


def is_late_cancellation(*, booking: Booking, now: datetime) -> bool:
    """A requested or confirmed booking cancelled less than FREE_CANCELLATION_HOURS before its start is billed."""
    return booking.status in {
        BookingStatus.REQUESTED,
        BookingStatus.CONFIRMED,
    } and now > cancellation_free_until(booking=booking)


def cancellation_free_until(*, booking: Booking) -> datetime:
    return booking.starts_at - timedelta(hours=int(settings.PROCESSING_FREE_CANCELLATION_HOURS))


def late_cancellation_fee(*, booking: Booking) -> Decimal:
    """What a late cancellation of `booking` bills: the sum of the lines `_bill_fee` writes (reads its lines)."""
    rate = Decimal(settings.PROCESSING_LATE_CANCELLATION_FEE_RATE)
    hours = booking.hours
    return sum(
        (
            money(hours * fee_unit_price(hourly_rate=line.equipment.hourly_rate, rate=rate))
            for line in booking.lines.all()
        ),
        Decimal("0.00"),
    )


def _bill_fee(*, booking: Booking, kind: str, rate: Decimal, now: datetime) -> list[BillingLine]:
    """A fee line per equipment: booked hours × hourly rate × `rate` (late cancellation, no-show)."""
    hours = booking.hours
    with translation.override(settings.LANGUAGE_CODE):
        label = str(BillingKind(kind).label)
        rows = []
        for line in booking.lines.select_related("equipment"):
            unit_price = fee_unit_price(hourly_rate=line.equipment.hourly_rate, rate=rate)
            rows.append(
                BillingLine(
                    booking=booking,
                    producer_id=booking.producer_id,
                    kind=kind,
                    equipment=line.equipment,
                    description=f"{label} – {line.equipment.name} – {local_date(booking.starts_at):%d/%m/%Y}",
                    quantity=hours,
                    unit_price=unit_price,
                    amount=money(hours * unit_price),
                    billed_on=local_date(now),
                )
            )
    return BillingLine.objects.bulk_create(rows)


# --- Services ------------------------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def booking_create(*, producer_id: int, request: BookingRequest, user, waitlist: bool = False) -> Booking:
    """Book equipment for one slot for `producer_id` (status `requested`), or queue on its waiting list.

    Checks, in order: booking window (48 h – 8 weeks), equipment, opening calendar and slot grid, jars for shared
    equipment, overlap with the cleaning buffer (or capacity left), weekly quota. Locks the equipment rows then the
    producer row, so concurrent bookings of one equipment (or by one producer) are serialised and re-checked;
    exactly one of two simultaneous requests for a slot succeeds, the other gets 409 `slot_taken`.
    With `waitlist=True` and the slot taken, the booking is created in status `waiting` (not occupying anything);
    if the slot is free, it is simply booked.
    """
    now = timezone.now()
    check_booking_window(starts_at=request.starts_at, now=now)
    equipment_ids = sorted(set(request.equipment_ids))
    try:
        with transaction.atomic():
            equipment = lock_rows(Equipment.objects.filter(pk__in=equipment_ids, is_active=True))
            if not equipment or len(equipment) != len(equipment_ids):
                raise UnknownEquipment(equipment=[pk for pk in equipment_ids if pk not in {e.pk for e in equipment}])
            lock_rows(Producer.objects.filter(pk=producer_id))
            if request.raw_product_id is not None:
                product = Product.objects.filter(pk=request.raw_product_id).first()
                if product is None or product.producer_id != producer_id:
                    # The id only: the name of another producer's (maybe unpublished) product is not ours to tell.
                    raise ProductNotOfProducer(product=request.raw_product_id)
                if not request.raw_product_name:
                    request = replace(request, raw_product_name=product.name)
            _check_slot(equipment=equipment, request=request)
            conflict = None
            for item in equipment:
                conflict = _conflict(
                    equipment=item, starts_at=request.starts_at, ends_at=request.ends_at, jars=request.jars
                )
                if conflict is not None:
                    break
            if conflict is None:
                check_weekly_quota(producer_id=producer_id, starts_at=request.starts_at, ends_at=request.ends_at)
                status = BookingStatus.REQUESTED
            elif waitlist:
                already = Booking.objects.filter(
                    producer_id=producer_id,
                    status=BookingStatus.WAITING,
                    starts_at=request.starts_at,
                    ends_at=request.ends_at,
                    lines__equipment_id__in=equipment_ids,
                ).exists()
                if already:
                    raise AlreadyWaiting()
                status = BookingStatus.WAITING
            else:
                raise conflict
            return _insert(producer_id=producer_id, request=request, equipment=equipment, status=status, user=user)
    except IntegrityError as exc:
        if NO_OVERLAP_CONSTRAINT in str(exc):
            raise SlotTaken() from exc
        raise


def _insert(*, producer_id: int, request: BookingRequest, equipment: list[Equipment], status: str, user) -> Booking:
    booking = Booking.objects.create(
        producer_id=producer_id,
        starts_at=request.starts_at,
        ends_at=request.ends_at,
        status=status,
        process=request.process,
        raw_product_id=request.raw_product_id,
        raw_product_name=request.raw_product_name,
        raw_quantity_kg=request.raw_quantity_kg,
        expected_output=request.expected_output,
        jars=request.jars,
        organic=request.organic,
        needs_technician=request.needs_technician,
        notes=request.notes,
        created_by=user,
    )
    BookingLine.objects.bulk_create(
        [
            BookingLine(
                booking=booking,
                equipment=item,
                starts_at=request.starts_at,
                ends_at=request.ends_at,
                blocked_until=request.ends_at + (timedelta(0) if item.is_shared else item.buffer),
                is_active=status in ACTIVE_STATUSES,
                exclusive=not item.is_shared,
                jars=request.jars if item.is_shared else None,
            )
            for item in equipment
        ]
    )
    BookingEvent.objects.create(booking=booking, from_status="", to_status=status, actor=user, at=booking.created_at)
    return booking


def booking_confirm(*, booking_id: int, user) -> Booking:
    """Staff confirm a requested booking. Locks the booking; a second call is refused (`invalid_transition`).
    The producer's members are emailed (outbox, after commit)."""
    with transaction.atomic(durable=True):
        booking = lock_one(Booking.objects.all(), pk=booking_id)
        _transition(booking, BookingStatus.CONFIRMED, actor=user, now=timezone.now())
        _notify_status(booking)
    return booking


def _notify_status(booking: Booking) -> None:
    """Enqueue the email that tells the producer's members their booking's new status (once per status)."""
    outbox_enqueue(
        key=f"processing.booking:{booking.pk}:{booking.status}",
        handler="processing.services.notifications.booking_send_status_email",
        payload={"booking_id": booking.pk, "status": booking.status},
    )


def booking_accept_offer(*, booking_id: int, user) -> Booking:
    """The producer takes the slot it was offered from the waiting list: held → requested, before the hold ends."""
    now = timezone.now()
    with transaction.atomic(durable=True):
        booking = lock_one(Booking.objects.all(), pk=booking_id)
        if booking.status == BookingStatus.HELD and booking.hold_expires_at and booking.hold_expires_at <= now:
            raise OfferExpired(expired_at=booking.hold_expires_at.isoformat())
        booking.hold_expires_at = None
        _transition(booking, BookingStatus.REQUESTED, actor=user, now=now, note="offer accepted")
    return booking


def booking_mark_no_show(*, booking_id: int, user) -> Booking:
    """Staff record that a confirmed booking's producer did not come: billed NO_SHOW_FEE_RATE of its hours."""
    now = timezone.now()
    with transaction.atomic(durable=True):
        booking = lock_one(Booking.objects.all(), pk=booking_id)
        if not booking.can_become(BookingStatus.NO_SHOW):
            raise InvalidTransition(current=booking.status, target=BookingStatus.NO_SHOW)
        if now < booking.starts_at:
            raise NoShowBeforeStart()
        _transition(booking, BookingStatus.NO_SHOW, actor=user, now=now)
        _bill_fee(
            booking=booking, kind=BillingKind.NO_SHOW, rate=Decimal(settings.PROCESSING_NO_SHOW_FEE_RATE), now=now
        )
    return booking


def booking_cancel(*, booking_id: int, user) -> Booking:
    """Cancel a booking (or leave the waiting list, or decline an offer).

    Free until FREE_CANCELLATION_HOURS before the start; a later cancellation of a requested or confirmed booking
    adds a `late_cancellation` billing line (LATE_CANCELLATION_FEE_RATE × hours × rate). The freed slot is offered
    to the first producer waiting for it, in the same transaction (its email goes out after commit). The producer's
    members are emailed the cancellation of a requested or confirmed booking.
    Idempotent (README, API conventions): cancelling a cancelled booking changes nothing and returns it as it is
    (no second event, fee or email).
    """
    return _release(booking_id=booking_id, target=BookingStatus.CANCELLED, user=user)


def booking_expire_offer(*, booking_id: int) -> bool:
    """Expire a held offer whose hold has ended and offer the slot to the next producer in line.

    Idempotent: returns False (and changes nothing) unless the booking is still `held` with its hold over.
    """
    return _release(booking_id=booking_id, target=BookingStatus.EXPIRED, user=None, only_if_hold_over=True) is not None


def _release(*, booking_id: int, target: str, user, only_if_hold_over: bool = False) -> Booking | None:
    now = timezone.now()
    with transaction.atomic(durable=True):
        lines = list(
            BookingLine.objects.filter(booking_id=booking_id).values("equipment_id", "starts_at", "blocked_until")
        )
        candidates = _waiting_candidates(booking_id=booking_id, lines=lines)
        equipment_ids = {line["equipment_id"] for line in lines}
        for candidate in candidates:
            equipment_ids.update(line.equipment_id for line in candidate.lines.all())
        lock_rows(Equipment.objects.filter(pk__in=equipment_ids))
        locked = {b.pk: b for b in lock_rows(Booking.objects.filter(pk__in=[booking_id, *[c.pk for c in candidates]]))}
        booking = locked.get(booking_id)
        if booking is None:
            raise Booking.DoesNotExist
        if target == BookingStatus.CANCELLED and booking.status == BookingStatus.CANCELLED:
            return booking
        if only_if_hold_over and not (
            booking.status == BookingStatus.HELD and booking.hold_expires_at and booking.hold_expires_at <= now
        ):
            return None
        was_active = booking.status in ACTIVE_STATUSES
        previous_status = booking.status
        late = is_late_cancellation(booking=booking, now=now)
        booking.hold_expires_at = None
        _transition(booking, target, actor=user, now=now, note="late cancellation" if late else "")
        if late and target == BookingStatus.CANCELLED:
            rate = Decimal(settings.PROCESSING_LATE_CANCELLATION_FEE_RATE)
            _bill_fee(booking=booking, kind=BillingKind.LATE_CANCELLATION, rate=rate, now=now)
        if target == BookingStatus.CANCELLED and previous_status in {BookingStatus.REQUESTED, BookingStatus.CONFIRMED}:
            _notify_status(booking)
        if was_active:
            # Re-read under the lock: the candidates were selected (with their lines) before it.
            for candidate in candidates:
                fresh = locked[candidate.pk]
                candidate.status, candidate.hold_expires_at, candidate.hours_used = (
                    fresh.status,
                    fresh.hold_expires_at,
                    fresh.hours_used,
                )
            _offer(candidates=[c for c in candidates if c.status == BookingStatus.WAITING], now=now)
    return booking


def _waiting_candidates(*, booking_id: int, lines: list[dict]) -> list[Booking]:
    """Waiting bookings that want some of the freed equipment around the freed time, first come first served."""
    if not lines:
        return []
    start = min(line["starts_at"] for line in lines)
    end = max(line["blocked_until"] for line in lines)
    return list(
        Booking.objects.filter(
            status=BookingStatus.WAITING,
            lines__equipment_id__in=[line["equipment_id"] for line in lines],
            lines__starts_at__lt=end,
            lines__blocked_until__gt=start,
        )
        .exclude(pk=booking_id)
        .distinct()
        .order_by("created_at", "id")
        .prefetch_related("lines__equipment")
    )


def _offer(*, candidates: list[Booking], now: datetime) -> list[Booking]:
    """Hold the freed slot for the first waiting booking that now fits (free, in the window, within quota)."""
    if not candidates:
        return []
    lock_rows(Producer.objects.filter(pk__in={c.producer_id for c in candidates}))
    min_notice = timedelta(hours=int(settings.PROCESSING_MIN_NOTICE_HOURS))
    hold_hours = float(settings.PROCESSING_OFFER_HOLD_HOURS)
    offered = []
    for candidate in candidates:
        if candidate.starts_at < now + min_notice:
            continue
        if any(
            _conflict(
                equipment=line.equipment,
                starts_at=line.starts_at,
                ends_at=line.ends_at,
                jars=line.jars,
                exclude_booking_id=candidate.pk,
            )
            for line in candidate.lines.all()
        ):
            continue
        try:
            check_weekly_quota(
                producer_id=candidate.producer_id, starts_at=candidate.starts_at, ends_at=candidate.ends_at
            )
        except WeeklyQuotaExceeded:
            continue
        # Counted in working hours (an offer made at 23:51 must not expire at 03:51), and never past the slot.
        candidate.hold_expires_at = min(working_deadline(start=now, hours=hold_hours), candidate.starts_at)
        _transition(candidate, BookingStatus.HELD, actor=None, now=now, note=_("slot freed: offered"))
        outbox_enqueue(
            key=f"processing.offer:{candidate.pk}:{candidate.hold_expires_at.isoformat()}",
            handler="processing.services.notifications.booking_send_offer_email",
            payload={"booking_id": candidate.pk},
        )
        # No delayed task for the end of the hold (an ETA past the broker's visibility timeout is redelivered every
        # timeout, ecopole/core/countdown.py): the periodic `processing.expire_offers` sweep expires it.
        offered.append(candidate)
    return offered


def offers_expire_due(*, limit: int = 100) -> int:
    """Expire the held offers whose hold has ended (each in its own transaction) and the waiting bookings too close
    to start to be offered any more. Bounded batch; idempotent."""
    now = timezone.now()
    due = list(
        Booking.objects.filter(status=BookingStatus.HELD, hold_expires_at__lte=now)
        .order_by("hold_expires_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    count = sum(1 for pk in due if booking_expire_offer(booking_id=pk))
    stale = Booking.objects.filter(
        status=BookingStatus.WAITING, starts_at__lt=now + timedelta(hours=int(settings.PROCESSING_MIN_NOTICE_HOURS))
    ).values_list("pk", flat=True)[:limit]
    for pk in list(stale):
        with transaction.atomic(durable=True):
            booking = lock_one(Booking.objects.all(), pk=pk)
            if booking.status == BookingStatus.WAITING:
                _transition(booking, BookingStatus.EXPIRED, actor=None, now=now, note="too close to start")
                count += 1
    return count
