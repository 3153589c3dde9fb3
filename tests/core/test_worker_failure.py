"""A worker killed in the middle of a task: the task completes exactly once after a worker comes back."""

import os
import time

import pytest

from ecopole.core.models import AuditEvent, OutboxMessage
from ecopole.core.tasks import outbox_deliver
from tests.celery_worker import celery_worker, not_eager

requires_redis_broker = pytest.mark.skipif(
    not os.environ.get("CELERY_BROKER_URL", "").startswith("redis"),
    reason="needs a Redis broker (set CELERY_BROKER_URL=redis://…): the filesystem transport has no redelivery",
)


def _wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@requires_redis_broker
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_task_interrupted_by_a_killed_worker_completes_exactly_once_after_restart(tmp_path):
    # given a delivery that takes 6 s, and workers whose unacknowledged tasks come back after 3 s
    message = OutboxMessage.objects.create(
        key="kill-test", handler="tests.core.worker_handlers.slow_write", payload={"marker": "m1", "seconds": 6}
    )
    fast_redelivery = {"CELERY_VISIBILITY_TIMEOUT": "3", "OUTBOX_CLAIM_TIMEOUT_SECONDS": "2"}

    with not_eager(), celery_worker(tmp_path, extra_env=fast_redelivery) as first:
        outbox_deliver.apply_async(args=(message.pk,), queue=first.queue)
        _wait_for(
            lambda: OutboxMessage.objects.get(pk=message.pk).status == "sending", 60, "the worker to start the task"
        )
        # when the worker is killed (SIGKILL) in the middle of the task
        first.kill()
    assert not AuditEvent.objects.filter(object_id="m1").exists()

    # then a new worker on the same queue gets the unacknowledged task back and completes it
    with not_eager(), celery_worker(tmp_path, queue=first.queue, extra_env=fast_redelivery) as second:
        _wait_for(lambda: OutboxMessage.objects.get(pk=message.pk).status == "sent", 90, f"redelivery\n{second.log()}")
        time.sleep(4)  # a second redelivery, if any, would show up now

    message.refresh_from_db()
    assert AuditEvent.objects.filter(object_id="m1").count() == 1
    assert message.attempts == 2
