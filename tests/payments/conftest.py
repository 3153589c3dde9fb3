"""Payments fixtures: Stripe's keys set, its HTTP API replaced by `FakeStripe`, and the grocery's fixtures (a frozen
Monday, the depot, potatoes sold by weight, leeks by the bunch)."""

from __future__ import annotations

import pytest
import responses

from tests.orders.conftest import depot, frozen_now, leeks, potatoes, soap  # noqa: F401
from tests.payments.helpers import WEBHOOK_SECRET, FakeStripe


@pytest.fixture(autouse=True)
def stripe_keys(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.PAYMENTS_WEIGHT_MARGIN_PERCENT = 15
    settings.PAYMENTS_AUTHORISATION_DAYS = 7


@pytest.fixture
def fake_stripe():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield FakeStripe(mock)
