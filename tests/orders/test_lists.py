import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.services.grocery import order_transition
from tests.factories.accounts import UserFactory
from tests.orders.helpers import FRIDAY, place_home, place_pickup

pytestmark = pytest.mark.django_db
URL = "/api/v1/orders/"


def test_customers_see_only_their_own_orders(customer, other_customer, depot, leeks, customer_client):
    mine = place_pickup(customer, depot, [(leeks, 1)])
    theirs = place_pickup(other_customer, depot, [(leeks, 1)])

    listed = customer_client.get(URL)
    own = customer_client.get(f"{URL}{mine.pk}/")
    other = customer_client.get(f"{URL}{theirs.pk}/")

    assert [o["id"] for o in listed.json()["results"]] == [mine.pk]
    assert own.status_code == 200 and own.json()["lines"][0]["product_name"] == "Poireaux"
    assert other.status_code == 404 and other.json()["code"] == "not_found"


def test_a_customer_filtering_by_another_customer_still_sees_only_their_own(
    customer, other_customer, depot, leeks, customer_client
):
    place_pickup(other_customer, depot, [(leeks, 1)])
    assert customer_client.get(URL, {"customer": other_customer.pk}).json()["count"] == 0


def test_staff_see_every_order_and_filter_them(
    customer, other_customer, depot, relay, calais_zone, leeks, meal, manager, manager_client
):
    at_depot = place_pickup(customer, depot, [(leeks, 1)])
    at_relay = place_pickup(other_customer, relay, [(leeks, 1)])
    at_home = place_home(customer, [(meal, 2)])
    next_week = place_pickup(customer, depot, [(leeks, 1)], delivery_date=date(2026, 10, 30))
    order_transition(order_id=at_relay.pk, target="preparing", actor=manager)

    def ids(**params):
        response = manager_client.get(URL, params)
        assert response.status_code == 200, response.json()
        return {o["id"] for o in response.json()["results"]}

    assert ids() == {at_depot.pk, at_relay.pk, at_home.pk, next_week.pk}
    assert ids(delivery_date="2026-10-23") == {at_depot.pk, at_relay.pk, at_home.pk}
    assert ids(delivery_date_after="2026-10-24") == {next_week.pk}
    assert ids(status="preparing") == {at_relay.pk}
    assert ids(pickup_point=depot.pk) == {at_depot.pk, next_week.pk}
    assert ids(zone=calais_zone.pk) == {at_home.pk}
    assert ids(fulfilment="home") == {at_home.pk}
    assert ids(customer=other_customer.pk) == {at_relay.pk}


def test_the_staff_list_filtered_by_status_asks_no_distinct(customer, depot, leeks, manager_client):
    # DISTINCT made PostgreSQL sort every matching order for each page (142 ms at ten times the data)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    place_pickup(customer, depot, [(leeks, 1)])
    with CaptureQueriesContext(connection) as queries:
        response = manager_client.get(URL, {"status": ["placed", "preparing"]})
    assert response.status_code == 200 and response.json()["count"] == 1
    order_queries = [q["sql"] for q in queries.captured_queries if '"orders_order"' in q["sql"]]
    assert order_queries and not any("DISTINCT" in sql for sql in order_queries)


@pytest.mark.parametrize(
    "params",
    [
        {"delivery_date": "demain"},
        {"delivery_date_before": ""},
        {"status": "perdu"},
        {"pickup_point": "x"},
        {"zone": str(2**70)},
        {"page": "9"},
        {"page_size": "0"},
        {"page_size": "null"},
        {"page_size": "²"},
    ],
)
def test_bad_filters_are_4xx_never_500(manager_client, params):
    response = manager_client.get(URL, params)
    assert response.status_code in {400, 404}


def _orders(count, customers, depot, products):
    for i in range(count):
        place_pickup(customers[i % len(customers)], depot, [(p, 1) for p in products])


def _queries(client, url, params=None) -> int:
    client.get(url, params or {})  # warm up: the user's groups are cached on the (forced) user after one request
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_staff_list_takes_the_same_number_of_queries_for_2_or_20_orders(
    depot, leeks, jam, potatoes, manager_client
):
    customers = [UserFactory() for _ in range(3)]
    _orders(2, customers, depot, [leeks])
    few = _queries(manager_client, URL)
    _orders(18, customers, depot, [leeks, jam, potatoes])
    many = _queries(manager_client, URL, {"status": "placed"})
    assert manager_client.get(URL).json()["count"] == 20
    assert few == many == 3  # count, orders with their places and customer, lines


def test_the_customer_list_takes_the_same_number_of_queries_for_2_or_20_orders(
    customer, depot, leeks, jam, customer_client
):
    _orders(2, [customer], depot, [leeks])
    few = _queries(customer_client, URL)
    _orders(18, [customer], depot, [leeks, jam])
    assert _queries(customer_client, URL) == few == 3  # count, orders, lines


