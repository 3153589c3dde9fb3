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
        if response.streaming:
            b"".join(response.streaming_content)  # a streamed body reads the database as it is sent
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


PREPARATION = "/api/v1/orders/preparation-list/"


def _rows(data: dict) -> list[tuple]:
    return [
        (r["destination_type"], r["destination_id"], r["name"], r["quantity"], r["orders"]) for r in data["results"]
    ]


def test_the_preparation_list_sums_quantities_per_destination_and_product(
    friday_orders, preparer_client, depot, relay, calais_zone
):
    response = preparer_client.get(PREPARATION, {"date": FRIDAY.isoformat()})

    assert response.status_code == 200
    data = response.json()
    assert (data["date"], data["by"], data["orders_count"], data["count"]) == ("2026-10-23", "destination", 4, 5)
    assert (data["next"], data["previous"]) == (None, None)
    depot_first = sorted([(depot.name, depot.pk), (relay.name, relay.pk)])
    assert [(d["type"], d["id"], d["name"], d["orders_count"], d["products_count"]) for d in data["destinations"]] == [
        ("home", calais_zone.pk, "Calais et littoral", 1, 2),
        *[("pickup", pk, name, *((2, 2) if pk == depot.pk else (1, 1))) for name, pk in depot_first],
    ]
    per_place = {
        ("home", calais_zone.pk): [("Plat du jour", "2.000", 1), ("Poireaux", "1.000", 1)],
        ("pickup", depot.pk): [("Poireaux", "3.000", 2), ("Pommes de terre", "3.000", 1)],
        ("pickup", relay.pk): [("Poireaux", "4.000", 1)],  # the cancelled order's 10 are not there
    }
    expected = [
        (kind, pk, *row)
        for kind, pk in [("home", calais_zone.pk)] + [("pickup", pk) for _, pk in depot_first]
        for row in per_place[(kind, pk)]
    ]
    assert _rows(data) == expected
    assert data["results"][0]["destination"] == "Calais et littoral"


def test_the_preparation_list_gives_the_totals_per_product(friday_orders, preparer_client):
    data = preparer_client.get(PREPARATION, {"date": FRIDAY.isoformat(), "by": "product"}).json()

    assert data["by"] == "product" and data["count"] == 3
    assert _rows(data) == [
        ("total", None, "Plat du jour", "2.000", 1),
        ("total", None, "Poireaux", "8.000", 4),
        ("total", None, "Pommes de terre", "3.000", 1),
    ]
    assert {r["destination"] for r in data["results"]} == {None}


def test_the_preparation_list_keeps_one_destination(friday_orders, preparer_client, depot, calais_zone):
    at_depot = preparer_client.get(
        PREPARATION, {"date": FRIDAY.isoformat(), "destination_type": "pickup", "destination": depot.pk}
    ).json()
    assert _rows(at_depot) == [
        ("pickup", depot.pk, "Poireaux", "3.000", 2),
        ("pickup", depot.pk, "Pommes de terre", "3.000", 1),
    ]
    assert len(at_depot["destinations"]) == 3  # the menu of destinations stays whole
    # The zone's id may equal a pickup point's: the type says which.
    totals_home = preparer_client.get(
        PREPARATION,
        {"date": FRIDAY.isoformat(), "destination_type": "home", "destination": calais_zone.pk, "by": "product"},
    ).json()
    assert _rows(totals_home) == [("total", None, "Plat du jour", "2.000", 1), ("total", None, "Poireaux", "1.000", 1)]


def test_the_preparation_list_is_paginated(friday_orders, preparer_client):
    params = {"date": FRIDAY.isoformat(), "page_size": 2}
    first = preparer_client.get(PREPARATION, params).json()
    second = preparer_client.get(PREPARATION, {**params, "page": 2}).json()
    third = preparer_client.get(PREPARATION, {**params, "page": 3}).json()
    whole = preparer_client.get(PREPARATION, {"date": FRIDAY.isoformat()}).json()

    assert [first["count"], len(first["results"]), len(second["results"]), len(third["results"])] == [5, 2, 2, 1]
    assert first["results"] + second["results"] + third["results"] == whole["results"]
    assert "page=2" in first["next"] and first["previous"] is None and third["next"] is None
    assert preparer_client.get(PREPARATION, {**params, "page": 4}).status_code == 404


