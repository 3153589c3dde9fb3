"""Round fixtures (tests/deliveries/fixtures.py, shared with the planning board's tests): Friday 23 October 2026,
the Ecopôle depot, a relay point in Ardres, the Ilôt Jacquard antenna, home-delivery zones, a van and a cargo bike."""

from tests.deliveries.fixtures import (  # noqa: F401  (fixtures)
    ardres,
    bike,
    calais_zone,
    depot,
    fast_solver,
    frozen_thursday,
    jacquard,
    van,
)
