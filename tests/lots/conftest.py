"""Fixtures of the lot tests: the workshop set up, a frozen 'now' (Monday 16 November 2026, 09:00 Paris)."""

from __future__ import annotations

import pytest
import time_machine

from tests.factories.catalogue import ProducerFactory
from tests.factories.processing import workshop_setup
from tests.lots.helpers import NOW, completed_lot, jar_product


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def workshop(db):
    return workshop_setup()


@pytest.fixture
def farm(producer):
    producer.commune = "Ruminghem"
    producer.save(update_fields=["commune"])
    return producer


@pytest.fixture
def soup(farm):
    return jar_product(farm)


@pytest.fixture
def lot(frozen, farm, soup, manager, workshop):
    return completed_lot(producer=farm, product=soup, manager=manager, equipment=workshop["washing"])


@pytest.fixture
def other_producer(db):
    return ProducerFactory()
