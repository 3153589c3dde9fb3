from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from catalogue.services.stock import stock_receive
from tests.factories.catalogue import ProductFactory
from tests.factories.vending import CompartmentFactory, MachineFactory
from tests.vending.helpers import machine_client_for
from vending.services import machine_key_rotate, refill_record


@pytest.fixture
def carrots(db):
    product = ProductFactory(bunch=True, name="Botte de carottes", unit_price=Decimal("2.50"))
    stock_receive(product_id=product.pk, quantity=Decimal("100"))
    return product


@pytest.fixture
def machine(db):
    return MachineFactory(name="Distributeur Ilôt Jacquard", open_all_day=True)


@pytest.fixture
def machine_key(machine) -> str:
    return machine_key_rotate(machine=machine)


@pytest.fixture
def machine_client(machine_key) -> APIClient:
    return machine_client_for(machine_key)


@pytest.fixture
def other_machine(db):
    return MachineFactory(name="Distributeur Vieille-Église", commune="Vieille-Église")


@pytest.fixture
def other_machine_key(other_machine) -> str:
    return machine_key_rotate(machine=other_machine)


@pytest.fixture
def a1(machine):
    return CompartmentFactory(machine=machine, code="A1", capacity=Decimal("10"), low_threshold=Decimal("2"))


@pytest.fixture
def locker(machine):
    return CompartmentFactory(machine=machine, code="D6", capacity=Decimal("1"), low_threshold=Decimal("0"))


@pytest.fixture
def filled_a1(a1, carrots):
    refill_record(compartment=a1, product=carrots, quantity=Decimal("5"), price=Decimal("3.00"))
    a1.refresh_from_db()
    return a1
