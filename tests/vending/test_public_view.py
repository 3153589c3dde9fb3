"""The public view: where, when open, what is in each compartment now and at what price, in constant queries."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalogue.services.stock import stock_receive
from tests.factories.catalogue import ProductFactory
from tests.factories.orders import OrderFactory
from tests.factories.vending import CompartmentFactory, MachineFactory
from vending.models import OpeningPeriod
from vending.services import locker_reservation_create, refill_record

pytestmark = pytest.mark.django_db

PARIS = timezone.get_fixed_timezone(60)  # March is winter time (UTC+1)


def test_anonymous_customers_see_each_compartment_now(api_client, machine, filled_a1, locker):
    response = api_client.get(f"/api/v1/vending/machines/{machine.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["place"] == "Ilôt Jacquard" and body["latitude"] == "50.951900"
    compartments = {c["code"]: c for c in body["compartments"]}
    assert compartments["A1"]["product"]["name"] == "Botte de carottes"
    assert compartments["A1"]["quantity"] == "5.000" and compartments["A1"]["price"] == "3.00"
    assert compartments["A1"]["available"] is True
    assert compartments["D6"]["product"] is None and compartments["D6"]["available"] is False


def test_the_public_cannot_tell_which_locker_holds_an_order(api_client, machine, locker):
    """Issue 21.9: the public view said `reserved: true` for a locker holding a customer's order."""
    empty = CompartmentFactory(machine=machine, code="D5", capacity=Decimal("1"), low_threshold=Decimal("0"))
    locker_reservation_create(
        compartment=locker, order_id=OrderFactory(at_machine=True).pk, pickup_date=dt.date(2026, 3, 2)
    )

    body = api_client.get(f"/api/v1/vending/machines/{machine.pk}/").json()

    compartments = {c.pop("code"): c for c in body["compartments"]}
    assert compartments["D6"] == compartments["D5"]
    assert compartments["D6"] == {
        "kind": empty.kind,
        "product": None,
        "quantity": "0.000",
        "price": None,
        "available": False,
    }
    assert "reserved" not in str(api_client.get("/api/schema/").content.decode().split("PublicCompartment")[1][:800])


def test_open_now_follows_the_opening_hours_in_paris_time(api_client):
    machine = MachineFactory()
    OpeningPeriod.objects.create(machine=machine, weekday=0, opens_at=dt.time(7), closes_at=dt.time(21))
    url = f"/api/v1/vending/machines/{machine.pk}/"

    with time_machine.travel(dt.datetime(2026, 3, 2, 20, 30, tzinfo=PARIS)):  # Monday 20:30
        body = api_client.get(url).json()
        assert body["is_open_now"] is True
        assert body["opening_hours"] == [{"weekday": 0, "opens_at": "07:00:00", "closes_at": "21:00:00"}]
    with time_machine.travel(dt.datetime(2026, 3, 2, 21, 0, tzinfo=PARIS)):  # Monday 21:00
        assert api_client.get(url).json()["is_open_now"] is False
    with time_machine.travel(dt.datetime(2026, 3, 3, 10, 0, tzinfo=PARIS)):  # Tuesday
        assert api_client.get(url).json()["is_open_now"] is False


def test_unknown_or_inactive_machine_is_404(api_client, machine):
    assert api_client.get("/api/v1/vending/machines/999999/").status_code == 404
    machine.is_active = False
    machine.save()
    assert api_client.get(f"/api/v1/vending/machines/{machine.pk}/").status_code == 404


def _machines(count: int) -> None:
    product = ProductFactory(bunch=True)
    stock_receive(product_id=product.pk, quantity=Decimal("1000"))
    for _ in range(count):
        machine = MachineFactory()
        OpeningPeriod.objects.create(machine=machine, weekday=0, opens_at=dt.time(7), closes_at=dt.time(21))
        for code in ("A1", "A2", "A3"):
            compartment = CompartmentFactory(machine=machine, code=code)
            refill_record(compartment=compartment, product=product, quantity=Decimal("2"))


def test_the_list_takes_the_same_number_of_queries_for_2_or_20_machines(api_client):
    _machines(2)
    with CaptureQueriesContext(connection) as few:
        assert len(api_client.get("/api/v1/vending/machines/?page_size=50").json()["results"]) == 2
    _machines(18)
    with CaptureQueriesContext(connection) as many:
        body = api_client.get("/api/v1/vending/machines/?page_size=50").json()
    assert len(body["results"]) == 20 and len(body["results"][0]["compartments"]) == 3
    assert len(many) == len(few) == 4  # count, machines, opening periods, compartments (+product, reserved)
