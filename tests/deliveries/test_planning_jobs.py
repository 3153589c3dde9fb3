"""Planning through the API is queued: 202 with a planning job to poll; the solver runs in the task, outside any
transaction; a plan is written only if its inputs did not change meanwhile; a replayed request or a re-run task does
not plan twice; two requests at once give one plan."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.urls import reverse

from deliveries import routing
from deliveries.models import PlanningJob, PlanningRun, Round, Stop
from deliveries.services import planning
from deliveries.services.planning_jobs import planning_job_request, planning_job_run
from tests.clients import client_for
from tests.deliveries.helpers import CALAIS_POINTS, FRIDAY
from tests.factories.accounts import StaffFactory
from tests.factories.deliveries import VehicleFactory
from tests.factories.orders import order_create

PLAN_URL = reverse("deliveries:round-plan")


@pytest.fixture
def friday_orders(db, depot, calais_zone, ardres):
    orders = [
        order_create(day=FRIDAY, zone=calais_zone, commune="Calais", lat=lat, lon=lon, kg="5")
        for lat, lon in CALAIS_POINTS
    ]
    orders.append(order_create(day=FRIDAY, point=ardres, kg="6"))
    VehicleFactory(name="Camion A")
    return orders


def _planned_keys() -> list[str]:
    return sorted(Stop.objects.filter(round__date=FRIDAY).values_list("source_key", flat=True))


def test_the_request_only_queues_the_job_and_the_task_plans(friday_orders, manager_client, monkeypatch):
    calls = []
    real_solve = routing.solve
    monkeypatch.setattr(routing, "solve", lambda *a, **k: calls.append(1) or real_solve(*a, **k))

    # when the manager asks for Friday's plan (the after-commit enqueue is not run: no worker here)
    response = manager_client.post(PLAN_URL, {"date": FRIDAY.isoformat()}, format="json")

    # then the answer is 202 with a queued job to poll, and the request did not run the solver
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "queued" and body["rounds"] == [] and body["date"] == FRIDAY.isoformat()
    assert response["Location"] == reverse("deliveries:planning-job", kwargs={"job_id": body["id"]})
    assert calls == [] and not Round.objects.exists()

    # and the same request again answers the same job (nothing new queued)
    again = manager_client.post(PLAN_URL, {"date": FRIDAY.isoformat()}, format="json")
    assert again.status_code == 202 and again.json()["id"] == body["id"]
    assert PlanningJob.objects.count() == 1

    # when the worker runs the task
    from deliveries.tasks import run_planning_job

    assert run_planning_job.delay(body["id"]).get() == "done"

    # then polling shows the rounds and the unassigned stops, and the job's timestamps
    done = manager_client.get(response["Location"]).json()
    assert done["status"] == "done" and done["error_code"] == "" and done["attempts"] == 1
    assert done["started_at"] and done["finished_at"]
    assert done["rounds"] and {r["id"] for r in done["rounds"]} == set(
        Round.objects.filter(date=FRIDAY).values_list("pk", flat=True)
    )
    assert set(_planned_keys()) | {u["source_key"] for u in done["unassigned"]} == {
        f"order:{o.pk}" for o in friday_orders[:4]
    } | {f"point:{friday_orders[4].pickup_point_id}"}
    assert calls == [1]


def test_polling_is_for_managers(friday_orders, manager, driver_client, api_client):
    job, _ = planning_job_request(date=FRIDAY, user=manager)
    url = reverse("deliveries:planning-job", kwargs={"job_id": job.pk})
    assert api_client.get(url).status_code == 401
    assert driver_client.get(url).status_code == 403
    missing = client_for(manager).get(reverse("deliveries:planning-job", kwargs={"job_id": job.pk + 1000}))
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_a_task_delivered_twice_plans_once(friday_orders, manager):
    # given a queued job
    job, created = planning_job_request(date=FRIDAY, user=manager)
    assert created

    # when the task runs twice (a redelivery)
    first = planning_job_run(job_id=job.pk)
    keys = _planned_keys()
    second = planning_job_run(job_id=job.pk)

    # then the second run was a no-op: one planning, the same rounds
    assert first.status == second.status == "done"
    assert PlanningRun.objects.get(date=FRIDAY).runs == 1
    assert _planned_keys() == keys and len(keys) == len(set(keys)) > 0


def test_inputs_that_change_during_the_solve_are_planned_again(friday_orders, manager, calais_zone, monkeypatch):
    # given an order placed while the solver runs its first time
    real_solve = routing.solve
    late = []

    def solve(*args, **kwargs):
        if not late:
            late.append(order_create(day=FRIDAY, zone=calais_zone, commune="Calais", lat="50.96", lon="1.86"))
        return real_solve(*args, **kwargs)

    monkeypatch.setattr(routing, "solve", solve)
    job, _ = planning_job_request(date=FRIDAY, user=manager)

    # when the job runs
    job = planning_job_run(job_id=job.pk)

    # then the stale plan was not written: the plan was computed again and includes the late order
    assert job.status == "done" and job.attempts == 2
    assert f"order:{late[0].pk}" in _planned_keys() + [u["source_key"] for u in job.unassigned]
    assert PlanningRun.objects.get(date=FRIDAY).runs == 1


def test_inputs_that_keep_changing_fail_the_job_and_leave_the_rounds_alone(
    friday_orders, manager, calais_zone, monkeypatch
):
    # given Friday already planned
    planning.round_plan(date=FRIDAY, user=manager, time_limit=0.2)
    before = list(Round.objects.filter(date=FRIDAY).values_list("pk", flat=True))

    # and orders that keep coming in while the solver runs
    real_solve = routing.solve

    def solve(*args, **kwargs):
        order_create(day=FRIDAY, zone=calais_zone, commune="Calais", lat="50.96", lon="1.86")
        return real_solve(*args, **kwargs)

    monkeypatch.setattr(routing, "solve", solve)
    job, _ = planning_job_request(date=FRIDAY, user=manager)

    # when the job runs
    job = planning_job_run(job_id=job.pk)

    # then it failed with a code after two tries, and the previous plan is untouched
    assert (job.status, job.error_code, job.attempts) == ("failed", "planning_inputs_changed", 2)
    assert job.error_detail.startswith("Les commandes")
    assert list(Round.objects.filter(date=FRIDAY).values_list("pk", flat=True)) == before
    assert PlanningRun.objects.get(date=FRIDAY).runs == 1

    # and a new request makes a new job (the failed one is not active)
    again, created = planning_job_request(date=FRIDAY, user=manager)
    assert created and again.pk != job.pk


def test_a_job_lost_by_the_broker_is_replaced_after_the_timeout(friday_orders, manager, settings):
    settings.DELIVERIES_PLANNING_JOB_TIMEOUT_SECONDS = 0
    lost, _ = planning_job_request(date=FRIDAY, user=manager)
    job, created = planning_job_request(date=FRIDAY, user=manager)
    assert created and job.pk != lost.pk
    lost.refresh_from_db()
    assert (lost.status, lost.error_code) == ("failed", "planning_job_lost")


@pytest.mark.django_db(transaction=True)
def test_the_solver_runs_outside_any_transaction(depot, calais_zone, ardres, monkeypatch):
    order_create(day=FRIDAY, point=ardres, kg="6")
    VehicleFactory()
    seen = []
    real_solve = routing.solve

    def solve(*args, **kwargs):
        seen.append(connection.in_atomic_block)
        return real_solve(*args, **kwargs)

    monkeypatch.setattr(routing, "solve", solve)
    # when a job is requested (committed, then run by the eager worker after commit)
    job, _ = planning_job_request(date=FRIDAY, user=StaffFactory(groups=["manager"]))

    # then it is done and the solver never ran inside a transaction
    assert PlanningJob.objects.get(pk=job.pk).status == "done"
    assert seen and not any(seen)


@pytest.mark.django_db(transaction=True)
def test_two_planning_requests_at_once_give_one_plan(depot, calais_zone, ardres):
    # given orders for Friday, two vans and a manager
    for index, (lat, lon) in enumerate(CALAIS_POINTS * 2):
        order_create(day=FRIDAY, zone=calais_zone, commune="Calais", lat=lat, lon=lon, kg=str(5 + index))
    order_create(day=FRIDAY, point=ardres, kg="10")
    VehicleFactory(capacity_kg=60)
    VehicleFactory(capacity_kg=60)
    manager = StaffFactory(groups=["manager"])
    barrier = threading.Barrier(2)
    responses, errors = [], []

    def ask():
        try:
            client = client_for(manager)
            barrier.wait()
            responses.append(client.post(PLAN_URL, {"date": FRIDAY.isoformat()}, format="json"))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    # when two planning requests for Friday arrive at once (Celery runs eagerly after each commit)
    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then both were accepted and one plan is left: every stop once, at most one round per van
    assert errors == []
    assert [r.status_code for r in responses] == [202, 202], [r.content for r in responses]
    assert set(PlanningJob.objects.values_list("status", flat=True)) == {"done"}
    assert not PlanningJob.objects.filter(status__in=["queued", "running"]).exists()
    keys = _planned_keys()
    unassigned = PlanningRun.objects.get(date=FRIDAY).unassigned
    assert len(keys) == len(set(keys)) == 9 - len(unassigned)
    assert Round.objects.filter(date=FRIDAY).count() <= 2
