"""Fixtures of the farmers' space tests: a workshop, a frozen 'now' (Monday 16 November 2026, 09:00 Paris), two
producers each with a member, a customer; clients logged in through the session, as a browser is."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client

from tests.factories.accounts import ProducerMemberFactory, UserFactory
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
def farm(db):
    return ProducerFactory(name="Ferme des Oyats")


@pytest.fixture
def member(farm):
    return ProducerMemberFactory(producer=farm, email="oyats@example.org")


@pytest.fixture
def other_farm(db):
    return ProducerFactory(name="Jardin de la Hem")


@pytest.fixture
def other_member(other_farm):
    return ProducerMemberFactory(producer=other_farm, email="hem@example.org")


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def member_client(member):
    return _logged_in(member)


@pytest.fixture
def other_client(other_member):
    return _logged_in(other_member)


@pytest.fixture
def customer_client(db):
    return _logged_in(UserFactory(email="cliente@example.org"))
