"""Fixtures of the workshop tests: the workshop set up, a frozen 'now' (Monday 16 November 2026, 09:00 Paris)."""

from __future__ import annotations

import pytest
import time_machine

from tests.clients import client_for
from tests.factories.accounts import ProducerMemberFactory
from tests.factories.catalogue import ProducerFactory
from tests.factories.processing import workshop_setup
from tests.processing.helpers import NOW


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def workshop(db):
    return workshop_setup()


@pytest.fixture
def other_producer(db):
    return ProducerFactory()


@pytest.fixture
def other_member(other_producer):
    return ProducerMemberFactory(producer=other_producer)


@pytest.fixture
def other_producer_client(other_member):
    return client_for(other_member)
