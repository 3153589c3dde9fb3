from pathlib import Path

from deliveries.routing.distances import EuclideanMatrix
from deliveries.routing.instances import detect_kind, read_cvrplib_solution, read_instance

DATA = Path(__file__).parent / "data"


def test_cvrplib_reader_numbers_customers_like_the_sol_files():
    # Given the A-n32-k5 instance (depot = node 1)
    # When it is read
    instance = read_instance(DATA / "A-n32-k5.vrp")

    # Then node i + 1 becomes customer i and the depot is kept apart
    problem = instance.problem
    assert instance.name == "A-n32-k5"
    assert instance.kind == "cvrp"
    assert len(problem.stops) == 31
    assert (problem.depot.x, problem.depot.y) == (82, 76)
    first = problem.stops[0]
    assert (first.id, first.x, first.y, first.load_kg) == ("1", 96, 44, 19)
    assert problem.stops[-1].id == "31"
    assert problem.vehicles[0].capacity_kg == 100
    assert problem.distance_matrix == EuclideanMatrix(rounding="nint")


def test_cvrplib_fleet_is_unbounded_unless_given():
    assert read_instance(DATA / "A-n32-k5.vrp").problem.vehicles[0].count == 31
    assert read_instance(DATA / "A-n32-k5.vrp", vehicles=5).problem.vehicles[0].count == 5


def test_sol_reader_returns_routes_and_cost():
    # Given the published optimal solution
    solution = read_cvrplib_solution(DATA / "A-n32-k5.sol")

    # Then every customer 1..31 appears once and the cost is the optimum
    assert len(solution.routes) == 5
    assert sorted(c for route in solution.routes for c in route) == list(range(1, 32))
    assert solution.routes[2] == [27, 24]
    assert solution.cost == 784


def test_solomon_reader_keeps_windows_service_and_customer_numbers():
    # Given c101
    instance = read_instance(DATA / "c101.txt")

    # Then depot, fleet and customers come from the file
    problem = instance.problem
    assert instance.name == "C101"
    assert instance.kind == "vrptw"
    assert instance.file_vehicles == 25
    assert (problem.depot.window_start, problem.depot.window_end) == (0, 1236)
    assert len(problem.stops) == 100
    first = problem.stops[0]
    assert (first.id, first.x, first.y, first.load_kg) == ("1", 45, 68, 10)
    assert (first.window_start, first.window_end, first.service_minutes) == (912, 967, 90)
    vehicle = problem.vehicles[0]
    assert (vehicle.capacity_kg, vehicle.count, vehicle.shift_end) == (200, 25, 1236)
    assert problem.distance_matrix == EuclideanMatrix(rounding="none")


def test_solomon_fleet_size_can_be_overridden():
    instance = read_instance(DATA / "r101.txt", vehicles=19)

    assert instance.problem.vehicles[0].count == 19
    stop = instance.problem.stops[0]
    assert (stop.x, stop.y, stop.load_kg, stop.window_start, stop.window_end, stop.service_minutes) == (
        41,
        49,
        10,
        161,
        171,
        10,
    )


def test_format_is_detected_from_content():
    assert detect_kind((DATA / "A-n32-k5.vrp").read_text()) == "cvrp"
    assert detect_kind((DATA / "r101.txt").read_text()) == "vrptw"


def test_euclidean_rounding_follows_tsplib_nint():
    points = [(0.0, 0.0), (1.0, 1.0), (3.0, 4.0)]

    assert EuclideanMatrix(rounding="nint").distances(points)[0].tolist() == [0.0, 1.0, 5.0]
    assert EuclideanMatrix(rounding="none").distances(points)[0][1] == 2**0.5
