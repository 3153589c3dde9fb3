import pytest

from ecopole.core.tasks import ping
from tests.celery_worker import celery_worker, not_eager


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_takes_a_task_from_the_broker_and_returns_its_result(tmp_path):
    # given a real worker process listening on the configured broker (Redis in CI, the filesystem by default)
    with celery_worker(tmp_path) as worker, not_eager():
        # when a task is sent through the broker
        result = ping.apply_async(args=(2, 3), queue=worker.queue)

        # then the worker ran it (in another process) and its result came back through the result backend
        value = result.get(timeout=90)
    assert value["pong"] is True
    assert value["sum"] == 5
    assert value["worker_pid"] == worker.process.pid, worker.log()
