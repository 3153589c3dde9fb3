"""Outbox handlers used by the worker integration tests (the worker imports this module with `--include`; it registers
them in the outbox's registry)."""

import time

from ecopole.core.models import AuditEvent
from ecopole.core.outbox import outbox_handler_register


def slow_write(*, marker: str, seconds: float) -> None:
    time.sleep(seconds)  # long enough for the test to kill the worker in the middle
    AuditEvent.objects.create(action="test.slow_write", object_type="test", object_id=marker)


outbox_handler_register("tests.core.worker_handlers.slow_write", slow_write)
