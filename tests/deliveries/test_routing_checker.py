from dataclasses import replace
from pathlib import Path

from deliveries.routing.checker import check_solution, recompute_distance
from deliveries.routing.distances import EuclideanMatrix
from deliveries.routing.instances import read_cvrplib_solution, read_instance
from deliveries.routing.problem import Depot, Problem, Route, RouteVisit, Solution, Stop, Vehicle

DATA = Path(__file__).parent / "data"


def make_solution(problem: Problem, routes: list[tuple[str, list[str]]], total: float | None = None) -> Solution:
    built = tuple(
        Route(
            vehicle_id=vehicle_id,
            stops=tuple(RouteVisit(stop_id, 0.0, 0.0) for stop_id in stop_ids),
            distance=0.0,
            duration=0.0,
            load_kg=0.0,
            load_crates=0,
        )
        for vehicle_id, stop_ids in routes
    )
    solution = Solution(routes=built, total_distance=0.0)
    return replace(solution, total_distance=recompute_distance(problem, solution) if total is None else total)


def known_optimum():
    problem = read_instance(DATA / "A-n32-k5.vrp").problem
    known = read_cvrplib_solution(DATA / "A-n32-k5.sol")
    routes = [("truck", [str(c) for c in route]) for route in known.routes]
    return problem, make_solution(problem, routes)


def line_problem(**vehicle_fields) -> Problem:
    vehicle = Vehicle(id="van", capacity_kg=10, **vehicle_fields)
    bike = Vehicle(id="bike", capacity_kg=10, allowed_communes=frozenset({"Calais"}))
    return Problem(
        depot=Depot(id="depot", x=0, y=0),
        stops=(
            Stop(id="a", x=3, y=4, load_kg=6, window_start=0, window_end=10, commune="Calais"),
            Stop(id="b", x=6, y=8, load_kg=6, window_start=0, window_end=12, service_minutes=2, commune="Marck"),
        ),
        vehicles=(vehicle, bike),
        distance_matrix=EuclideanMatrix(),
    )


def codes(violations) -> list[str]:
    return sorted(v.code for v in violations)


def test_published_optimum_is_valid_and_measures_784():
    # Given the CVRPLIB optimal routes of A-n32-k5
    problem, solution = known_optimum()

    # When checked independently
    violations = check_solution(problem, solution)

    # Then it is valid and its recomputed length is the optimum
    assert violations == []
    assert recompute_distance(problem, solution) == 784


def test_duplicated_customer_is_caught():
    problem, solution = known_optimum()
    routes = [(r.vehicle_id, r.stop_ids) for r in solution.routes]
    routes[2] = ("truck", [*routes[2][1], "1"])
    duplicated = make_solution(problem, routes)

    assert "duplicate_stop" in codes(check_solution(problem, duplicated))


def test_missing_customer_is_caught():
    problem, solution = known_optimum()
    routes = [(r.vehicle_id, r.stop_ids) for r in solution.routes]
    routes[2] = ("truck", routes[2][1][1:])

    assert "missing_stop" in codes(check_solution(problem, make_solution(problem, routes)))


def test_over_capacity_route_is_caught():
    # Given two 6 kg stops on one 10 kg vehicle
    problem = line_problem()
    solution = make_solution(problem, [("van", ["a", "b"])])

    assert "capacity_kg" in codes(check_solution(problem, solution))


def test_late_arrival_is_caught():
    # Given b (due at 12) served after a: arrival at 5 + 5 = 10 is fine,
    # but visiting b first then a arrives at a at 10 + 2 + 5 = 17 > 10
    problem = line_problem()
    bigger = replace(problem, vehicles=(replace(problem.vehicles[0], capacity_kg=20),))
    on_time = make_solution(bigger, [("van", ["a", "b"])])
    late = make_solution(bigger, [("van", ["b", "a"])])

    assert check_solution(bigger, on_time) == []
    assert codes(check_solution(bigger, late)) == ["late_arrival"]


def test_late_return_to_depot_is_caught():
    # Given a van whose shift ends at 9 and a round trip of 10
    problem = line_problem(shift_end=9)
    problem = replace(problem, stops=problem.stops[:1])

    violations = check_solution(problem, make_solution(problem, [("van", ["a"])]))

    assert codes(violations) == ["late_return"]


def test_forbidden_commune_is_caught():
    # Given the bike limited to Calais carrying the Marck stop
    problem = line_problem()
    solution = make_solution(problem, [("van", ["a"]), ("bike", ["b"])])

    assert codes(check_solution(problem, solution)) == ["forbidden_commune"]


def test_wrong_reported_distance_is_caught():
    problem, solution = known_optimum()

    assert codes(check_solution(problem, replace(solution, total_distance=700))) == ["distance_mismatch"]


def test_waiting_is_allowed_before_a_window_opens():
    # Given a stop opening at 8 reached at 5, on a fleet of two vans
    problem = line_problem(count=2)
    early = replace(problem.stops[0], window_start=8)
    waiting = replace(problem, stops=(early, problem.stops[1]))

    # When the vans serve one stop each
    solution = make_solution(waiting, [("van", ["a"]), ("van", ["b"])])

    # Then waiting is not a violation
    assert check_solution(waiting, solution) == []


def test_more_routes_than_vehicles_is_caught():
    problem = line_problem()
    solution = make_solution(problem, [("van", ["a"]), ("van", ["b"])])

    assert codes(check_solution(problem, solution)) == ["too_many_routes"]
