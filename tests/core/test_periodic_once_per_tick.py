"""Every periodic task runs once per tick, even when two beat processes (or two workers) fire it at once.

On the demo data, each task of the project's schedule is fired twice in parallel threads (as two beats would),
then once more. The parallel pair must finish without error, and the extra run must find nothing left to do and
change nothing: had the pair duplicated or skipped work, a unique constraint would have failed one of them or the
extra run would have written rows. A task added to `PERIODIC_TASKS` is covered without anything to add here.
"""

import threading

import pytest
from celery import current_app
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from ecopole.core.schedule import PERIODIC_TASKS


def _counts() -> dict[str, int]:
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label not in {"sessions", "django_celery_beat", "admin"}
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("task_name", sorted({p.task for p in PERIODIC_TASKS}))
def test_a_tick_fired_twice_at_once_does_the_work_once(task_name):
    with open("/dev/null", "w") as quiet:
        call_command("seed_demo", stdout=quiet)
    current_app.loader.import_default_modules()  # registers every app's tasks (autodiscovery is lazy)
    task = current_app.tasks[task_name]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def fire():
        try:
            barrier.wait(timeout=10)
            task.apply(throw=True)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=fire) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    after_pair = _counts()
    task.apply(throw=True)

    assert errors == []
    assert _counts() == after_pair
