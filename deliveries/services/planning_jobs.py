"""Planning asked for through the API: the request queues a `PlanningJob` (202) and a Celery task runs it.

The HTTP request never runs the solver: `planning_job_request` only records the job (one short transaction under
the date's `PlanningRun` lock) and enqueues the task after commit; `planning_job_run` (the task) calls
`planning.round_plan`, which reads its inputs in a short transaction, solves outside any transaction and writes the
plan in a short transaction only if the inputs did not change meanwhile.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import OperationalError, transaction
from django.utils import timezone, translation

from ecopole.core.exceptions import ApplicationError
from ecopole.core.locking import lock_rows

from ..models import PlanningJob, PlanningJobStatus, PlanningRun
from . import planning


def _active_timeout() -> timedelta:
    return timedelta(seconds=settings.DELIVERIES_PLANNING_JOB_TIMEOUT_SECONDS)


def planning_job_request(*, date: date, user) -> tuple[PlanningJob, bool]:
    """Queue the planning of `date` and return `(job, created)`.

    Idempotent: while a job of the date is queued or running (and younger than
    `DELIVERIES_PLANNING_JOB_TIMEOUT_SECONDS`), a replayed or concurrent request gets that job and nothing new is
    enqueued; the date's `PlanningRun` row is locked so two requests decide one after the other, and a partial
    unique constraint keeps one active job per date. An active job older than the timeout (its worker died, or the
    broker lost the task) is marked failed (`planning_job_lost`) and replaced. No depot: `no_depot` (409) at once.
    """
    with transaction.atomic():
        PlanningRun.objects.get_or_create(date=date)
        lock_rows(PlanningRun.objects.filter(date=date))
        planning.depot_get()
        active = PlanningJob.objects.filter(date=date, status__in=PlanningJob.ACTIVE).first()
        if active is not None:
            if active.created_at > timezone.now() - _active_timeout():
                return active, False
            _finish(active.pk, status=PlanningJobStatus.FAILED, error_code="planning_job_lost")
        job = PlanningJob.objects.create(
            date=date, requested_by=user if getattr(user, "is_authenticated", False) else None
        )
        transaction.on_commit(lambda: _enqueue(job.pk))
        return job, True


def _enqueue(job_id: int) -> None:
    from ..tasks import run_planning_job

    run_planning_job.delay(job_id)


def _finish(job_id: int, *, status: str, **values) -> None:
    PlanningJob.objects.filter(pk=job_id).update(status=status, finished_at=timezone.now(), **values)


def planning_job_run(*, job_id: int, time_limit: float | None = None) -> PlanningJob | None:
    """Run a queued job once: claimed by one conditional UPDATE (queued → running), so a task delivered twice runs
    the solver once and the second delivery is a no-op. Domain refusals (`planning_inputs_changed`, `no_depot`) end
    the job `failed` with their code; a lock timeout puts it back to `queued` and re-raises (the task retries)."""
    claimed = PlanningJob.objects.filter(pk=job_id, status=PlanningJobStatus.QUEUED).update(
        status=PlanningJobStatus.RUNNING, started_at=timezone.now()
    )
    job = PlanningJob.objects.select_related("requested_by").filter(pk=job_id).first()
    if not claimed or job is None:
        return job
    try:
        result = planning.round_plan(
            date=job.date, user=job.requested_by, time_limit=time_limit or planning.AUTO_PLAN_TIME_LIMIT
        )
    except ApplicationError as exc:
        with translation.override(settings.LANGUAGE_CODE):
            detail = str(exc.detail)[:255]
        tries = planning.PLANNING_ATTEMPTS if exc.code == "planning_inputs_changed" else 0
        _finish(job.pk, status=PlanningJobStatus.FAILED, error_code=exc.code, error_detail=detail, attempts=tries)
    except OperationalError:
        PlanningJob.objects.filter(pk=job.pk).update(status=PlanningJobStatus.QUEUED, started_at=None)
        raise
    except Exception as exc:
        _finish(job.pk, status=PlanningJobStatus.FAILED, error_code="planning_error", error_detail=str(exc)[:255])
        raise
    else:
        _finish(
            job.pk,
            status=PlanningJobStatus.DONE,
            fingerprint=result.fingerprint,
            attempts=result.attempts,
            result={"rounds": [r.pk for r in result.rounds], "kept": [r.pk for r in result.kept]},
            unassigned=[u.__dict__ for u in result.unassigned],
        )
    job.refresh_from_db()
    return job
