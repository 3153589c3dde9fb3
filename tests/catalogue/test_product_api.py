import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue.models import Product
from catalogue.season import month_range, months_to_mask
from catalogue.services.producers import producer_update
from catalogue.services.products import product_create
from tests.factories.catalogue import CategoryFactory, ProducerFactory, ProductFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/catalogue/products/"


def names(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [item["name"] for item in response.json()["results"]]


# --- reading -----------------------------------------------------------------------------------------------------


def test_anyone_reads_the_catalogue_with_producer_stock_vat_price_and_season(api_client, product):
    response = api_client.get(URL)

    assert response.status_code == 200
    (item,) = response.json()["results"]
    assert item["name"] == "Poireaux"
    assert item["producer"]["slug"] == product.producer.slug
    assert item["stock_available"] == "10.000"
    assert item["vat_rate"] == "5.50"
    assert item["unit_price"] == "2.50" and item["unit"] == "kg"
    assert item["unit_price_excl_vat"] == "2.37"  # 2.50 / 1.055 = 2.3697 → 2.37
    assert item["season_months"] == list(range(1, 13))
    assert item["in_season"] is True


def test_product_detail_and_unknown_product(api_client, product):
    assert api_client.get(f"{URL}{product.pk}/").json()["slug"] == "poireaux"
    response = api_client.get(f"{URL}999999/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_inactive_products_are_hidden_from_customers_but_not_from_their_producer_or_staff(
    api_client, customer_client, producer_client, manager_client, product
):
    product.is_active = False
    product.save()
    assert names(api_client.get(URL)) == []
    assert names(customer_client.get(URL)) == []
    assert customer_client.get(f"{URL}{product.pk}/").status_code == 404
    assert names(producer_client.get(URL)) == ["Poireaux"]
    assert names(manager_client.get(URL)) == ["Poireaux"]


def test_filters_by_category_producer_and_availability(api_client, product, other_product):
    fruit = CategoryFactory(slug="fruits")
    ProductFactory(producer=product.producer, category=fruit, name="Pommes")  # no stock

    assert names(api_client.get(URL, {"category": "fruits"})) == ["Pommes"]
    assert names(api_client.get(URL, {"producer": "ferme-voisine"})) == ["Carottes"]
    assert names(api_client.get(URL, {"available": "true"})) == ["Carottes", "Poireaux"]
    assert names(api_client.get(URL, {"available": "false"})) == ["Pommes"]


def test_search_ignores_accents_and_case_and_looks_at_the_producer(api_client, vegetables):
    grower = ProducerFactory(certified=True, name="Jardins de l'Ilôt", slug="jardins-ilot")
    product_create(producer=grower, category=vegetables, name="Épinards", unit_price=Decimal("6.90"))
    product_create(
        producer=grower, category=vegetables, name="Mâche", unit_price=Decimal("2.40"), description="Sachet, Œuf-free"
    )

    assert names(api_client.get(URL, {"search": "epinard"})) == ["Épinards"]
    assert names(api_client.get(URL, {"search": "ÉPINARDS"})) == ["Épinards"]
    assert names(api_client.get(URL, {"search": "mache"})) == ["Mâche"]
    assert names(api_client.get(URL, {"search": "oeuf"})) == ["Mâche"]
    assert names(api_client.get(URL, {"search": "ilot epin"})) == ["Épinards"]
    assert names(api_client.get(URL, {"search": "navet"})) == []


def test_organic_filter_needs_a_valid_certificate(api_client, vegetables):
    certified = ProducerFactory(certified=True, slug="certifiee")
    organic = product_create(producer=certified, category=vegetables, name="Poireaux bio", unit_price=Decimal("3"))
    uncertified = ProducerFactory(slug="sans-certificat")
    product_create(producer=uncertified, category=vegetables, name="Poireaux", unit_price=Decimal("2"))

    assert names(api_client.get(URL, {"organic": "true"})) == ["Poireaux bio"]
    assert names(api_client.get(URL, {"organic": "false"})) == ["Poireaux"]

    # when the certificate expires, the product is no longer shown as organic (though still flagged by its producer)
    producer_update(producer=certified, organic_certificate_valid_until=datetime.date(2020, 1, 1))
    assert names(api_client.get(URL, {"organic": "true"})) == []
    assert api_client.get(f"{URL}{organic.pk}/").json()["organic"] is False
    assert Product.objects.get(pk=organic.pk).organic is True


def test_in_season_uses_the_current_month_in_paris(api_client, producer, vegetables):
    ProductFactory(producer=producer, category=vegetables, name="Fraises", season_months=months_to_mask([5, 6, 7]))
    ProductFactory(
        producer=producer, category=vegetables, name="Poireaux", season_months=months_to_mask(month_range(9, 4))
    )

    with time_machine.travel(datetime.datetime(2026, 6, 15, 12, tzinfo=datetime.UTC)):
        assert names(api_client.get(URL, {"in_season": "true"})) == ["Fraises"]
        assert names(api_client.get(URL, {"in_season": "false"})) == ["Poireaux"]
    # 31 May 23:30 UTC is already 1 June in Paris
    with time_machine.travel(datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC)):
        assert names(api_client.get(URL, {"in_season": "true"})) == ["Poireaux"]
        assert api_client.get(URL, {"search": "poireaux"}).json()["results"][0]["in_season"] is True


