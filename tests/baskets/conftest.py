"""Fixtures of the cabas bio tests (the dates are in `tests/baskets/constants.py`).

The world: Monday 7 December 2026, 09:00 in Paris (ISO week 2026-W50); baskets are distributed on Friday
11 December, cutoff Wednesday 9 December at 12:00. The places, offers and composed vegetables (`ilot`, `relay_point`,
`home_zone`, `offers`, `small`, `composed`, `make_subscription`) are fixtures of tests/conftest.py: the shop's cabas
pages and their browser test use them too.
"""

from __future__ import annotations

import pytest
import time_machine

from .constants import MONDAY


@pytest.fixture(autouse=True)
def basket_now():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller
