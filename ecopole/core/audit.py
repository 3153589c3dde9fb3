"""Record who changed what. Called by the services in the same transaction as the change."""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from .models import AuditEvent


def audit_record(*, actor, action: str, obj: Model, changes: dict[str, Any] | None = None) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        changes=_jsonable(changes or {}),
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def personal_data_access_record(*, actor, subject_id: int | None, obj: Model, where: str) -> AuditEvent | None:
    """A staff member looked at someone's personal data (an order's address and phone, an account in the admin):
    one event per access, naming whose data (`subject`), which row and from where; not per field. Nothing is
    written when the person looks at their own data. Bounded by the retention rule `core.access_log`."""
    if subject_id is None or getattr(actor, "pk", None) == subject_id:
        return None
    return audit_record(
        actor=actor, action="personal_data.view", obj=obj, changes={"subject": subject_id, "where": where}
    )
