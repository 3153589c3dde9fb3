"""The transactional outbox: enqueue side effects with the data that causes them, deliver them after commit.

Usage, inside the service's transaction:

    outbox_enqueue(key=f"order_confirmation:{order.pk}", handler="orders.emails.send_confirmation",
                   payload={"order_id": order.pk})

A handler is a function registered under a stable name by its app's `AppConfig.ready()`
(`outbox_handler_register("orders.emails.send_confirmation", send_confirmation)`); the stored message keeps only
the name. Names are looked up in the registry, never imported from a dotted path at send time, so a handler can move
between modules without breaking queued messages (register it under its old name). A pending message whose handler
is not registered fails `manage.py check` (`core.E001`).

Guarantees: the message exists if and only if the transaction committed; `key` is unique, so enqueuing twice is a
no-op; delivery is attempted right after commit through Celery and, if the broker or the worker was down, again by
the periodic `core.outbox_sweep`. A message is claimed before its handler runs (no lock is held during the network
call), so two workers never deliver it at the same time; a worker killed mid-delivery leaves it `sending`, and the
sweep hands it out again after `OUTBOX_CLAIM_TIMEOUT_SECONDS` (at-least-once; handlers should be idempotent).
Handlers mark their own rows done only after the side effect happened (an email: after `email_send` returned), so a
crash in between repeats the effect, never skips it; every email a handler sends carries a Message-ID derived from
the message's key (`ecopole.core.emails.email_scope`), the same at every attempt.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .breaker import broker_breaker
from .emails import email_scope
from .models import OutboxMessage

logger = logging.getLogger(__name__)

OUTBOX_MAX_ATTEMPTS = 8
SWEEP_BATCH = 200

OUTBOX_HANDLERS: dict[str, Callable[..., object]] = {}


def outbox_handler_register(name: str, handler: Callable[..., object]) -> None:
    """Register `handler` under `name` (from an `AppConfig.ready()`). Registering the same function again is a
    no-op; another function under a taken name is refused."""
    current = OUTBOX_HANDLERS.get(name)
    if current is not None and current is not handler:
        raise ImproperlyConfigured(f"outbox handler {name!r} is already registered to {current!r}")
    OUTBOX_HANDLERS[name] = handler


def outbox_handler_get(name: str) -> Callable[..., object]:
    """The handler registered under `name`; `LookupError` if none is."""
    try:
        return OUTBOX_HANDLERS[name]
    except KeyError:
        raise LookupError(f"no outbox handler registered under {name!r}") from None


def outbox_unknown_handlers() -> list[str]:
    """Handler names of messages still to deliver that no app registered (what `core.E001` reports)."""
    names = OutboxMessage.objects.filter(
        status__in=(OutboxMessage.Status.PENDING, OutboxMessage.Status.SENDING)
    ).values_list("handler", flat=True)
    return sorted(set(names) - set(OUTBOX_HANDLERS))


def _claim_timeout() -> timedelta:
    return timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT_SECONDS)


def _retry_after() -> timedelta:
    # A fresh message's own dispatch may still be on its way: the sweep leaves it alone for this long.
    return timedelta(seconds=settings.OUTBOX_RETRY_AFTER_SECONDS)


def outbox_enqueue(
    *, key: str, handler: str, payload: dict | None = None, secret: bool = False, new_key: bool = False
) -> OutboxMessage:
    """Record a side effect to perform after the current transaction commits. Idempotent by `key`.

    `secret=True` for a payload holding something that must not stay in the database (a locker code): the payload
    is emptied as soon as the handler succeeded. `new_key=True` when the key cannot exist yet (it names a row
    created in this transaction): a plain INSERT instead of SELECT + INSERT in savepoints. Must run inside the
    caller's transaction then. `handler` must be a registered name (`LookupError` otherwise: a typo fails where it
    is written, not later in a worker).
    """
    outbox_handler_get(handler)
    if new_key:
        message = OutboxMessage.objects.create(
            key=key[:200], handler=handler, payload=payload or {}, erase_payload_when_sent=secret
        )
        transaction.on_commit(lambda: _dispatch(message.pk))
        return message
    with transaction.atomic():
        message, created = OutboxMessage.objects.get_or_create(
            key=key[:200],
            defaults={"handler": handler, "payload": payload or {}, "erase_payload_when_sent": secret},
        )
        if created:
            transaction.on_commit(lambda: _dispatch(message.pk))
    return message


def _dispatch(message_id: int) -> None:
    from ecopole.celery import app as current_app

    from .tasks import outbox_deliver

    if current_app.conf.task_always_eager:
        outbox_deliver.apply(args=(message_id,))
        return
    if not broker_breaker.allow():
        logger.warning("outbox: broker skipped after a recent failure, message %s left for the sweep", message_id)
        return
    try:
        # Bounded: Celery's own publishing retries a dead broker for minutes, which would hold the HTTP request
        # that committed the message. One quick attempt; if the broker is down, the sweep delivers it later.
        # A connection from the process's broker pool: opening one per message cost more than the whole INSERT
        # of the order (a TCP connection and a channel to Redis per request).
        with current_app.pool.acquire(block=True, timeout=settings.REDIS_SOCKET_TIMEOUT) as connection:
            try:
                connection.ensure_connection(
                    max_retries=1, interval_start=0, interval_step=0, timeout=settings.REDIS_SOCKET_TIMEOUT
                )
                outbox_deliver.apply_async(args=(message_id,), connection=connection, retry=False)
            except Exception:
                connection.collect()  # back to the pool closed, so the next message reconnects
                raise
    except Exception:
        broker_breaker.fail()
        logger.warning("outbox: broker unavailable, message %s left for the sweep", message_id, exc_info=True)


def outbox_deliver(*, message_id: int) -> bool:
    """Claim and deliver one message. Returns True if this call delivered it, False if there was nothing to do."""
    now = timezone.now()
    claimed = OutboxMessage.objects.filter(
        Q(status=OutboxMessage.Status.PENDING)
        | Q(status=OutboxMessage.Status.SENDING, claimed_at__lt=now - _claim_timeout()),
        pk=message_id,
    ).update(status=OutboxMessage.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return False
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        with email_scope(message.key):
            outbox_handler_get(message.handler)(**message.payload)
    except Exception as exc:
        status = (
            OutboxMessage.Status.FAILED if message.attempts >= OUTBOX_MAX_ATTEMPTS else OutboxMessage.Status.PENDING
        )
        OutboxMessage.objects.filter(pk=message_id).update(status=status, last_error=repr(exc)[:2000])
        logger.exception("outbox: %s failed (attempt %s)", message.key, message.attempts)
        return False
    done = {"status": OutboxMessage.Status.SENT, "sent_at": timezone.now()}
    if message.erase_payload_when_sent:
        done["payload"] = {}
    OutboxMessage.objects.filter(pk=message_id).update(**done)
    return True


def outbox_due_ids(*, limit: int = SWEEP_BATCH) -> list[int]:
    """Messages the sweep should hand out again: pending for a while, or stuck in `sending` past the timeout."""
    now = timezone.now()
    return list(
        OutboxMessage.objects.filter(
            Q(status=OutboxMessage.Status.PENDING, created_at__lt=now - _retry_after())
            | Q(status=OutboxMessage.Status.SENDING, claimed_at__lt=now - _claim_timeout())
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