def test_the_delivery_days_take_the_same_number_of_queries_for_1_or_5_places(api_client, depot, calais_zone):
    few = _queries(api_client, "/api/v1/orders/delivery-days/")
    from tests.factories.deliveries import DeliveryDayFactory, PickupPointFactory

    for _ in range(4):
        DeliveryDayFactory(pickup_point=PickupPointFactory())
    assert _queries(api_client, "/api/v1/orders/delivery-days/") == few


# --- Preparation list -------------------------------------------------------------------------------------------


@pytest.fixture
def friday_orders(customer, other_customer, depot, relay, calais_zone, leeks, meal, potatoes, manager):
    place_pickup(customer, depot, [(leeks, 2), (potatoes, 3)])
    place_pickup(other_customer, depot, [(leeks, 1)])
    place_pickup(other_customer, relay, [(leeks, 4)])
    place_home(customer, [(meal, 2), (leeks, 1)])
    cancelled = place_pickup(customer, relay, [(leeks, 10)])
    order_transition(order_id=cancelled.pk, target="cancelled", actor=manager)
    place_pickup(customer, depot, [(leeks, 7)], delivery_date=date(2026, 10, 30))  # another day


def test_the_preparation_list_sums_quantities_per_product_and_per_destination(
    friday_orders, preparer_client, depot, relay, calais_zone, leeks, meal, potatoes
):
    response = preparer_client.get("/api/v1/orders/preparation-list/", {"date": FRIDAY.isoformat()})

    assert response.status_code == 200
    data = response.json()
    assert data["date"] == "2026-10-23" and data["orders_count"] == 4
    assert [(p["name"], p["quantity"], p["orders"]) for p in data["products"]] == [
        ("Plat du jour", "2.000", 1),
        ("Poireaux", "8.000", 4),
        ("Pommes de terre", "3.000", 1),
    ]
    destinations = {(d["type"], d["id"]): d for d in data["destinations"]}
    assert destinations[("pickup", depot.pk)]["orders_count"] == 2
    assert [(p["name"], p["quantity"]) for p in destinations[("pickup", depot.pk)]["products"]] == [
        ("Poireaux", "3.000"),
        ("Pommes de terre", "3.000"),
    ]
    assert [(p["name"], p["quantity"]) for p in destinations[("pickup", relay.pk)]["products"]] == [
        ("Poireaux", "4.000")
    ]
    assert destinations[("home", calais_zone.pk)]["name"] == "Calais et littoral"


@pytest.mark.parametrize("how", ["query", "accept"])
def test_the_preparation_list_comes_as_csv(friday_orders, preparer_client, depot, how):
    if how == "query":
        response = preparer_client.get("/api/v1/orders/preparation-list/", {"date": "2026-10-23", "format": "csv"})
    else:
        response = preparer_client.get(
            "/api/v1/orders/preparation-list/", {"date": "2026-10-23"}, HTTP_ACCEPT="text/csv"
        )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="preparation-2026-10-23.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    depot_leeks = next(
        r
        for r in rows
        if (r["destination_type"], r["destination_id"], r["name"]) == ("pickup", str(depot.pk), "Poireaux")
    )
    assert depot_leeks["quantity"] == "3.000" and depot_leeks["destination_type"] == "pickup"
    assert [r["quantity"] for r in rows if r["destination_type"] == "total"] == ["2.000", "8.000", "3.000"]


def test_the_preparation_list_is_for_staff_only(customer_client, producer_client, api_client):
    params = {"date": "2026-10-23"}
    assert customer_client.get("/api/v1/orders/preparation-list/", params).status_code == 403
    assert producer_client.get("/api/v1/orders/preparation-list/", params).status_code == 403
    assert api_client.get("/api/v1/orders/preparation-list/", params).status_code == 401


@pytest.mark.parametrize(
    ("params", "accept", "status"),
    [
        ({}, None, 400),
        ({"date": "vendredi"}, None, 400),
        ({"date": "2026-02-30", "format": "csv"}, None, 400),
        ({"date": "2026-10-23", "format": "xml"}, None, 404),
        ({"date": "nope"}, "text/csv", 400),
        ({"date": "2026-10-23"}, "application/pdf", 406),
    ],
)
def test_preparation_list_errors_are_json_whatever_the_format(manager_client, params, accept, status):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = manager_client.get("/api/v1/orders/preparation-list/", params, **headers)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert "code" in response.json()


def test_options_on_the_preparation_list_is_json_even_when_csv_is_asked(manager_client):
    response = manager_client.options("/api/v1/orders/preparation-list/", {"date": "2026-10-23", "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"


def test_the_schema_documents_the_preparation_list_in_json_and_csv(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/orders/preparation-list/"]["get"]
    assert set(operation["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    assert {p["name"] for p in operation["parameters"]} >= {"date", "format"}
    assert "Idempotency-Key" in {p["name"] for p in schema["paths"]["/api/v1/orders/"]["post"]["parameters"]}
