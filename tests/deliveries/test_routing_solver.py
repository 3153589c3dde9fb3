import random
from dataclasses import replace
from pathlib import Path

from deliveries.routing.checker import check_solution
from deliveries.routing.distances import EuclideanMatrix, HaversineMatrix
from deliveries.routing.instances import read_instance
from deliveries.routing.problem import Depot, Problem, Stop, UnassignedReason, Vehicle
from deliveries.routing.solver import solve

DATA = Path(__file__).parent / "data"
CALAIS = (1.8587, 50.9513)  # lon, lat of the depot


def calais_problem(n_stops: int = 24, seed: int = 7) -> Problem:
    """Stops around Calais: centre stops reachable by bike, suburbs by van only."""
    rng = random.Random(seed)
    stops = []
    for i in range(n_stops):
        centre = i % 2 == 0
        spread = 0.01 if centre else 0.06
        start = rng.choice([480, 540, 600, 660])
        stops.append(
            Stop(
                id=f"s{i}",
                x=CALAIS[0] + rng.uniform(-spread, spread),
                y=CALAIS[1] + rng.uniform(-spread, spread),
                load_kg=rng.randint(2, 25),
                load_crates=rng.randint(1, 4),
                service_minutes=5,
                window_start=start,
                window_end=start + 120,
                commune="Calais" if centre else rng.choice(["Coquelles", "Marck", "Sangatte"]),
            )
        )
    vehicles = (
        Vehicle(
            id="van",
            capacity_kg=300,
            capacity_crates=40,
            shift_start=420,
            shift_end=900,
            speed_kmh=35,
            fixed_cost=5,
            count=2,
        ),
        Vehicle(
            id="bike",
            capacity_kg=80,
            capacity_crates=10,
            shift_start=420,
            shift_end=900,
            speed_kmh=15,
            allowed_communes=frozenset({"Calais"}),
            count=2,
        ),
    )
    return Problem(
        depot=Depot(id="ecopole", x=CALAIS[0], y=CALAIS[1], window_start=420, window_end=900),
        stops=tuple(stops),
        vehicles=vehicles,
        distance_matrix=HaversineMatrix(road_factor=1.3, speed_kmh=30),
    )


def test_plan_respects_capacities_windows_and_communes():
    # Given a mixed van/bike fleet around Calais
    problem = calais_problem()

    # When solved briefly
    solution = solve(problem, time_limit=0.5, seed=1)

    # Then the independent checker finds nothing and every stop is served
    assert check_solution(problem, solution) == []
    assert solution.feasible
    assert solution.unassigned == ()


def test_bike_never_gets_a_commune_it_may_not_serve():
    # Given a fleet where bikes must take part of the load
    problem = calais_problem()
    van, bike = problem.vehicles
    # (a single, smaller van cannot carry everything)
    problem = replace(problem, vehicles=(replace(van, count=1, capacity_kg=250), bike))

    # When solved
    solution = solve(problem, time_limit=0.5, seed=3)

    # Then bikes only carry Calais stops
    stops = problem.stop_by_id()
    bike_stops = [stops[s] for route in solution.routes if route.vehicle_id == "bike" for s in route.stop_ids]
    assert bike_stops
    assert {stop.commune for stop in bike_stops} == {"Calais"}
    # One van may not reach every suburb in time: left-overs are reported.
    assert check_solution(problem, solution, require_all=False) == []


def test_unservable_stops_are_reported_with_their_reason():
    # Given one stop per impossibility next to a normal one
    base = calais_problem(n_stops=4)
    normal = base.stops[0]
    impossible = (
        Stop(id="heavy", x=normal.x, y=normal.y, load_kg=1000, commune="Calais"),
        Stop(id="boulogne", x=1.61, y=50.72, load_kg=1, commune="Boulogne-sur-Mer"),
        Stop(id="too-early", x=1.95, y=50.98, load_kg=1, window_start=400, window_end=421, commune="Marck"),
    )
    van = Vehicle(
        id="van",
        capacity_kg=300,
        shift_start=420,
        shift_end=900,
        speed_kmh=35,
        allowed_communes=frozenset({"Calais", "Coquelles", "Marck", "Sangatte"}),
    )
    bike = Vehicle(
        id="bike",
        capacity_kg=80,
        shift_start=420,
        shift_end=900,
        speed_kmh=15,
        allowed_communes=frozenset({"Calais"}),
    )
    problem = replace(base, stops=base.stops + impossible, vehicles=(van, bike))

    # When solved
    solution = solve(problem, time_limit=0.5, seed=1)

    # Then the plan still covers the rest and each rejection carries its code
    reasons = {item.stop_id: item.reason for item in solution.unassigned}
    assert reasons == {
        "heavy": UnassignedReason.CAPACITY_EXCEEDED,
        "boulogne": UnassignedReason.NO_VEHICLE_CAN_SERVE_COMMUNE,
        "too-early": UnassignedReason.TIME_WINDOW_UNREACHABLE,
    }
    assert reasons["heavy"] == "capacity_exceeded"
    assert check_solution(problem, solution, require_all=False) == []
    assert len([s for r in solution.routes for s in r.stop_ids]) == 4


