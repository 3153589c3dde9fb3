"""Fixtures of the security walkers: the frozen clock, a fast solver and the `world` (tests/security/world.py builds
it and holds the operations, calls and snapshot helpers the walkers import)."""

from __future__ import annotations

import pytest
import time_machine

from deliveries.services import planning
from tests.security.world import NOW, World, build_world


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def fast_solver(monkeypatch):
    monkeypatch.setattr(planning, "DEFAULT_TIME_LIMIT", 0.2)
    monkeypatch.setattr(planning, "AUTO_PLAN_TIME_LIMIT", 0.2)
    monkeypatch.setattr(planning, "MAX_ITERATIONS", 200)


@pytest.fixture
def world(db) -> World:
    return build_world()