def test_pages_of_every_size_put_together_give_the_whole_list(friday_orders, preparer_client, depot):
    """A page reads only the destinations it spans (`PreparationDestinationRows`): wherever its edges fall, within
    a destination or across two, the pages make the whole list, in order, once."""
    day = FRIDAY.isoformat()
    for extra in ({}, {"destination_type": "pickup", "destination": depot.pk}):
        whole = preparer_client.get(PREPARATION, {"date": day, **extra}).json()["results"]
        for size in range(1, len(whole) + 1):
            pages, page = [], 1
            while True:
                data = preparer_client.get(PREPARATION, {"date": day, "page_size": size, "page": page, **extra}).json()
                pages += data["results"]
                assert data["count"] == len(whole)
                if data["next"] is None:
                    break
                page += 1
            assert pages == whole, size


def test_a_date_without_orders_gives_an_empty_preparation_list(preparer_client):
    data = preparer_client.get(PREPARATION, {"date": "2026-10-24"}).json()
    assert (data["orders_count"], data["count"], data["results"], data["destinations"]) == (0, 0, [], [])


@pytest.mark.parametrize("how", ["query", "accept"])
def test_the_preparation_list_comes_as_a_streamed_csv(friday_orders, preparer_client, depot, how):
    if how == "query":
        response = preparer_client.get(PREPARATION, {"date": "2026-10-23", "format": "csv", "page_size": 1})
    else:
        response = preparer_client.get(PREPARATION, {"date": "2026-10-23"}, HTTP_ACCEPT="text/csv")

    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="preparation-2026-10-23.csv"'
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 5 + 3  # unpaginated: every destination row, then the totals
    depot_leeks = next(
        r
        for r in rows
        if (r["destination_type"], r["destination_id"], r["name"]) == ("pickup", str(depot.pk), "Poireaux")
    )
    assert depot_leeks["quantity"] == "3.000" and depot_leeks["orders"] == "2"
    assert [r["quantity"] for r in rows if r["destination_type"] == "total"] == ["2.000", "8.000", "3.000"]
    assert [r["destination_type"] for r in rows][-3:] == ["total"] * 3


def test_the_preparation_csv_streams_in_chunks(customer, depot, leeks, preparer_client, monkeypatch):
    from orders import renderers

    monkeypatch.setattr(renderers, "PREPARATION_CSV_CHUNK", 1)
    place_pickup(customer, depot, [(leeks, 2)])
    response = preparer_client.get(PREPARATION, {"date": "2026-10-23", "format": "csv"})
    chunks = list(response.streaming_content)
    assert chunks[0].startswith(b"date,destination_type") and len(chunks) == 3  # header + row, total, end


def test_the_preparation_list_takes_the_same_number_of_queries_for_few_or_many_orders(
    customer, other_customer, depot, relay, calais_zone, leeks, jam, potatoes, meal, manager_client
):
    def counts():
        return [
            _queries(manager_client, PREPARATION, {"date": FRIDAY.isoformat(), **extra})
            for extra in ({}, {"by": "product"}, {"format": "csv"})
        ]

    place_pickup(customer, depot, [(leeks, 1)])
    few = counts()
    for index in range(6):
        place_pickup(
            other_customer if index % 2 else customer, relay if index % 3 else depot, [(jam, 1), (potatoes, 2)]
        )
    place_home(customer, [(meal, 2), (leeks, 1)])
    many = counts()
    assert few == many == [2, 2, 2]  # page with its window count + destinations; CSV: rows, totals


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
        ({"date": "2026-10-23", "by": "zone"}, None, 400),
        ({"date": "2026-10-23", "destination": "3"}, None, 400),
        ({"date": "2026-10-23", "destination_type": "pickup"}, None, 400),
        ({"date": "2026-10-23", "destination_type": "pickup", "destination": "x"}, None, 400),
        ({"date": "2026-10-23", "page_size": "1001"}, None, 400),
        ({"date": "2026-10-23", "page": "0"}, None, 400),
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
