"""Planning board fixtures: the rounds' fixtures of tests/deliveries/fixtures.py (the depot at Vieille-Église, the
Calais zone, the van and the Calais cargo bike, Thursday evening, a fast solver) and a Friday (23 October 2026) with
home orders to plan."""

from __future__ import annotations

import pytest

from tests.deliveries.fixtures import bike, calais_zone, depot, fast_solver, frozen_thursday, van  # noqa: F401
from tests.deliveries.helpers import CALAIS_POINTS, FRIDAY, MARCK
from tests.factories.orders import order_create


@pytest.fixture
def board_friday(depot, calais_zone, van, bike):  # noqa: F811  (pytest passes the imported fixtures by name)
    """Four Calais orders and one in Marck of 6 kg each, to plan with the van and the Calais cargo bike."""
    orders = [
        order_create(day=FRIDAY, zone=calais_zone, commune="Calais", lat=lat, lon=lon, kg="6")
        for lat, lon in CALAIS_POINTS
    ]
    orders.append(order_create(day=FRIDAY, zone=calais_zone, commune="Marck", lat=MARCK[0], lon=MARCK[1], kg="6"))
    return {"depot": depot, "zone": calais_zone, "van": van, "bike": bike, "orders": orders}


# The browser tests of the board run Debian's Chromium as tests/browser does (its launch and context settings).
from tests.browser.conftest import browser_context_args, browser_type_launch_args  # noqa: E402, F401
