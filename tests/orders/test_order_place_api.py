from datetime import date
from decimal import Decimal

import pytest

from catalogue.models import StockMovement
from catalogue.services.stock import stock_available, stock_check_ledger, stock_receive
from orders.models import Order, OrderEvent, OrderLine, OrderNotification
from tests.factories.catalogue import ProductFactory
from tests.orders.helpers import FRIDAY, home_body, pickup_body

pytestmark = pytest.mark.django_db
URL = "/api/v1/orders/"


def nothing_written():
    return not (Order.objects.exists() or OrderLine.objects.exists() or OrderEvent.objects.exists()) and not (
        StockMovement.objects.filter(reason="reservation").exists() or OrderNotification.objects.exists()
    )


def test_a_pickup_order_reserves_stock_snapshots_prices_and_computes_totals(
    customer_client, customer, depot, leeks, jam, soap, meal
):
    body = pickup_body(depot, [(leeks, 2), (jam, 1), (meal, 1), (soap, 2)], note="Sonner deux fois")

    response = customer_client.post(URL, body, format="json")

    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "placed" and data["fulfilment"] == "pickup"
    assert data["pickup_point"] == {"id": depot.pk, "name": depot.name}
    assert data["cutoff_at"] == "2026-10-21T12:00:00+02:00"
    assert [(line["product_name"], line["line_total"], line["vat_amount"]) for line in data["lines"]] == [
        ("Poireaux", "5.60", "0.29"),
        ("Confiture de fraises", "4.35", "0.23"),
        ("Plat du jour", "12.50", "1.14"),
        ("Savon", "7.80", "1.30"),
    ]
    assert data["subtotal"] == "30.25" and data["delivery_fee"] == "0.00" and data["total"] == "30.25"
    assert data["vat_breakdown"] == [
        {"rate": "5.50", "amount": "9.95", "vat": "0.52"},
        {"rate": "10.00", "amount": "12.50", "vat": "1.14"},
        {"rate": "20.00", "amount": "7.80", "vat": "1.30"},
    ]
    assert data["vat_total"] == "2.96"
    assert data["note"] == "Sonner deux fois"
    assert [e["to_value"] for e in data["events"]] == ["placed"]
    order = Order.objects.get()
    assert order.customer == customer
    assert stock_available(product_id=leeks.pk) == Decimal("48")
    assert stock_available(product_id=soap.pk) == Decimal("8")
    assert stock_check_ledger() == {}


def test_a_home_order_pays_the_zone_fee_below_the_free_threshold(customer_client, calais_zone, leeks, meal):
    response = customer_client.post(URL, home_body([(leeks, 1), (meal, 2)], commune="calais"), format="json")

    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["delivery_zone"]["id"] == calais_zone.pk
    assert data["delivery_commune"] == "calais" and data["delivery_latitude"] == "50.951300"
    assert data["subtotal"] == "27.80" and data["delivery_fee"] == "4.50" and data["total"] == "32.30"
    # the fee's VAT follows the highest rate of the goods (10 %): 0.41
    assert data["vat_breakdown"] == [
        {"rate": "5.50", "amount": "2.80", "vat": "0.15"},
        {"rate": "10.00", "amount": "29.50", "vat": "2.68"},
    ]


def test_home_delivery_is_free_from_the_threshold(customer_client, calais_zone, meal):
    response = customer_client.post(URL, home_body([(meal, 5)]), format="json")  # 62.50 ≥ 60
    assert response.status_code == 201
    assert response.json()["delivery_fee"] == "0.00" and response.json()["total"] == "62.50"


def test_read_only_fields_sent_by_the_client_change_nothing(customer_client, customer, other_customer, depot, leeks):
    body = pickup_body(depot, [(leeks, 1)])
    # (`customer` is no longer read-only: staff place orders for a customer; a customer naming another is refused,
    # tests/staff/test_order_for_customer.py)
    body.update(status="fulfilled", total="0.01", subtotal="0.01", payment_status="paid")
    body["lines"][0].update(unit_price="0.01", line_total="0.01")

    response = customer_client.post(URL, body, format="json")

    assert response.status_code == 201
    order = Order.objects.get()
    assert (order.status, order.total, order.customer, order.payment_status) == (
        "placed",
        Decimal("2.80"),
        customer,
        "unpaid",
    )
    assert order.lines.get().unit_price == Decimal("2.80")


