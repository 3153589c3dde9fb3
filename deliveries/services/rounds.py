"""Running a round: start, record each stop as delivered or failed, finish; staff reorder stops, lock a round,
assign its driver and decide what happens to a failed home delivery.

Every service is one transaction that locks the round (and the stop) with `lock_rows`, re-reads and re-checks
under the lock, writes a `RoundEvent` and an audit record for each change, and is a no-op when asked for the state
the object already has (a retried request changes nothing). What a stop carried (grocery orders, baskets, refill
requests) changes only through its source (`deliveries.ports`): each registered source gets the stop's outcome in
the stop's transaction; this module imports none of them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import formats, timezone

from ecopole.core.audit import audit_record
from ecopole.core.exceptions import NotFound
from ecopole.core.locking import lock_one
from ecopole.core.permissions import DRIVER

from ..errors import (
    AlreadyResolved,
    DriverInvalid,
    FailedStopNotHome,
    InvalidTransition,
    NotAFailedStop,
    RoundLocked,
    RoundNotDue,
    RoundNotStarted,
    StopsPending,
)
from ..models import (
    FailedResolution,
    PickupPoint,
    Round,
    RoundEvent,
    RoundEventKind,
    RoundStatus,
    Stop,
    StopKind,
    StopStatus,
)
from ..ports import StopOutcome, handover_refs, stop_sources
from ..proofs import DeliveryProof


def _lock_round(round_id: int) -> Round:
    try:
        return lock_one(Round.objects.select_related("vehicle"), pk=round_id)
    except Round.DoesNotExist:
        raise NotFound() from None


def _lock_stop(round_: Round, stop_id: int) -> Stop:
    try:
        return lock_one(Stop.objects.filter(round=round_), pk=stop_id)
    except Stop.DoesNotExist:
        raise NotFound() from None


def _event(round_: Round, kind: str, to_value: str, actor, *, from_value: str = "", stop=None, note: str = ""):
    RoundEvent.objects.create(
        round=round_,
        stop=stop,
        kind=kind,
        from_value=from_value,
        to_value=to_value,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        note=note[:255],
    )


def _invalid(current_label: str, target_label: str, current: str, target: str) -> InvalidTransition:
    return InvalidTransition(current=current, target=target, current_label=current_label, target_label=target_label)


def _round_transition(*, round_id: int, target: str, actor) -> Round:
    with transaction.atomic(durable=True):
        round_ = _lock_round(round_id)
        if round_.status == target:
            return round_
        if not round_.can_become(target):
            raise _invalid(RoundStatus(round_.status).label, RoundStatus(target).label, round_.status, target)
        if target == RoundStatus.STARTED and timezone.localdate() < round_.date:
            raise RoundNotDue(date=formats.date_format(round_.date, "d/m/Y"))
        if target == RoundStatus.FINISHED:
            pending = round_.stops.filter(status=StopStatus.PENDING).count()
            if pending:
                raise StopsPending(pending=pending)
        previous = round_.status
        round_.status = target
        now = timezone.now()
        if target == RoundStatus.STARTED:
            round_.started_at = now
        else:
            round_.finished_at = now
        round_.save(update_fields=["status", "started_at", "finished_at", "updated_at"])
        _event(round_, RoundEventKind.STATUS, target, actor, from_value=previous)
        audit_record(actor=actor, action=f"round.{target}", obj=round_, changes={"status": [previous, target]})
        return round_


def round_start(*, round_id: int, actor) -> Round:
    """planned → started (the driver leaves the depot), on the round's date or later (`round_not_due`, 409, before:
    Europe/Paris). Idempotent; re-planning never touches it afterwards."""
    return _round_transition(round_id=round_id, target=RoundStatus.STARTED, actor=actor)


def round_finish(*, round_id: int, actor) -> Round:
    """started → finished, once every stop is delivered or failed (`stops_pending`, 409, otherwise). Idempotent."""
    return _round_transition(round_id=round_id, target=RoundStatus.FINISHED, actor=actor)


# --- Stops --------------------------------------------------------------------------------------------------------


def _outcomes(*, round_: Round, stop: Stop, actor, reason: str = "", note: str = ""):
    """Each registered source with the outcome of its things on the stop (what its hand-over list names)."""
    for source in stop_sources():
        yield (
            source,
            StopOutcome(
                stop_id=stop.pk,
                round_id=round_.pk,
                day=round_.date,
                kind=stop.kind,
                status=stop.status,
                refs=handover_refs(stop.handover, source.name),
                reason=reason,
                note=note,
                actor=actor,
            ),
        )


def _stop_change(*, round_id: int, stop_id: int, actor) -> tuple[Round, Stop]:
    round_ = _lock_round(round_id)
    stop = _lock_stop(round_, stop_id)
    return round_, stop


def stop_deliver(*, round_id: int, stop_id: int, actor, proof: DeliveryProof | None = None) -> Stop:
    """pending → delivered on a started round; each source of the stop is told (`StopSource.delivered`): grocery
    orders are fulfilled (or ready at a pickup point), baskets marked delivered, refill requests done. Delivering a
    delivered stop is a no-op (a tap repeated because the network dropped: its proof is not stored again, the
    first one stays); a failed one is `invalid_transition` (409).

    `proof` (checked beforehand by `proofs.proof_prepare`) is stored with the stop: who received it, the photo
    (JPEG) and the signature (PNG) in the private proof storage, under random names."""
    with transaction.atomic(durable=True):
        round_, stop = _stop_change(round_id=round_id, stop_id=stop_id, actor=actor)
        if stop.status == StopStatus.DELIVERED:
            return stop
        if round_.status != RoundStatus.STARTED:
            raise RoundNotStarted()
        if not stop.can_become(StopStatus.DELIVERED):
            raise _invalid(StopStatus(stop.status).label, StopStatus.DELIVERED.label, stop.status, "delivered")
        stop.status, stop.completed_at = StopStatus.DELIVERED, timezone.now()
        fields = ["status", "completed_at"]
        if proof is not None:
            _proof_store(stop, proof)
            fields += ["received_by", "proof_photo", "proof_signature"]
        stop.save(update_fields=fields)
        carried = {}
        for source, outcome in _outcomes(round_=round_, stop=stop, actor=actor):
            source.delivered(outcome)
            if outcome.refs:
                carried[source.name] = list(outcome.refs)
        _event(
            round_, RoundEventKind.STOP_STATUS, StopStatus.DELIVERED, actor, from_value=StopStatus.PENDING, stop=stop
        )
        audit_record(
            actor=actor,
            action="round.stop_delivered",
            obj=round_,
            changes={
                "stop": stop.pk,
                "status": ["pending", "delivered"],
                "carried": carried,
                "proof": {
                    "received_by": stop.received_by,
                    "photo": bool(stop.proof_photo),
                    "signature": bool(stop.proof_signature),
                },
            },
        )
        return stop


def _proof_store(stop: Stop, proof: DeliveryProof) -> None:
    """Writes the proof's files (random names) and sets the stop's fields; the caller saves the stop. A file written
    by a transaction that then rolls back stays on disk, unreferenced (never served: no stop names it)."""
    stop.received_by = proof.received_by
    if proof.photo:
        stop.proof_photo.save("photo.jpg", ContentFile(proof.photo), save=False)
    if proof.signature:
        stop.proof_signature.save("signature.png", ContentFile(proof.signature), save=False)


def stop_fail(*, round_id: int, stop_id: int, reason: str, note: str = "", actor) -> Stop:
    """pending → failed with a reason on a started round. Each source of the stop is told (`StopSource.failed`, in
    this transaction): grocery orders stay where they are until a manager decides (`failed_stop_resolve`), but each
    gets a `delivery_failed` event and its customer an email saying what happens next; baskets are marked failed
    and their subscribers emailed; refill requests go back to open. Failing a failed stop again is a no-op; a
    delivered one is `invalid_transition`."""

    with transaction.atomic(durable=True):
        round_, stop = _stop_change(round_id=round_id, stop_id=stop_id, actor=actor)
        if stop.status == StopStatus.FAILED:
            return stop
        if round_.status != RoundStatus.STARTED:
            raise RoundNotStarted()
        if not stop.can_become(StopStatus.FAILED):
            raise _invalid(StopStatus(stop.status).label, StopStatus.FAILED.label, stop.status, "failed")
        stop.status, stop.completed_at = StopStatus.FAILED, timezone.now()
        stop.failure_reason, stop.failure_note = reason, note[:255]
        stop.save(update_fields=["status", "completed_at", "failure_reason", "failure_note"])
        for source, outcome in _outcomes(round_=round_, stop=stop, actor=actor, reason=reason, note=note):
            source.failed(outcome)
        _event(
            round_,
            RoundEventKind.STOP_STATUS,
            StopStatus.FAILED,
            actor,
            from_value=StopStatus.PENDING,
            stop=stop,
            note=f"{reason}: {note}" if note else reason,
        )
        audit_record(
            actor=actor,
            action="round.stop_failed",
            obj=round_,
            changes={"stop": stop.pk, "status": ["pending", "failed"], "reason": reason, "note": note},
        )
        return stop


FAILED_HOME_FEE_RULES = ("refund", "keep")


def failed_home_fee_rule() -> str:
    """What happens to the delivery fee of a failed home delivery moved to a pickup point (`DELIVERIES_FAILED_HOME_FEE`):
    "refund" or "keep"."""
    rule = str(settings.DELIVERIES_FAILED_HOME_FEE).strip().lower()
    if rule not in FAILED_HOME_FEE_RULES:
        raise ImproperlyConfigured(f"DELIVERIES_FAILED_HOME_FEE must be one of {FAILED_HOME_FEE_RULES}, not {rule!r}")
    return rule


def failed_stop_resolve(*, round_id: int, stop_id: int, action: str, pickup_point_id: int | None = None, actor):
    """A manager decides what happens to a failed home delivery: deliver it again on the zone's next delivery day
    after the round's date, or move it to a pickup point (delivered there on the point's next delivery day), where
    the next planning picks it up. Decided once (`already_resolved`, 409, for a second, different decision; the
    same decision again is a no-op). Each source of the stop carries the decision out (`StopSource.failed_resolve`:
    the grocery orders are locked and rescheduled, back to `preparing` if they were out for delivery, event and
    audit on the order, the customer emailed; `resolution_not_allowed`, 409, when no delivery day comes within four
    weeks); the round's decision is audited. Moved to a pickup point, the home-delivery fee follows `DELIVERIES_FAILED_HOME_FEE`:
    "refund" (the default: the order's fee becomes 0) or "keep" (the trip was made); the email says which.
    """
    with transaction.atomic(durable=True):
        round_, stop = _stop_change(round_id=round_id, stop_id=stop_id, actor=actor)
        if stop.status != StopStatus.FAILED:
            raise NotAFailedStop()
        if stop.kind != StopKind.HOME:
            raise FailedStopNotHome()
        if stop.resolution:
            if stop.resolution == action:
                return stop
            raise AlreadyResolved(resolution=stop.resolution)
        point = None
        if action == FailedResolution.PICKUP_POINT:
            point = PickupPoint.objects.filter(pk=pickup_point_id, is_active=True).first()
            if point is None:
                raise NotFound(pickup_point=pickup_point_id)
        refund_fee = action == FailedResolution.PICKUP_POINT and failed_home_fee_rule() == "refund"
        note = f"round {round_.pk}, failed stop {stop.pk}"
        for source, outcome in _outcomes(round_=round_, stop=stop, actor=actor, note=note):
            resolve = getattr(source, "failed_resolve", None)  # optional hook (`BaseStopSource`)
            if resolve is not None:
                resolve(outcome, action=action, pickup_point=point, refund_fee=refund_fee)
        stop.resolution = action
        stop.save(update_fields=["resolution"])
        _event(round_, RoundEventKind.RESOLVED, action, actor, stop=stop, note=point.name if point else "")
        audit_record(
            actor=actor, action="round.failed_resolved", obj=round_, changes={"stop": stop.pk, "action": action}
        )
        return stop


# --- Staff edits (the hand moves and the reorder of stops are in services/moves.py, on one feasibility rule) -------


def round_lock_set(*, round_id: int, locked: bool, actor) -> Round:
    """Lock (re-planning leaves the round alone) or unlock a round. Setting the current value is a no-op."""
    with transaction.atomic(durable=True):
        round_ = _lock_round(round_id)
        if round_.is_locked == locked:
            return round_
        round_.is_locked = locked
        round_.save(update_fields=["is_locked", "updated_at"])
        _event(round_, RoundEventKind.LOCKED, str(locked).lower(), actor, from_value=str(not locked).lower())
        audit_record(actor=actor, action="round.lock", obj=round_, changes={"is_locked": [not locked, locked]})
        return round_


def round_driver_assign(*, round_id: int, driver_id: int | None, actor) -> Round:
    """Give the round to an active member of the `driver` group (or to nobody). Same driver again: no-op."""
    from accounts.models import User

    with transaction.atomic(durable=True):
        round_ = _lock_round(round_id)
        if round_.status == RoundStatus.FINISHED:
            raise RoundLocked()
        driver = None
        if driver_id is not None:
            driver = User.objects.filter(pk=driver_id, is_active=True).first()
            if driver is None or DRIVER not in driver.group_names:
                raise DriverInvalid(driver=driver_id)
        if round_.driver_id == (driver.pk if driver else None):
            return round_
        previous = round_.driver_id
        round_.driver = driver
        round_.save(update_fields=["driver", "updated_at"])
        _event(round_, RoundEventKind.DRIVER, str(driver_id or ""), actor, from_value=str(previous or ""))
        audit_record(actor=actor, action="round.driver", obj=round_, changes={"driver": [previous, driver_id]})
        return round_
