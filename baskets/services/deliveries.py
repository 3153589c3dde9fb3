"""Writes of the cabas bio's basket deliveries: staff record the pickup, a round reports a failed hand-over.

`delivery_status_set` runs in its own durable transaction; `basket_delivery_failed` is a step of the round's
transaction (deliveries calls it while it marks the stop failed), so it opens a savepoint only.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ecopole.core.audit import audit_record
from ecopole.core.exceptions import NotFound
from ecopole.core.locking import lock_rows
from ecopole.core.models import OutboxMessage
from ecopole.core.outbox import outbox_enqueue

from ..models import (
    BasketDelivery,
)

# --- Pickup ---------------------------------------------------------------------------------------------------


def delivery_status_set(*, delivery_id: int, status: str, actor) -> BasketDelivery:
    """Mark a basket collected, not collected, or back to collect (a correction). Locked, audited; setting the same
    status again changes nothing."""
    with transaction.atomic(durable=True):
        rows = lock_rows(BasketDelivery.objects.filter(pk=delivery_id))
        if not rows:
            raise NotFound()
        delivery = rows[0]
        if delivery.status == status:
            return delivery
        before = delivery.status
        delivery.status, delivery.status_changed_at, delivery.status_changed_by = status, timezone.now(), actor
        delivery.save(update_fields=["status", "status_changed_at", "status_changed_by"])
        audit_record(actor=actor, action="basket_delivery.status", obj=delivery, changes={"from": before, "to": status})
    return delivery


def _round_status_set(delivery: BasketDelivery, status: str) -> bool:
    """Record the round's outcome on a locked basket; False when it already had it (a repeated call)."""
    if delivery.round_status == status:
        return False
    delivery.round_status, delivery.round_status_at = status, timezone.now()
    delivery.save(update_fields=["round_status", "round_status_at"])
    return True


def basket_delivery_round_outcome(*, delivery_id: int, stop_id: int, status: str, actor) -> BasketDelivery | None:
    """The round that carried the basket delivered it (stop `stop_id`): `round_status` becomes `delivered`, audited.
    The basket stays `to_collect` (at a pickup point the subscriber still collects it; staff record the hand-over
    as before). A step of the round's transaction (a savepoint). Idempotent; an unknown basket is a no-op (None)."""
    with transaction.atomic():
        found = lock_rows(BasketDelivery.objects.filter(pk=delivery_id))
        if not found:
            return None
        delivery = found[0]
        previous = delivery.round_status
        if _round_status_set(delivery, status):
            audit_record(
                actor=actor,
                action=f"basket_delivery.{status}",
                obj=delivery,
                changes={"stop": stop_id, "round_status": [previous, status]},
            )
        return delivery


def basket_delivery_failed(*, delivery_id: int, stop_id: int, reason: str, note: str = "", actor) -> None:
    """A round could not hand the basket over (stop `stop_id`, `reason` a `deliveries.FailureReason`): audited, and
    the subscriber emailed what happens next (outbox, key per basket and stop: twice writes and sends once). Its
    `round_status` becomes `failed`; it stays `to_collect` until staff decide."""
    with transaction.atomic():
        found = lock_rows(BasketDelivery.objects.filter(pk=delivery_id))
        key = f"basket_delivery_failed:{delivery_id}:{stop_id}"
        if not found or OutboxMessage.objects.filter(key=key).exists():
            return
        delivery = found[0]
        _round_status_set(delivery, "failed")
        outbox_enqueue(
            key=key,
            handler="baskets.emails.basket_delivery_failed_send",
            payload={"delivery_id": delivery.pk, "reason": reason},
            new_key=True,
        )
        audit_record(
            actor=actor,
            action="basket_delivery.failed",
            obj=delivery,
            changes={"stop": stop_id, "reason": reason, "note": note[:255]},
        )
