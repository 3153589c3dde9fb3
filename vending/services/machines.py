"""Machine credentials: one random key per machine, shown once, stored as a SHA-256 hash."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from ecopole.core.audit import audit_record
from ecopole.core.locking import lock_one

from ..models import Machine

KEY_PREFIX = "ecv_"


def machine_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def machine_key_rotate(*, machine: Machine, user=None, key: str | None = None) -> str:
    """Give the machine a new key and return it in clear, the only time it is ever visible.

    The previous key stops working at commit. 256 random bits: a plain SHA-256 is enough to store it (see Machine).
    Audited (who rotated it, and the new prefix; never the key). `key` is for the demo only (`vending.demo`).
    """
    key = key or KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        locked = lock_one(Machine.objects.all(), pk=machine.pk)
        locked.api_key_hash = machine_key_hash(key)
        locked.api_key_prefix = key[:12]
        locked.api_key_rotated_at = timezone.now()
        locked.save(update_fields=["api_key_hash", "api_key_prefix", "api_key_rotated_at"])
        audit_record(actor=user, action="vending.machine_key_rotate", obj=locked, changes={"prefix": key[:12]})
    machine.api_key_hash, machine.api_key_prefix = locked.api_key_hash, locked.api_key_prefix
    machine.api_key_rotated_at = locked.api_key_rotated_at
    return key


def machine_authenticate_key(*, key: str) -> Machine | None:
    """The active machine holding this key, or None. One indexed lookup by hash (no timing oracle on the key)."""
    if not key or not key.startswith(KEY_PREFIX) or len(key) > 100:
        return None
    return Machine.objects.filter(api_key_hash=machine_key_hash(key), is_active=True).first()
