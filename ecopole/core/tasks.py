from celery import shared_task


@shared_task(name="core.ping")
def ping(a: int, b: int) -> dict:
    """Round-trip check: proves a worker took the task from the broker and stored a result."""
    import os

    return {"pong": True, "sum": a + b, "worker_pid": os.getpid()}
