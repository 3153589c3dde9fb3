"""Writes of the cabas bio's solidarity price: a manager grants or revokes a customer's eligibility, audited; a
customer asks for it (`solidarity_request_submit`) and a manager decides (`solidarity_request_decide`).

`solidarity_grant` / `solidarity_revoke` own a durable transaction (the API, a task, the demo); their
`_in_transaction` forms are steps of the caller's (the admin's save and delete run in the admin's own).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from ecopole.core.audit import audit_record
from ecopole.core.exceptions import NotFound
from ecopole.core.locking import lock_one, lock_rows

from ..emails import solidarity_request_email_enqueue
from ..errors import RefusalReasonRequired, SolidarityRequestDecided, SolidarityRequestEmpty, SolidarityValidUntilPast
from ..models import (
    SolidarityEligibility,
    SolidarityRequest,
    SolidarityRequestStatus,
    SolidaritySituation,
)

# A granted request makes the customer eligible for a year unless the manager says otherwise.
SOLIDARITY_GRANT_DAYS = 365

# --- Solidarity price -----------------------------------------------------------------------------------------


def solidarity_grant(*, customer_id: int, valid_until: date, actor, note: str = "") -> SolidarityEligibility:
    """Mark a customer eligible for the solidarity price until `valid_until` (a date in the past revokes it).

    Managers only (checked by the API and the admin). Creates or updates the customer's one eligibility row under
    its lock and audits the change (`basket_solidarity.grant`, before and after) in the same transaction: its own,
    durable one (committed when it returns).
    """
    with transaction.atomic(durable=True):
        return solidarity_grant_in_transaction(customer_id=customer_id, valid_until=valid_until, actor=actor, note=note)


def solidarity_grant_in_transaction(
    *, customer_id: int, valid_until: date, actor, note: str = ""
) -> SolidarityEligibility:
    """`solidarity_grant` inside the caller's transaction (the admin's save runs in the admin's own)."""
    with transaction.atomic():
        if not User.objects.filter(pk=customer_id, is_active=True).exists():
            raise NotFound()
        SolidarityEligibility.objects.get_or_create(
            customer_id=customer_id, defaults={"valid_until": valid_until, "granted_by": actor, "note": note}
        )
        eligibility = lock_one(SolidarityEligibility.objects.all(), customer_id=customer_id)
        before = {"valid_until": eligibility.valid_until, "note": eligibility.note}
        eligibility.valid_until, eligibility.note, eligibility.granted_by = valid_until, note, actor
        eligibility.save(update_fields=["valid_until", "note", "granted_by", "updated_at"])
        audit_record(
            actor=actor,
            action="basket_solidarity.grant",
            obj=eligibility,
            changes={"customer": customer_id, "before": before, "after": {"valid_until": valid_until, "note": note}},
        )
    return eligibility


def solidarity_revoke(*, eligibility_id: int, actor) -> None:
    """Remove an eligibility, audited, in its own durable transaction."""
    with transaction.atomic(durable=True):
        solidarity_revoke_in_transaction(eligibility_id=eligibility_id, actor=actor)


def solidarity_revoke_in_transaction(*, eligibility_id: int, actor) -> None:
    """`solidarity_revoke` inside the caller's transaction (the admin's deletion runs in the admin's own)."""
    with transaction.atomic():
        rows = lock_rows(SolidarityEligibility.objects.filter(pk=eligibility_id))
        if not rows:
            return
        eligibility = rows[0]
        audit_record(
            actor=actor,
            action="basket_solidarity.revoke",
            obj=eligibility,
            changes={"customer": eligibility.customer_id, "valid_until": eligibility.valid_until},
        )
        eligibility.delete()


# --- Requests from customers ------------------------------------------------------------------------------------


def solidarity_request_submit(*, customer, message: str = "", situation: str = "") -> tuple[SolidarityRequest, bool]:
    """A customer asks for the solidarity price: a free text (at most 2000 characters, checked by the callers' forms
    and by the column) and/or a situation from `SolidaritySituation`. Idempotent: while a request of theirs is
    pending it is returned unchanged (`created` False); the partial unique constraint backs it against a double
    submit. Runs in its own durable transaction."""
    message = (message or "").strip()
    situation = situation or ""
    if situation not in SolidaritySituation.values and situation != "":
        raise SolidarityRequestEmpty()
    if not message and not situation:
        raise SolidarityRequestEmpty()
    pending = SolidarityRequest.objects.filter(customer=customer, status=SolidarityRequestStatus.PENDING)
    existing = pending.first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic(durable=True):
            request = SolidarityRequest.objects.create(customer=customer, message=message, situation=situation)
            audit_record(
                actor=customer, action="basket_solidarity_request.submit", obj=request, changes={"situation": situation}
            )
    except IntegrityError:
        return pending.get(), False
    return request, True


def solidarity_request_decide(
    *,
    request_id: int,
    grant: bool,
    actor,
    valid_until: date | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> SolidarityRequest:
    """A manager grants or refuses a pending request, in its own durable transaction (see `_in_transaction`)."""
    with transaction.atomic(durable=True):
        return solidarity_request_decide_in_transaction(
            request_id=request_id, grant=grant, actor=actor, valid_until=valid_until, reason=reason, now=now
        )


def solidarity_request_decide_in_transaction(
    *,
    request_id: int,
    grant: bool,
    actor,
    valid_until: date | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> SolidarityRequest:
    """Decide a pending request under its row lock. Granting makes the customer eligible until `valid_until`
    (default: a year from today), through `solidarity_grant_in_transaction`, never shortening an eligibility that
    already runs longer; refusing needs a reason, which the customer reads. Either way the decision is audited and
    the customer gets an email through the outbox after the commit. A request already decided is refused with
    `solidarity_request_decided` (409): deciding twice never sends two emails."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    reason = (reason or "").strip()
    with transaction.atomic():
        rows = lock_rows(SolidarityRequest.objects.filter(pk=request_id))
        if not rows:
            raise NotFound()
        request = rows[0]
        if request.status != SolidarityRequestStatus.PENDING:
            raise SolidarityRequestDecided()
        if grant:
            valid_until = valid_until or today + timedelta(days=SOLIDARITY_GRANT_DAYS)
            if valid_until < today:
                raise SolidarityValidUntilPast()
            current = (
                SolidarityEligibility.objects.filter(customer_id=request.customer_id)
                .values_list("valid_until", flat=True)
                .first()
            )
            if current is not None and current > valid_until:
                valid_until = current
            solidarity_grant_in_transaction(
                customer_id=request.customer_id,
                valid_until=valid_until,
                actor=actor,
                note=f"Demande n° {request.pk}",
            )
            request.status, request.valid_until = SolidarityRequestStatus.GRANTED, valid_until
        else:
            if not reason:
                raise RefusalReasonRequired()
            request.status = SolidarityRequestStatus.REFUSED
        request.reason, request.decided_by, request.decided_at = reason, actor, now
        request.save(update_fields=["status", "valid_until", "reason", "decided_by", "decided_at"])
        audit_record(
            actor=actor,
            action=f"basket_solidarity_request.{'grant' if grant else 'refuse'}",
            obj=request,
            changes={"customer": request.customer_id, "valid_until": request.valid_until, "reason": reason},
        )
        solidarity_request_email_enqueue(request=request)
    return request
