"""Row locks taken in one order (primary key), so that two transactions locking overlapping sets never deadlock."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def set_lock_timeout() -> None:
    """Bound how long this transaction waits for a row lock; past it the API answers 503."""
    if connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = %s", [f"{int(settings.LOCK_TIMEOUT_MS)}ms"])


def lock_rows(queryset: QuerySet[M], *, of: Iterable[str] = (), no_key: bool = False) -> list[M]:
    """Lock the rows of `queryset` FOR UPDATE, ordered by primary key, and return them.

    `no_key=True` takes FOR NO KEY UPDATE: the same exclusion between lockers, but rows that reference the locked
    ones (foreign keys) can still be inserted by other transactions.

    Must run inside `transaction.atomic`.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_rows() must be called inside transaction.atomic()")
    set_lock_timeout()
    return list(queryset.select_for_update(of=tuple(of) or (), no_key=no_key).order_by("pk"))


def lock_one(queryset: QuerySet[M], **lookup) -> M:
    rows = lock_rows(queryset.filter(**lookup))
    if not rows:
        raise queryset.model.DoesNotExist
    return rows[0]
