"""Shared fixtures: users of every role and API clients logged in as them."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.deliveries.geocoding_fixtures import ban_sample, fake_ban  # noqa: F401  (the geocoder's, for every app)
from tests.factories import ProducerFactory, ProducerMemberFactory, StaffFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle and login-failure counters (Redis when REDIS_URL is set) must not leak from one test to the next."""
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


@pytest.fixture
def customer(db):
    return UserFactory()


@pytest.fixture
def other_customer(db):
    return UserFactory()


@pytest.fixture
def producer(db):
    return ProducerFactory()


@pytest.fixture
def producer_member(db, producer):
    return ProducerMemberFactory(producer=producer)


@pytest.fixture
def manager(db):
    return StaffFactory(groups=["manager"])


@pytest.fixture
def preparer(db):
    return StaffFactory(groups=["preparer"])


@pytest.fixture
def driver(db):
    return StaffFactory(groups=["driver"])


@pytest.fixture
def customer_client(customer) -> APIClient:
    return client_for(customer)


@pytest.fixture
def other_customer_client(other_customer) -> APIClient:
    return client_for(other_customer)


@pytest.fixture
def producer_client(producer_member) -> APIClient:
    return client_for(producer_member)


@pytest.fixture
def manager_client(manager) -> APIClient:
    return client_for(manager)


@pytest.fixture
def preparer_client(preparer) -> APIClient:
    return client_for(preparer)


@pytest.fixture
def driver_client(driver) -> APIClient:
    return client_for(driver)


@pytest.fixture(autouse=True)
def _closed_breakers():
    """The circuit breakers (ecopole/core/breaker.py) are per process: a test that cut Redis must not leave the next
    test skipping it."""
    from ecopole.core.breaker import broker_breaker, cache_breaker

    broker_breaker.reset()
    cache_breaker.reset()
    yield
    broker_breaker.reset()
    cache_breaker.reset()
