"""Refill requests: the periodic check of fill levels and ages, and the requests the delivery rounds pick up."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from catalogue.models import StockLevel, Unit
from ecopole.core.emails import email_send
from ecopole.core.exceptions import InvalidTransition
from ecopole.core.locking import lock_one
from ecopole.core.outbox import outbox_enqueue

from ..models import (
    Compartment,
    LockerReservation,
    Machine,
    RefillReason,
    RefillRequest,
    RefillRequestEvent,
    RefillRequestLine,
    RefillRequestStatus,
)


def _unit_weight_kg() -> Decimal:
    """Weight assumed for one unit of a product not sold by the kilogram (for the round's load)."""
    return Decimal(str(settings.VENDING_UNIT_WEIGHT_KG))


def _load_kg(product, quantity: Decimal) -> Decimal:
    if product is None or quantity <= 0:
        return Decimal("0")
    weight = quantity if product.unit == Unit.KG else quantity * _unit_weight_kg()
    return weight


def _lines_for(machine: Machine, now: dt.datetime, available: dict[int, Decimal]) -> list[RefillRequestLine]:
    """What this machine needs now. `available` (main stock per product) is consumed as lines are planned."""
    stale_before = now - dt.timedelta(days=machine.freshness_days)
    lines = []
    for compartment in machine.compartments.all():
        if not compartment.is_active or compartment.product_id is None or compartment.has_reservation:
            continue
        stale = compartment.quantity > 0 and (
            compartment.recall_flagged_at is not None
            or (compartment.filled_at is not None and compartment.filled_at < stale_before)
        )
        low = compartment.quantity <= compartment.low_threshold
        if not (stale or low):
            continue
        remove = compartment.quantity if stale else Decimal("0")
        wanted = compartment.capacity - (compartment.quantity - remove)
        suggested = max(Decimal("0"), min(wanted, available.get(compartment.product_id, Decimal("0"))))
        available[compartment.product_id] = available.get(compartment.product_id, Decimal("0")) - suggested
        lines.append(
            RefillRequestLine(
                compartment=compartment,
                product=compartment.product,
                reason=RefillReason.STALE if stale else RefillReason.LOW,
                current_quantity=compartment.quantity,
                remove_quantity=remove,
                suggested_quantity=suggested,
            )
        )
    return lines


def refill_requests_generate(*, now: dt.datetime | None = None, batch_size: int = 200) -> list[RefillRequest]:
    """Check every active machine; create today's refill request for those that need one, and email staff.

    Idempotent per machine per day: the unique (machine, date) constraint makes a second run (or two beat runs at
    once) create nothing; the first request of the day stands. The email goes through the transactional outbox. Suggested quantities fill each compartment to its
    capacity (after removing stale produce), capped by the main stock still unplanned. Returns the requests created.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    compartments = Compartment.objects.select_related("product").annotate(
        has_reservation=Exists(LockerReservation.objects.filter(compartment=OuterRef("pk"), is_active=True))
    )
    machines = (
        Machine.objects.filter(is_active=True)
        .exclude(refill_requests__date=today)
        .prefetch_related(Prefetch("compartments", queryset=compartments))
        .order_by("pk")[:batch_size]
    )
    available = {
        pid: quantity
        for pid, quantity in StockLevel.objects.filter(
            product__vending_compartments__machine__is_active=True
        ).values_list("product_id", "quantity")
    }
    created = []
    for machine in machines:
        lines = _lines_for(machine, now, available)
        if not lines:
            continue
        load = sum((_load_kg(line.product, line.suggested_quantity) for line in lines), Decimal("0"))
        try:
            with transaction.atomic():
                request = RefillRequest.objects.create(
                    machine=machine, date=today, load_kg=load.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                )
                for line in lines:
                    line.refill_request = request
                RefillRequestLine.objects.bulk_create(lines)
                RefillRequestEvent.objects.create(refill_request=request, to_status=RefillRequestStatus.OPEN)
                outbox_enqueue(
                    key=f"vending_refill_request_email:{request.pk}",
                    handler="vending.services.refill_requests.refill_request_notify",
                    payload={"refill_request_id": request.pk},
                )
        except IntegrityError:
            continue  # another run created today's request first
        created.append(request)
    return created


def refill_request_notify(*, refill_request_id: int) -> bool:
    """Email the refill request to staff (the outbox handler), then mark it emailed. At least once: `emailed_at` is
    set only after the mail backend accepted the email, outside any transaction; a failure or a dying worker leaves
    it unmarked and the outbox sends it again (same Message-ID). Returns True if it sent."""
    request = RefillRequest.objects.select_related("machine").filter(pk=refill_request_id, emailed_at=None).first()
    if request is None:
        return False
    lines = request.lines.select_related("compartment", "product").order_by(
        "compartment__position", "compartment__code"
    )
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Refill needed: {machine} ({date})").format(machine=request.machine.name, date=request.date)
        body_lines = [
            _("The vending machine {machine} ({place}, {commune}) needs a refill.").format(
                machine=request.machine.name, place=request.machine.place, commune=request.machine.commune
            ),
            "",
        ]
        for line in lines:
            product = line.product.name if line.product else "—"
            text = _("{compartment}: {product}, {current} inside, add {suggested}").format(
                compartment=line.compartment.code,
                product=product,
                current=line.current_quantity.normalize(),
                suggested=line.suggested_quantity.normalize(),
            )
            if line.remove_quantity:
                text += _(" (remove {quantity} past the freshness limit first)").format(
                    quantity=line.remove_quantity.normalize()
                )
            body_lines.append("- " + text)
        body_lines += ["", _("Estimated load: {load} kg.").format(load=request.load_kg)]
    email_send(EmailMessage(subject, "\n".join(body_lines), None, [settings.STAFF_NOTIFICATION_EMAIL]))
    RefillRequest.objects.filter(pk=refill_request_id, emailed_at=None).update(emailed_at=timezone.now())
    return True


def refill_request_transition(
    *, refill_request: RefillRequest, target: str, user=None, note: str = ""
) -> RefillRequest:
    """Move a refill request along open → planned → done (or cancelled), writing an event; refuses an illegal move
    with `invalid_transition` (409). Moving to the status it already has is a no-op (safe to repeat)."""
    with transaction.atomic():
        locked = lock_one(RefillRequest.objects.all(), pk=refill_request.pk)
        if locked.status == target:
            return locked
        if not locked.can_become(target):
            raise InvalidTransition(current=locked.status, target=target)
        RefillRequestEvent.objects.create(
            refill_request=locked, from_status=locked.status, to_status=target, user=user, note=note[:255]
        )
        locked.status = target
        locked.save(update_fields=["status"])
    refill_request.status = locked.status
    return locked
