"""Celery tasks of delivery rounds: thin and idempotent (status guard `PlanningRun.auto_planned_at`)."""

from celery import shared_task
from django.db import OperationalError

from ecopole.core.countdown import bounded_countdown

from .services.planning import round_plan_due


@shared_task(name="deliveries.plan_due_rounds", bind=True, max_retries=3, soft_time_limit=300, time_limit=360)
def plan_due_rounds(self) -> list[str]:
    """Plan every delivery date whose cutoffs have passed and that was not planned yet, then enqueue the customers'
    arrival-window emails. A second run is a no-op. Retried when the planning lock is busy."""
    try:
        return [day.isoformat() for day in round_plan_due()]
    except OperationalError as exc:  # lock timeout: another planning run of the same date holds it
        raise self.retry(exc=exc, countdown=bounded_countdown(60)) from exc


@shared_task(name="deliveries.run_planning_job", bind=True, max_retries=3, soft_time_limit=300, time_limit=360)
def run_planning_job(self, job_id: int) -> str | None:
    """Run one planning job queued by the API (`POST /api/v1/deliveries/rounds/plan/`). Idempotent: a job that is
    no longer queued is left alone. Retried when the planning lock is busy."""
    from .services.planning_jobs import planning_job_run

    try:
        job = planning_job_run(job_id=job_id)
    except OperationalError as exc:  # lock timeout: the job is queued again
        raise self.retry(exc=exc, countdown=bounded_countdown(30)) from exc
    return job.status if job else None
