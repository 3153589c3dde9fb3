from celery import shared_task

from . import outbox


@shared_task(name="core.ping")
def ping(a: int, b: int) -> dict:
    """Round-trip check: proves a worker took the task from the broker and stored a result."""
    import os

    return {"pong": True, "sum": a + b, "worker_pid": os.getpid()}


@shared_task(name="core.outbox_deliver")
def outbox_deliver(message_id: int) -> bool:
    return outbox.outbox_deliver(message_id=message_id)


@shared_task(name="core.outbox_sweep")
def outbox_sweep() -> int:
    """Hand out again what was not delivered (broker or worker down). Bounded batch; safe to run twice."""
    ids = outbox.outbox_due_ids()
    for message_id in ids:
        outbox.outbox_deliver(message_id=message_id)
    return len(ids)


@shared_task(name="core.personal_data_retention", soft_time_limit=600, time_limit=660)
def personal_data_retention() -> int:
    """Apply the retention schedule (`PERSONAL_DATA_RETENTION`), in bounded batches; twice a day changes nothing
    more. Returns the rows changed."""
    from .retention import retention_run

    return sum(retention_run().this_run.values())
