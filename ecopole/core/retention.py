"""The daily retention task: each rule registered with `retention_rule_register` (core's own below, the apps' in
their `AppConfig.ready()`) runs in bounded batches, with durations from `settings.PERSONAL_DATA_RETENTION`; each
run is written to a `RetentionRun` (shown in the admin).

Every rule selects by state (a payload not yet emptied, a row older than the limit, an account not yet warned), so
running the task twice the same day changes nothing the second time.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import AuditEvent, OutboxMessage, RetentionRun, SentEmail
from .personal_data import RETENTION_RULES, retention_rule_register

logger = logging.getLogger(__name__)

# Audit actions that record a staff member looking at someone's personal data: an access log, bounded.
ACCESS_ACTIONS = ("personal_data.view",)


def retention_days(name: str) -> int:
    return int(settings.PERSONAL_DATA_RETENTION[name])


def retention_run(*, now: datetime | None = None) -> RetentionRun:
    """Run every retention rule once; record it in the day's `RetentionRun` (counts added up) and return the
    counts of this run. A failing rule is recorded and the others run."""
    now = now or timezone.now()
    batch_size = int(settings.PERSONAL_DATA_RETENTION["batch_size"])
    # One report per day: a second run the same day (a tick fired twice) adds its (zero) counts to it.
    today = timezone.localdate(now)
    run = RetentionRun.objects.filter(started_at__date=today).order_by("pk").first()
    if run is None:
        run = RetentionRun.objects.create(started_at=now)
    changed: dict[str, int] = {}
    errors = []
    for name, rule in sorted(RETENTION_RULES.items()):
        try:
            changed[name] = int(rule(now=now, batch_size=batch_size))
        except Exception as exc:  # one broken rule must not stop the others; the run shows it
            logger.exception("retention rule %s failed", name)
            errors.append(f"{name}: {exc!r}")
    run.changed = {name: run.changed.get(name, 0) + count for name, count in changed.items()}
    run.total, run.error = sum(run.changed.values()), "\n".join(errors)
    run.finished_at = timezone.now()
    run.save(update_fields=["changed", "total", "error", "finished_at"])
    run.this_run = changed
    return run


def outbox_payloads_expire(*, now: datetime, batch_size: int) -> int:
    """Empty the payload of messages delivered (or given up) more than `outbox_payload_days` ago."""
    limit = now - timedelta(days=retention_days("outbox_payload_days"))
    with transaction.atomic(durable=True):
        ids = list(
            OutboxMessage.objects.filter(
                status__in=(OutboxMessage.Status.SENT, OutboxMessage.Status.FAILED), created_at__lt=limit
            )
            .exclude(payload={}, last_error="")
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        return OutboxMessage.objects.filter(pk__in=ids).update(payload={}, last_error="")


def sent_emails_expire(*, now: datetime, batch_size: int) -> int:
    limit = now - timedelta(days=retention_days("sent_emails_days"))
    with transaction.atomic(durable=True):
        ids = list(SentEmail.objects.filter(sent_at__lt=limit).order_by("pk").values_list("pk", flat=True)[:batch_size])
        return SentEmail.objects.filter(pk__in=ids).delete()[0]


def access_log_expire(*, now: datetime, batch_size: int) -> int:
    limit = now - timedelta(days=retention_days("access_log_days"))
    with transaction.atomic(durable=True):
        ids = list(
            AuditEvent.objects.filter(action__in=ACCESS_ACTIONS, created_at__lt=limit)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        return AuditEvent.objects.filter(pk__in=ids).delete()[0]


def core_retention_rules_register() -> None:
    retention_rule_register("core.outbox_payloads", outbox_payloads_expire)
    retention_rule_register("core.sent_emails", sent_emails_expire)
    retention_rule_register("core.access_log", access_log_expire)


def retention_files_rule(name: str, model, *, fields: tuple[str, ...], dated_by: str, setting: str) -> None:
    """Register the rule of a table holding files with personal data (a proof of delivery's photo and signature):
    files of rows whose `dated_by` is older than `PERSONAL_DATA_RETENTION[setting]` days are deleted from storage
    and the fields emptied, in bounded batches. One call from the owning app's `AppConfig.ready()`:

        retention_files_rule("deliveries.proof_photos", ProofOfDelivery, fields=("photo", "signature"),
                             dated_by="delivered_at", setting="proof_of_delivery_photos_days")
    """
    from django.db.models import Q

    def rule(*, now: datetime, batch_size: int) -> int:
        limit = now - timedelta(days=retention_days(setting))
        holding = Q()
        for field in fields:
            holding |= ~Q(**{field: ""}) & Q(**{f"{field}__isnull": False})
        rows = list(model._default_manager.filter(holding, **{f"{dated_by}__lt": limit}).order_by("pk")[:batch_size])
        for row in rows:
            with transaction.atomic(durable=True):
                for field in fields:
                    stored = getattr(row, field)
                    if stored:
                        stored.delete(save=False)
                    setattr(row, field, "")
                row.save(update_fields=list(fields))
        return len(rows)

    retention_rule_register(name, rule)
