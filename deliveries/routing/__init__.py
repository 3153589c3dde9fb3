"""Pure-Python vehicle routing for Ecopôle deliveries.

This package must stay free of Django imports: the delivery services build a
:class:`Problem` from their models, call :func:`solve`, and persist the
returned :class:`Solution` themselves. Keeping the boundary plain data lets
the solver be benchmarked and tested without a database.
"""

from deliveries.routing.checker import Violation, check_solution
from deliveries.routing.distances import (
    DistanceMatrix,
    EuclideanMatrix,
    HaversineMatrix,
)
from deliveries.routing.problem import (
    Depot,
    Problem,
    Route,
    RouteVisit,
    Solution,
    Stop,
    UnassignedReason,
    UnassignedStop,
    Vehicle,
)
from deliveries.routing.solver import solve

__all__ = [
    "Depot",
    "DistanceMatrix",
    "EuclideanMatrix",
    "HaversineMatrix",
    "Problem",
    "Route",
    "RouteVisit",
    "Solution",
    "Stop",
    "UnassignedReason",
    "UnassignedStop",
    "Vehicle",
    "Violation",
    "check_solution",
    "solve",
]