def test_ordering_by_price_name_and_distance(api_client, vegetables):
    near = ProducerFactory(certified=True, slug="pres", latitude=None)
    producer_update(producer=near, commune="Vieille-Église", latitude=Decimal("50.93"), longitude=Decimal("2.08"))
    far = ProducerFactory(certified=True, slug="loin")
    producer_update(producer=far, commune="Calais", latitude=Decimal("50.95"), longitude=Decimal("1.86"))
    nowhere = ProducerFactory(certified=True, slug="sans-coordonnees")
    ProductFactory(producer=far, category=vegetables, name="A de Calais", unit_price=Decimal("1.00"))
    ProductFactory(producer=near, category=vegetables, name="B de Vieille-Église", unit_price=Decimal("3.00"))
    ProductFactory(producer=nowhere, category=vegetables, name="C sans adresse", unit_price=Decimal("2.00"))

    assert names(api_client.get(URL, {"ordering": "price"})) == ["A de Calais", "C sans adresse", "B de Vieille-Église"]
    assert names(api_client.get(URL, {"ordering": "-price"}))[0] == "B de Vieille-Église"
    assert names(api_client.get(URL, {"ordering": "distance"})) == [
        "B de Vieille-Église",
        "A de Calais",
        "C sans adresse",
    ]
    response = api_client.get(URL, {"ordering": "cheapest"})
    assert response.status_code == 400 and response.json()["code"] == "validation_error"


def test_the_product_list_uses_a_constant_number_of_queries(api_client, manager_client, producer_client, vegetables):
    producers = [ProducerFactory(certified=True) for _ in range(3)]

    def count_queries(client) -> int:
        client.get(URL)  # warm-up: the user's groups are cached on it after the first request
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {"page_size": 50})
        assert response.status_code == 200
        return len(queries)

    for i in range(2):
        ProductFactory(producer=producers[i % 3], category=CategoryFactory(), stock=3)
    few = {name: count_queries(client) for name, client in [("anon", api_client), ("staff", manager_client)]}
    few["member"] = count_queries(producer_client)

    for i in range(18):
        ProductFactory(producer=producers[i % 3], category=CategoryFactory(), stock=i + 1)
    many = {name: count_queries(client) for name, client in [("anon", api_client), ("staff", manager_client)]}
    many["member"] = count_queries(producer_client)

    assert len(api_client.get(URL, {"page_size": 50}).json()["results"]) == 20
    assert many == few
    assert few["anon"] == 1  # the page, joins included, with its total from COUNT(*) OVER ()


