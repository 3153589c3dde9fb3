"""The rounds reach every kind of stop through the sources registered with `deliveries.ports`: a vending refill
request is planned when a round carries it and done when its stop is delivered (through the API)."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from deliveries.models import Stop, StopKind
from deliveries.ports import STOP_SOURCES
from tests.deliveries.helpers import FRIDAY, PARIS
from tests.factories.deliveries import VehicleFactory
from tests.factories.vending import MachineFactory
from vending.models import RefillRequest, RefillRequestEvent

PLAN_URL = reverse("deliveries:round-plan")


@pytest.fixture
def refill(db, depot):
    machine = MachineFactory(name="Distributeur Jacquard", latitude=Decimal("50.951900"), longitude=Decimal("1.8562"))
    return RefillRequest.objects.create(machine=machine, date=FRIDAY, load_kg=Decimal("12.50"))


def test_every_client_registers_its_source_and_deliveries_imports_none():
    assert set(STOP_SOURCES) >= {"grocery", "baskets", "vending"}


def _refill_statuses(manager_client) -> dict[int, str]:
    response = manager_client.get(reverse("vending:refill-request-list"))
    assert response.status_code == 200
    return {r["id"]: r["status"] for r in response.json()["results"]}


def test_a_refill_stop_marks_the_request_planned_then_done(
    refill, driver, manager_client, driver_client, django_capture_on_commit_callbacks
):
    VehicleFactory(name="Camion", default_driver=driver)

    # when the manager plans Friday
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(PLAN_URL, {"date": FRIDAY.isoformat()}, format="json")
    assert response.status_code == 202, response.content
    assert manager_client.get(response["Location"]).json()["status"] == "done"

    # then the refill is a stop of a round that names it, and the request is planned
    stop = Stop.objects.get(source_key=f"refill:{refill.pk}")
    assert stop.kind == StopKind.VENDING_REFILL
    assert [(h["source"], h["id"]) for h in stop.handover] == [("vending", refill.pk)]
    assert _refill_statuses(manager_client)[refill.pk] == "planned"

    # when the driver starts the round on Friday and delivers the stop, twice
    with time_machine.travel(datetime.combine(FRIDAY, time(8), tzinfo=PARIS), tick=False):
        started = driver_client.post(reverse("deliveries:round-start", kwargs={"round_id": stop.round_id}))
        urls = {"round_id": stop.round_id, "stop_id": stop.pk}
        first = driver_client.post(reverse("deliveries:stop-delivered", kwargs=urls))
        again = driver_client.post(reverse("deliveries:stop-delivered", kwargs=urls))

    # then the refill request is done, with one event per change
    assert started.status_code == 200 and first.status_code == 200 and again.status_code == 200
    assert _refill_statuses(manager_client)[refill.pk] == "done"
    moves = list(
        RefillRequestEvent.objects.filter(refill_request=refill).order_by("pk").values_list("from_status", "to_status")
    )
    assert moves == [("open", "planned"), ("planned", "done")]
