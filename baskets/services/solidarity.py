"""Writes of the cabas bio's solidarity price: a manager grants or revokes a customer's eligibility, audited.

`solidarity_grant` / `solidarity_revoke` own a durable transaction (the API, a task, the demo); their
`_in_transaction` forms are steps of the caller's (the admin's save and delete run in the admin's own).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from accounts.models import User
from ecopole.core.audit import audit_record
from ecopole.core.exceptions import NotFound
from ecopole.core.locking import lock_one, lock_rows

from ..models import (
    SolidarityEligibility,
)

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