def test_insufficient_stock_is_a_409_naming_the_product_and_what_is_left(customer_client, depot, leeks, soap):
    response = customer_client.post(URL, pickup_body(depot, [(leeks, 2), (soap, 11)]), format="json")

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "insufficient_stock"
    assert body["fields"]["product"] == soap.pk and body["fields"]["available"] == "10.000"
    assert "Savon" in body["detail"]
    assert nothing_written()
    assert stock_available(product_id=leeks.pk) == Decimal("50")


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("inactive_product", "product_unavailable"),
        ("unknown_product", "product_unavailable"),
        ("duplicate_product", "duplicate_product"),
        ("below_minimum_quantity", "invalid_quantity"),
        ("off_step_quantity", "invalid_quantity"),
        ("unknown_point", "pickup_point_unavailable"),
        ("closed_point", "pickup_point_unavailable"),
        ("no_delivery_that_day", "delivery_date_unavailable"),
        ("date_in_the_past", "delivery_date_unavailable"),
        ("date_beyond_the_horizon", "delivery_date_unavailable"),
        ("outside_zone", "outside_delivery_zone"),
        ("below_minimum_order", "below_minimum_order"),
    ],
)
def test_every_refusal_has_its_code_and_writes_nothing(
    case, code, customer_client, depot, calais_zone, leeks, potatoes
):
    body = pickup_body(depot, [(leeks, 1)])
    if case == "inactive_product":
        leeks.is_active = False
        leeks.save()
    elif case == "unknown_product":
        body["lines"][0]["product"] = 999999
    elif case == "duplicate_product":
        body["lines"].append(dict(body["lines"][0]))
    elif case == "below_minimum_quantity":
        body = pickup_body(depot, [(potatoes, "0.5")])
    elif case == "off_step_quantity":
        body = pickup_body(depot, [(potatoes, "1.2")])
    elif case == "unknown_point":
        body["fulfilment"]["point"] = 999999
    elif case == "closed_point":
        depot.is_active = False
        depot.save()
    elif case == "no_delivery_that_day":
        body["delivery_date"] = "2026-10-22"  # a Thursday
    elif case == "date_in_the_past":
        body["delivery_date"] = "2026-10-16"
    elif case == "date_beyond_the_horizon":
        body["delivery_date"] = "2027-10-22"
    elif case == "outside_zone":
        body = home_body([(leeks, 10)], commune="Dunkerque")
    elif case == "below_minimum_order":
        body = home_body([(leeks, 1)])

    response = customer_client.post(URL, body, format="json")

    assert response.status_code == 400, response.json()
    assert response.json()["code"] == code
    assert nothing_written()


def test_refusals_are_explained_in_french(customer_client, calais_zone, potatoes, leeks):
    response = customer_client.post(URL, home_body([(leeks, 1)]), format="json")
    assert response.json()["detail"] == (
        "La livraison à domicile demande une commande d'au moins 20,00 € (celle-ci fait 2,80 €)."
    )
    response = customer_client.post(URL, home_body([(leeks, 10)], commune="Dunkerque"), format="json")
    assert response.json()["detail"] == "Nous ne livrons pas encore à Dunkerque : choisissez un point de retrait."
    response = customer_client.post(URL, home_body([(potatoes, "1.2"), (leeks, 8)]), format="json")
    assert response.json()["detail"] == (
        "Quantité invalide pour « Pommes de terre » : au moins 1, par pas de 0,5 (vous avez demandé 1,2)."
    )
    # the sentence is French, the structured fields stay plain JSON text
    assert {k: response.json()["fields"][k] for k in ("minimum", "step", "quantity")} == {
        "minimum": "1",
        "step": "0.5",
        "quantity": "1.2",
    }


def test_past_the_cutoff_an_order_is_refused_with_the_cutoff_in_paris_time(customer_client, depot, leeks, frozen_now):
    frozen_now.move_to("2026-10-21T10:00:00+00:00")  # Wednesday 12:00 in Paris, exactly the cutoff

    response = customer_client.post(URL, pickup_body(depot, [(leeks, 1)]), format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "cutoff_passed"
    assert response.json()["detail"] == "Les commandes pour le 23 octobre 2026 ont fermé le 21 octobre 2026 12:00."
    assert response.json()["fields"]["cutoff_at"] == "2026-10-21T12:00:00+02:00"
    assert nothing_written()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"lines": [], "fulfilment": {"type": "pickup", "point": 1}, "delivery_date": "2026-10-23"},
        {
            "lines": [{"product": 2**70, "quantity": "1"}],
            "fulfilment": {"type": "pickup", "point": 1},
            "delivery_date": "2026-10-23",
        },
        {
            "lines": [{"product": 1, "quantity": "-1"}],
            "fulfilment": {"type": "pickup", "point": 1},
            "delivery_date": "2026-10-23",
        },
        {
            "lines": [{"product": 1, "quantity": "NaN"}],
            "fulfilment": {"type": "pickup", "point": 1},
            "delivery_date": "2026-10-23",
        },
        {"lines": [{"product": 1, "quantity": "1"}], "fulfilment": {"type": "pickup"}, "delivery_date": "2026-10-23"},
        {"lines": [{"product": 1, "quantity": "1"}], "fulfilment": {"type": "home"}, "delivery_date": "2026-10-23"},
        {
            "lines": [{"product": 1, "quantity": "1"}],
            "fulfilment": {"type": "drone", "point": 1},
            "delivery_date": "2026-10-23",
        },
        {
            "lines": [{"product": 1, "quantity": "1"}],
            "fulfilment": {"type": "pickup", "point": 1},
            "delivery_date": "99999-01-01",
        },
        {"lines": "1", "fulfilment": [], "delivery_date": 3},
    ],
)
def test_malformed_bodies_are_validation_errors(customer_client, body):
    response = customer_client.post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"