def test_too_small_fleet_gives_a_partial_plan_not_a_crash():
    # Given more load than the whole fleet can carry
    stops = tuple(Stop(id=str(i), x=i, y=0, load_kg=40) for i in range(1, 6))
    problem = Problem(
        depot=Depot(id="d", x=0, y=0),
        stops=stops,
        vehicles=(Vehicle(id="van", capacity_kg=100),),
        distance_matrix=EuclideanMatrix(),
    )

    # When solved
    solution = solve(problem, time_limit=0.3, seed=1)

    # Then two stops ride, the others are reported with what the fleet lacks (200 kg for 100), and nothing is lost
    assert len(solution.routes) == 1
    assert len(solution.routes[0].stops) == 2
    assert {(item.reason, item.missing_kg, item.missing_crates) for item in solution.unassigned} == {
        (UnassignedReason.FLEET_CAPACITY_INSUFFICIENT, 100.0, 0)
    }
    assert not solution.feasible
    assert check_solution(problem, solution, require_all=False) == []


def test_optional_stop_is_skipped_when_not_worth_it():
    problem = Problem(
        depot=Depot(id="d", x=0, y=0),
        stops=(
            Stop(id="near", x=1, y=0),
            Stop(id="far", x=100, y=0, required=False, prize=5),
        ),
        vehicles=(Vehicle(id="van"),),
        distance_matrix=EuclideanMatrix(),
    )

    solution = solve(problem, time_limit=0.2, seed=1)

    assert [r.stop_ids for r in solution.routes] == [["near"]]
    assert [(u.stop_id, u.reason) for u in solution.unassigned] == [("far", "not_selected_by_solver")]
    assert solution.feasible


def test_same_seed_gives_same_routes():
    # Given an iteration budget that binds before the (generous) time limit
    problem = calais_problem(n_stops=30, seed=11)

    # When solved twice with the same seed
    first = solve(problem, time_limit=20, seed=5, max_iterations=400)
    second = solve(problem, time_limit=20, seed=5, max_iterations=400)

    # Then the plans are identical
    assert [(r.vehicle_id, r.stop_ids) for r in first.routes] == [(r.vehicle_id, r.stop_ids) for r in second.routes]
    assert first.total_distance == second.total_distance


def test_a_n32_k5_within_one_percent_of_optimum():
    problem = read_instance(DATA / "A-n32-k5.vrp").problem

    solution = solve(problem, time_limit=2, seed=1)

    assert check_solution(problem, solution) == []
    assert solution.total_distance <= 784 * 1.01


def test_solomon_c101_with_best_known_fleet():
    problem = read_instance(DATA / "c101.txt", vehicles=10).problem

    solution = solve(problem, time_limit=2, seed=1)

    assert check_solution(problem, solution) == []
    assert len(solution.routes) <= 10
    assert solution.total_distance <= 828.94 * 1.01


class CountingMatrix:
    """A distance provider that counts the full matrices asked of it (2-point legs are the checker's)."""

    def __init__(self, base):
        self.base, self.calls = base, []

    def distances(self, points):
        self.calls.append(("distances", len(points)))
        return self.base.distances(points)

    def durations(self, points, speed_kmh=None):
        self.calls.append(("durations", len(points), speed_kmh))
        return self.base.durations(points, speed_kmh)


def test_a_planning_computes_each_matrix_once_however_many_searches_it_runs():
    # given a problem whose fleet cannot carry everything (a relaxed search) solved by two parallel searches
    base = calais_problem(n_stops=30)
    counting = CountingMatrix(base.distance_matrix)
    problem = replace(base, distance_matrix=counting, vehicles=base.vehicles[:1])

    solution = solve(problem, time_limit=0.5, seed=1, workers=2)

    # then one distance matrix and one duration matrix per vehicle speed, over the depot and all 30 stops
    assert counting.calls == [("distances", 31), ("durations", 31, 35)]
    assert check_solution(replace(problem, distance_matrix=base.distance_matrix), solution) == []


def test_the_vectorised_haversine_matches_the_great_circle_formula():
    import math

    matrix = HaversineMatrix(road_factor=1.0, speed_kmh=60)
    calais, lille = (1.8587, 50.9513), (3.0573, 50.6292)
    lon1, lat1, lon2, lat2 = map(math.radians, (*calais, *lille))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    expected = 2 * 6371.0088 * math.asin(math.sqrt(h))
    km = matrix.distances([calais, lille])
    assert abs(km[0][1] - expected) < 1e-9 and km[0][0] == 0 and abs(km[1][0] - expected) < 1e-9
    assert abs(matrix.durations([calais, lille])[0][1] - expected) < 1e-9  # 60 km/h: minutes = km