def test_the_list_answers_what_the_product_serializer_says_for_every_kind_of_product(manager_client, vegetables):
    # The list builds its JSON from .values() rows (product_rows_data); the detail uses ProductSerializer.
    certified = ProducerFactory(
        certified=True, latitude=Decimal("50.9"), longitude=Decimal("1.9"), distance_km=Decimal("12.3")
    )
    expired = ProducerFactory(certified=True, organic_certificate_valid_until=datetime.date(2020, 1, 1))
    uncertified = ProducerFactory()
    products = [
        ProductFactory(producer=certified, category=vegetables, organic=True, stock=Decimal("2.125")),
        ProductFactory(producer=certified, category=vegetables, organic=False, allergens=0b101, season_months=0b11),
        ProductFactory(producer=expired, category=vegetables, organic=True, stock=1, vat_rate=Decimal("20.00")),
        ProductFactory(producer=uncertified, category=vegetables, organic=True, unit_price=Decimal("0.07")),
        ProductFactory(producer=uncertified, category=vegetables, is_active=False, quantity_step=Decimal("0.250")),
    ]

    response = manager_client.get(URL, {"page_size": 100})

    assert response.status_code == 200 and response.json()["count"] == len(products)
    listed = {item["id"]: item for item in response.json()["results"]}
    for product in products:
        detail = manager_client.get(f"{URL}{product.pk}/")
        assert listed[product.pk] == detail.json()
    assert listed[products[0].pk]["organic"] and listed[products[0].pk]["producer"]["organic_certified"]
    assert not listed[products[2].pk]["organic"] and not listed[products[3].pk]["producer"]["organic_certified"]


def test_the_list_pages_count_and_refuse_a_page_past_the_end(api_client, vegetables):
    for i in range(5):
        ProductFactory(category=vegetables, stock=i + 1)

    second = api_client.get(URL, {"page_size": 2, "page": 2}).json()
    last = api_client.get(URL, {"page_size": 2, "page": "last"}).json()
    past = api_client.get(URL, {"page_size": 2, "page": 4})
    nothing = api_client.get(URL, {"search": "introuvable"}).json()

    assert second["count"] == 5 and len(second["results"]) == 2 and second["next"] and second["previous"]
    assert last["count"] == 5 and len(last["results"]) == 1 and last["next"] is None
    assert past.status_code == 404 and past.json()["code"] == "not_found"
    assert nothing == {"count": 0, "next": None, "previous": None, "results": []}


# --- writing -----------------------------------------------------------------------------------------------------


def create_body(**overrides):
    body = {
        "category": "legumes",
        "name": "Poireaux d'hiver",
        "unit": "kg",
        "unit_price": "2.80",
        "season_months": [9, 10, 11, 12, 1, 2, 3, 4],
        "sold_by_weight": True,
        "quantity_step": "0.5",
        "minimum_quantity": "0.5",
    }
    return {**body, **overrides}