def test_anonymous_users_cannot_order(api_client, depot, leeks):
    response = api_client.post(URL, pickup_body(depot, [(leeks, 1)]), format="json")
    assert response.status_code == 401


def test_a_variable_weight_line_is_priced_on_its_estimate(customer_client, depot, potatoes):
    response = customer_client.post(URL, pickup_body(depot, [(potatoes, "2.5")]), format="json")
    line = response.json()["lines"][0]
    assert line["sold_by_weight"] is True and line["prepared_quantity"] is None
    assert line["line_total"] == "4.88"  # 1.95 × 2.5 = 4.875 → 4.88 (half up)


def test_the_delivery_days_list_the_next_open_dates_with_their_cutoffs(api_client, depot, calais_zone):
    response = api_client.get("/api/v1/orders/delivery-days/")

    assert response.status_code == 200
    places = {(p["type"], (p["pickup_point"] or p["zone"])["id"]): p for p in response.json()["results"]}
    depot_dates = places[("pickup", depot.pk)]["dates"]
    assert depot_dates[:3] == [
        # Tuesday 20 closed on Sunday 18 at 18:00: not listed
        {"date": "2026-10-23", "cutoff_at": "2026-10-21T12:00:00+02:00"},
        {"date": "2026-10-27", "cutoff_at": "2026-10-25T18:00:00+01:00"},
        {"date": "2026-10-30", "cutoff_at": "2026-10-28T12:00:00+01:00"},
    ]
    zone = places[("home", calais_zone.pk)]
    assert zone["zone"]["communes"] == ["Calais", "Marck", "Oye-Plage"]
    assert zone["dates"][0] == {"date": "2026-10-23", "cutoff_at": "2026-10-21T12:00:00+02:00"}
    assert date.fromisoformat(zone["dates"][-1]["date"]) <= date(2026, 11, 16)
    assert FRIDAY.isoformat() in [d["date"] for d in zone["dates"]]


@pytest.mark.parametrize("price", ["1.06", "20.03", "33.33"])
def test_totals_whose_float_sum_is_inexact_are_accepted_on_every_database(customer_client, calais_zone, price):
    # given a zone with a 4.00 fee and no minimum, and a product whose price plus the fee is not exact in binary
    calais_zone.delivery_fee = Decimal("4.00")
    calais_zone.minimum_order = Decimal("0")
    calais_zone.save()
    product = ProductFactory(piece=True, name="Botte de radis", slug="radis", unit="bunch", unit_price=Decimal(price))
    stock_receive(product_id=product.pk, quantity=Decimal("5"))

    # when it is ordered for home delivery
    response = customer_client.post("/api/v1/orders/", home_body([(product, 1)]), format="json")

    # then the order is placed (the CHECK total = subtotal + fee holds on exact decimals)
    assert response.status_code == 201, response.json()
    assert response.json()["total"] == str(Decimal(price) + Decimal("4.00"))


@pytest.mark.parametrize("who", ["customer", "manager"])
def test_the_201_body_built_in_memory_is_what_reading_the_order_gives(
    who, customer_client, manager_client, depot, calais_zone, leeks, jam, potatoes, meal
):
    # The API serializes the new order from the objects it has just written instead of reading it back.
    client = {"customer": customer_client, "manager": manager_client}[who]
    bodies = [
        pickup_body(depot, [(potatoes, "2.5"), (leeks, 2), (jam, 1)], note="Sonner deux fois"),
        home_body([(leeks, 1), (meal, 2)], commune="calais"),
    ]
    for body in bodies:
        created = client.post(URL, body, format="json")
        assert created.status_code == 201, created.json()

        read = client.get(f"{URL}{created.json()['id']}/")

        assert read.status_code == 200
        assert created.json() == read.json()
