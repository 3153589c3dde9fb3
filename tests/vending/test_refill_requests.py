"""The periodic check: low or stale compartments give one refill request per machine per day, emailed to staff."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from ecopole.core.exceptions import InvalidTransition
from tests.factories.catalogue import ProductFactory
from tests.factories.vending import CompartmentFactory, MachineFactory
from tests.mail_backends import ProbingBackend
from vending.models import RefillRequest, RefillRequestEvent
from vending.selectors import refill_requests_due
from vending.services import refill_record, refill_request_transition
from vending.tasks import check_machines

pytestmark = pytest.mark.django_db

PARIS = timezone.get_fixed_timezone(60)


@pytest.fixture
def stocked_machine(machine, carrots):
    potatoes = ProductFactory(bunch=True, name="Pommes de terre", unit="kg")
    from catalogue.services.stock import stock_receive

    stock_receive(product_id=potatoes.pk, quantity=Decimal("3"))
    low = CompartmentFactory(machine=machine, code="A1", capacity=Decimal("10"), low_threshold=Decimal("2"))
    stale = CompartmentFactory(machine=machine, code="A2", capacity=Decimal("5"), low_threshold=Decimal("1"))
    fine = CompartmentFactory(machine=machine, code="A3", capacity=Decimal("5"), low_threshold=Decimal("1"))
    with time_machine.travel(dt.datetime(2026, 3, 1, 8, 0, tzinfo=PARIS)):
        refill_record(compartment=stale, product=carrots, quantity=Decimal("4"))
    with time_machine.travel(dt.datetime(2026, 3, 5, 8, 0, tzinfo=PARIS)):
        refill_record(compartment=low, product=potatoes, quantity=Decimal("2"))
        refill_record(compartment=fine, product=carrots, quantity=Decimal("5"))
    return machine, low, stale, potatoes, carrots


def test_low_and_stale_compartments_make_one_request_a_day_emailed_once(
    stocked_machine, mailoutbox, settings, django_capture_on_commit_callbacks
):
    machine = stocked_machine[0]
    # the backend notes whether the request was already marked emailed when it accepted the email (at least once:
    # never marked before)
    settings.EMAIL_BACKEND = "tests.mail_backends.ProbingBackend"
    ProbingBackend.seen = []
    ProbingBackend.probe = lambda: list(RefillRequest.objects.values_list("emailed_at", flat=True))

    with time_machine.travel(dt.datetime(2026, 3, 5, 9, 0, tzinfo=PARIS)):
        with django_capture_on_commit_callbacks(execute=True):
            first = check_machines.delay().get()
        with django_capture_on_commit_callbacks(execute=True):
            second = check_machines.delay().get()

    assert len(first["created"]) == 1 and second["created"] == []
    request = RefillRequest.objects.get()
    assert (request.machine, request.date, request.status) == (machine, dt.date(2026, 3, 5), "open")
    lines = {line.compartment.code: line for line in request.lines.all()}
    assert set(lines) == {"A1", "A2"}  # A3 is full and fresh
    # A1 is low: fill to capacity (8 more), capped by the 1 kg of potatoes left in the main stock
    assert (lines["A1"].reason, lines["A1"].suggested_quantity) == ("low", Decimal("1"))
    # A2 holds carrots filled on 1 March, past the 3-day limit: remove the 4 and put 5 fresh ones
    assert (lines["A2"].reason, lines["A2"].remove_quantity, lines["A2"].suggested_quantity) == (
        "stale",
        Decimal("4"),
        Decimal("5"),
    )
    assert request.load_kg == Decimal("3.50")  # 1 kg of potatoes + 5 bunches × 0.5 kg
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [settings.STAFF_NOTIFICATION_EMAIL]
    assert "Réassort nécessaire" in mailoutbox[0].subject
    assert "A2" in mailoutbox[0].body
    assert RefillRequest.objects.get().emailed_at is not None
    assert ProbingBackend.seen == [[None]]
    ProbingBackend.probe = None
    # the email goes through the outbox, and its handler is idempotent: a redelivery sends nothing
    from ecopole.core.models import OutboxMessage
    from vending.services import refill_request_notify

    assert OutboxMessage.objects.get(key=f"vending_refill_request_email:{request.pk}").status == "sent"
    assert refill_request_notify(refill_request_id=request.pk) is False and len(mailoutbox) == 1


def test_nothing_to_do_makes_no_request(machine, filled_a1, mailoutbox):
    check_machines.delay().get()
    assert RefillRequest.objects.count() == 0 and mailoutbox == []


def test_the_next_day_makes_a_new_request(stocked_machine, mailoutbox, django_capture_on_commit_callbacks):
    for day in (5, 6):
        with (
            time_machine.travel(dt.datetime(2026, 3, day, 9, 0, tzinfo=PARIS)),
            django_capture_on_commit_callbacks(execute=True),
        ):
            check_machines.delay().get()
    assert RefillRequest.objects.count() == 2 and len(mailoutbox) == 2


def test_requests_due_feed_the_rounds_and_move_open_planned_done(stocked_machine, manager):
    machine = stocked_machine[0]
    with time_machine.travel(dt.datetime(2026, 3, 5, 9, 0, tzinfo=PARIS)):
        check_machines.delay().get()
    away = MachineFactory(name="Autre")
    RefillRequest.objects.create(machine=away, date=dt.date(2026, 3, 9))

    due = list(refill_requests_due(dt.date(2026, 3, 6)))
    assert [r.machine for r in due] == [machine]
    assert (due[0].machine.latitude, due[0].load_kg) == (Decimal("50.951900"), Decimal("3.50"))

    request = due[0]
    refill_request_transition(refill_request=request, target="planned", user=manager)
    refill_request_transition(refill_request=request, target="planned", user=manager)  # repeat: no-op
    refill_request_transition(refill_request=request, target="done", user=manager)
    assert list(RefillRequestEvent.objects.filter(refill_request=request).values_list("from_status", "to_status")) == [
        ("", "open"),
        ("open", "planned"),
        ("planned", "done"),
    ]
    with pytest.raises(InvalidTransition):
        refill_request_transition(refill_request=request, target="open")
    assert list(refill_requests_due(dt.date(2026, 3, 6))) == []


def test_staff_list_the_requests(stocked_machine, driver_client, customer_client):
    with time_machine.travel(dt.datetime(2026, 3, 5, 9, 0, tzinfo=PARIS)):
        check_machines.delay().get()
    response = driver_client.get("/api/v1/vending/refill-requests/?status=open")
    assert response.status_code == 200
    result = response.json()["results"][0]
    assert result["status"] == "open" and {line["compartment"] for line in result["lines"]} == {"A1", "A2"}
    assert customer_client.get("/api/v1/vending/refill-requests/").status_code == 403
