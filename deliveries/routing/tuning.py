"""PyVRP parameter choices, kept apart so benchmarks can tweak them.

Measured on a busy 2-core machine (5 s runs, a few thousand ILS iterations):

- Capacity-only problems (CVRPLIB set A): neighbourhood size (20/30/50),
  perturbation bounds (10/25/40), late-acceptance history (100/300/1000),
  earlier restarts, extra operators (Relocate3, Swap31/32/33) and faster
  penalty updates were all within run-to-run noise or worse, so PyVRP's
  defaults stay.
- Time-windowed problems with a binding fleet (Solomon R1/RC1 at the
  best-known fleet): PyVRP's initial penalty is the midpoint of
  [min_penalty, max_penalty], 50 000 per unit of time warp, updated every 500
  registrations, i.e. only a handful of times in a short run. The search then
  cannot cross infeasible space and often ends on its infeasible start. A cap
  of 100 and updates every 10-20 registrations made more of these runs
  feasible (8-10 of 12 instead of 7 of 12) and gave shorter feasible plans.
  Parallel workers alternate the update interval to hedge between the two.
"""

from __future__ import annotations

import pyvrp
from pyvrp.PenaltyManager import PenaltyParams

TIME_WINDOW_PENALTY_UPDATES = (10, 20)
TIME_WINDOW_MAX_PENALTY = 100.0


def solve_params(data: pyvrp.ProblemData, *, time_constrained: bool = False, variant: int = 0) -> pyvrp.SolveParams:
    if not time_constrained:
        return pyvrp.SolveParams()
    updates = TIME_WINDOW_PENALTY_UPDATES[variant % len(TIME_WINDOW_PENALTY_UPDATES)]
    penalty = PenaltyParams(solutions_between_updates=updates, max_penalty=TIME_WINDOW_MAX_PENALTY)
    return pyvrp.SolveParams(penalty=penalty)
