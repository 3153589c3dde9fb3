"""Outbox handlers used by the worker integration tests (imported by the worker through the outbox's dotted path)."""

import time

from ecopole.core.models import AuditEvent


def slow_write(*, marker: str, seconds: float) -> None:
    time.sleep(seconds)  # long enough for the test to kill the worker in the middle
    AuditEvent.objects.create(action="test.slow_write", object_type="test", object_id=marker)
