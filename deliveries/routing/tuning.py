"""PyVRP parameter choices, kept apart so benchmarks can tweak them."""

from __future__ import annotations

import pyvrp


def solve_params(data: pyvrp.ProblemData) -> pyvrp.SolveParams:
    return pyvrp.SolveParams()