def test_a_producer_member_creates_a_product_for_its_own_producer(producer_client, producer_member, vegetables):
    response = producer_client.post(URL, create_body(), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["producer"]["slug"] == producer_member.producer.slug
    assert body["slug"] == "poireaux-dhiver"
    assert body["season_months"] == [1, 2, 3, 4, 9, 10, 11, 12]
    assert body["stock_available"] == "0.000"
    assert body["organic"] is False  # the test producer has no certificate


def test_staff_create_for_any_producer_and_must_name_it(manager_client, other_producer, vegetables):
    response = manager_client.post(URL, create_body(), format="json")
    assert response.status_code == 400
    assert "producer" in response.json()["fields"]

    response = manager_client.post(URL, create_body(producer="ferme-voisine", organic=True), format="json")
    assert response.status_code == 201
    assert response.json()["organic"] is True


def test_read_only_fields_sent_by_a_client_change_nothing(manager_client, product):
    response = manager_client.patch(
        f"{URL}{product.pk}/",
        {
            "unit_price": "3.10",
            "stock_available": "999",
            "slug": "autre",
            "producer": "ferme-voisine",
            "id": 12345,
            "unit_price_excl_vat": "0.01",
        },
        format="json",
    )

    assert response.status_code == 200
    product.refresh_from_db()
    assert product.unit_price == Decimal("3.10")
    assert product.slug == "poireaux" and product.pk != 12345
    assert product.stock.quantity == Decimal("10")
    assert response.json()["producer"]["slug"] == product.producer.slug
    assert response.json()["unit_price_excl_vat"] == "2.94"


def test_a_member_of_another_producer_cannot_change_or_create_a_product(other_member_client, product, vegetables):
    response = other_member_client.patch(f"{URL}{product.pk}/", {"unit_price": "0.50"}, format="json")
    assert response.status_code == 404

    response = other_member_client.post(URL, create_body(producer=product.producer.slug), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"

    product.refresh_from_db()
    assert product.unit_price == Decimal("2.50")
    assert not Product.objects.filter(name="Poireaux d'hiver").exists()


def test_customers_and_anonymous_cannot_write_products(customer_client, api_client, product, vegetables):
    assert customer_client.post(URL, create_body(), format="json").status_code == 403
    assert customer_client.patch(f"{URL}{product.pk}/", {"unit_price": "1"}, format="json").status_code == 403
    assert api_client.post(URL, create_body(), format="json").status_code == 401
    assert api_client.patch(f"{URL}{product.pk}/", {"unit_price": "1"}, format="json").status_code == 401


def test_organic_without_a_valid_certificate_is_refused_in_french(producer_client, vegetables):
    response = producer_client.post(URL, create_body(organic=True), format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "organic_certificate_required"
    assert "n'a pas de certificat bio valide" in body["detail"]


def test_invalid_values_are_400_never_500(producer_client, product):
    for body in (
        {"unit_price": "0"},
        {"unit_price": "2.805"},
        {"vat_rate": "7"},
        {"season_months": [13]},
        {"season_months": []},
        {"allergens": ["chocolate"]},
        {"unit": "sack"},
        {"category": "nope"},
    ):
        response = producer_client.patch(f"{URL}{product.pk}/", body, format="json")
        assert response.status_code == 400, body
        assert response.json()["code"] == "validation_error"


def test_update_allergens_vat_and_a_name_already_taken(producer_client, producer, vegetables, product):
    ProductFactory(producer=producer, category=vegetables, name="Pain complet")

    response = producer_client.patch(
        f"{URL}{product.pk}/", {"allergens": ["gluten", "sesame"], "vat_rate": "10"}, format="json"
    )
    assert response.json()["allergens"] == ["gluten", "sesame"]
    assert response.json()["vat_rate"] == "10.00"

    response = producer_client.patch(f"{URL}{product.pk}/", {"name": "pain complet"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "product_name_taken"


def test_creating_the_same_product_twice_is_a_conflict_not_a_duplicate(producer_client, vegetables):
    assert producer_client.post(URL, create_body(), format="json").status_code == 201

    again = producer_client.post(URL, create_body(name="POIREAUX D'HIVER "), format="json")

    assert again.status_code == 409
    assert again.json()["code"] == "product_name_taken"
    assert Product.objects.filter(name__iexact="Poireaux d'hiver").count() == 1


def test_a_price_change_is_audited_with_who_and_what(producer_client, producer_member, product):
    from ecopole.core.models import AuditEvent

    producer_client.patch(f"{URL}{product.pk}/", {"unit_price": "3.20", "name": "Poireaux"}, format="json")

    event = AuditEvent.objects.get(action="catalogue.product_updated")
    assert event.actor == producer_member
    assert event.object_id == str(product.pk)
    assert event.changes == {"unit_price": ["2.50", "3.20"]}


def test_a_patch_that_changes_nothing_writes_no_audit_event(producer_client, product):
    from ecopole.core.models import AuditEvent

    for _ in range(2):
        response = producer_client.patch(f"{URL}{product.pk}/", {"unit_price": "2.50"}, format="json")
        assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="catalogue.product_updated").exists()
