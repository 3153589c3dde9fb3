"""Click and collect at the machine: a grocery order waits in a locker; a one-time code opens it once.

The orders app (`orders.services.locker`) calls `locker_reservation_create(...)` when staff load an order into a
locker, and emails the code. It is told of what happens at the machine through two signals declared in
`vending.signals`, which it connects in `OrdersConfig.ready()`, so that this app never imports the orders app:

- `locker_collected`: sent when the locker opened, INSIDE the unlock transaction (the opening and the order's
  fulfilment commit together).
- `locker_expired`: sent when a reservation expired, inside the expiry transaction (the orders app flags the order).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ecopole.core.audit import audit_record
from ecopole.core.emails import email_send
from ecopole.core.locking import lock_one, lock_rows
from ecopole.core.outbox import outbox_enqueue

from ..errors import (
    CodeExpired,
    CompartmentNotEmpty,
    CompartmentReserved,
    LockerLockedOut,
    NoReservation,
    NotALocker,
    WrongCode,
)
from ..models import Compartment, CompartmentKind, LockerReservation, Machine
from ..signals import locker_collected, locker_expired


def unlock_max_tries() -> int:
    return int(settings.VENDING_UNLOCK_MAX_TRIES)


def _valid_until(pickup_date: dt.date) -> dt.datetime:
    """The end of the day after the pickup date, Europe/Paris."""
    day_after_next = pickup_date + dt.timedelta(days=2)
    return timezone.make_aware(dt.datetime.combine(day_after_next, dt.time.min))


@dataclass(frozen=True)
class CreatedReservation:
    reservation: LockerReservation
    code: str  # in clear: returned once, for the email; never stored


def locker_reservation_create(*, compartment: Compartment, order_id: int, pickup_date: dt.date) -> CreatedReservation:
    """Reserve an empty locker for an order and return its 6-digit code in clear (the only time it exists).

    Only the hash is stored (Django's password hashers, per-row salt). Refused if the compartment is not a locker,
    not empty, or already holds an order (the partial unique constraint backs this under concurrency). Joins the
    caller's transaction, so the orders app can mark its order "in locker" atomically with it.
    """
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        locked = lock_one(Compartment.objects.all(), pk=compartment.pk)
        if locked.kind != CompartmentKind.LOCKER:
            raise NotALocker(compartment=locked.code)
        if locked.quantity > 0:
            raise CompartmentNotEmpty(compartment=locked.code)
        if LockerReservation.objects.filter(compartment=locked, is_active=True).exists():
            raise CompartmentReserved(compartment=locked.code)
        reservation = LockerReservation.objects.create(
            compartment=locked,
            order_id=order_id,
            code_hash=make_password(code),
            pickup_date=pickup_date,
            valid_until=_valid_until(pickup_date),
        )
    return CreatedReservation(reservation, code)


def locker_code_renew(*, reservation_id: int) -> CreatedReservation:
    """A new code for an order still waiting in its locker (the customer lost the email, or was locked out and staff
    checked who they are): the new hash replaces the old one, the wrong-code count and the lock-out are cleared, the
    validity is unchanged. Only the active reservation can be renewed (`NoReservation` otherwise). Joins the
    caller's transaction; the old code stops working when it commits."""
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        rows = lock_rows(
            LockerReservation.objects.select_related("compartment").filter(pk=reservation_id, is_active=True),
            of=("self",),
        )
        if not rows:
            raise NoReservation(compartment="")
        locked = rows[0]
        locked.code_hash, locked.failed_attempts, locked.locked_out = make_password(code), 0, False
        locked.save(update_fields=["code_hash", "failed_attempts", "locked_out"])
    return CreatedReservation(locked, code)


def locker_unlock(*, machine: Machine, compartment_code: str, code: str) -> LockerReservation:
    """Open a locker with its code: once. Wrong codes count per locker; at the limit the locker is locked out.

    The hash is checked before the row lock (it is slow on purpose and never changes); under the lock the state is
    re-read: a second request with the right code finds the reservation already used (404 `no_reservation`), a
    guess after the lock-out gets `locker_locked_out` (423) even with the right code. The failure counter is
    incremented with F() and committed before the error is returned. On success the orders hook runs in the same
    transaction.
    """
    reservation = (
        LockerReservation.objects.filter(
            compartment__machine=machine, compartment__code=compartment_code, is_active=True
        )
        .select_related("compartment")
        .first()
    )
    if reservation is None:
        raise NoReservation(compartment=compartment_code)
    matches = check_password(code, reservation.code_hash)
    now = timezone.now()
    outcome: Exception | None = None
    with transaction.atomic(durable=True):
        (locked,) = lock_rows(
            LockerReservation.objects.select_related("compartment").filter(pk=reservation.pk), of=("self",)
        )
        if not locked.is_active:
            outcome = NoReservation(compartment=compartment_code)
        elif locked.locked_out:
            outcome = LockerLockedOut()
        elif now >= locked.valid_until:
            outcome = CodeExpired()
        elif not matches:
            tries = locked.failed_attempts + 1
            LockerReservation.objects.filter(pk=locked.pk).update(
                failed_attempts=F("failed_attempts") + 1, locked_out=tries >= unlock_max_tries()
            )
            remaining = max(0, unlock_max_tries() - tries)
            outcome = LockerLockedOut() if remaining == 0 else WrongCode(remaining_tries=remaining)
        else:
            LockerReservation.objects.filter(pk=locked.pk).update(opened_at=now, is_active=False)
            locked.opened_at, locked.is_active = now, False
            locker_collected.send(sender=LockerReservation, order_id=locked.order_id, reservation=locked)
    if outcome is not None:
        raise outcome
    return locked


def locker_reservation_cancel(*, reservation: LockerReservation, user=None) -> LockerReservation:
    """Staff free a locker (order taken back, or a locked-out customer served in person). Idempotent; audited."""
    with transaction.atomic():
        locked = lock_one(LockerReservation.objects.all(), pk=reservation.pk)
        if locked.is_active:
            locked.is_active = False
            locked.save(update_fields=["is_active"])
            audit_record(actor=user, action="vending.locker_reservation_cancel", obj=locked)
    return locked


def locker_reservations_release(*, order_id: int, user=None) -> int:
    """Free the locker(s) an order waits in, because staff handed it over or cancelled it (in the caller's
    transaction). Each active reservation is locked, freed and audited like `locker_reservation_cancel`; none is a
    no-op. Returns how many were freed."""
    with transaction.atomic():
        freed = lock_rows(LockerReservation.objects.filter(order_id=order_id, is_active=True), of=("self",))
        for reservation in freed:
            LockerReservation.objects.filter(pk=reservation.pk).update(is_active=False)
            audit_record(actor=user, action="vending.locker_reservation_cancel", obj=reservation)
    return len(freed)


def locker_reservations_expire(*, now: dt.datetime | None = None, batch_size: int = 200) -> list[int]:
    """Free the lockers of orders not collected in time, flag them to staff and to the orders hook.

    Bounded batch, selected by status; each reservation is re-checked under its lock, so two runs never expire one
    twice. One staff email per order, through the transactional outbox. Returns the ids expired by this run.
    """
    now = now or timezone.now()
    candidates = list(
        LockerReservation.objects.filter(is_active=True, valid_until__lte=now)
        .order_by("pk")
        .values_list("pk", flat=True)[:batch_size]
    )
    if not candidates:
        return []
    expired = []
    with transaction.atomic():
        for reservation in lock_rows(
            LockerReservation.objects.filter(pk__in=candidates, is_active=True).select_related("compartment__machine"),
            of=("self",),
        ):
            LockerReservation.objects.filter(pk=reservation.pk).update(is_active=False, expired_at=now)
            locker_expired.send(sender=LockerReservation, order_id=reservation.order_id, reservation=reservation)
            expired.append(reservation)
            outbox_enqueue(
                key=f"vending_locker_expired_email:{reservation.pk}",
                handler="vending.services.click_collect.locker_reservation_expired_notify",
                payload={"reservation_id": reservation.pk},
            )
    return [r.pk for r in expired]


def locker_reservation_expired_notify(*, reservation_id: int) -> None:
    """Outbox handler: tell staff an order was not collected and its locker is free again."""
    reservation = LockerReservation.objects.select_related("compartment__machine").get(pk=reservation_id)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Order {order} not collected from the vending machine").format(order=reservation.order_id)
        body = _(
            "Order {order}, waiting in locker {compartment} of {machine} since {pickup_date}, was not collected in "
            "time. The locker is free again; the order is to be dealt with."
        ).format(
            order=reservation.order_id,
            compartment=reservation.compartment.code,
            machine=reservation.compartment.machine.name,
            pickup_date=reservation.pickup_date,
        )
    email_send(EmailMessage(subject, body, None, [settings.STAFF_NOTIFICATION_EMAIL]))
