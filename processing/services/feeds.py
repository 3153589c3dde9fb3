"""Private calendar feeds: a secret, unguessable URL per producer, and one for the whole workshop (staff)."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from ecopole.core.exceptions import Conflict

from ..models import CalendarFeed


@transaction.atomic(durable=True)
def calendar_feed_rotate(*, producer_id: int | None, user) -> CalendarFeed:
    """Revoke the current feed of the producer (or of the workshop when `producer_id` is None) and issue a new
    token (256 random bits). The old URL answers 404 from now on. One active feed per owner (unique constraint)."""
    try:
        with transaction.atomic():
            CalendarFeed.objects.filter(producer_id=producer_id, is_active=True).update(
                is_active=False, revoked_at=timezone.now()
            )
            return CalendarFeed.objects.create(
                producer_id=producer_id, token=secrets.token_urlsafe(32), created_by=user
            )
    except IntegrityError as exc:  # two rotations at once: one wins
        raise Conflict() from exc


def calendar_feed_revoke(*, producer_id: int | None) -> int:
    """Revoke the active feed; idempotent (returns 0 when there was none)."""
    with transaction.atomic(durable=True):
        return CalendarFeed.objects.filter(producer_id=producer_id, is_active=True).update(
            is_active=False, revoked_at=timezone.now()
        )
