"""The products of the farmers' space (issue 17.1): a producer changes its own products' photo, description, price,
season and availability through catalogue's services, and reads their stock receipts; another producer's product
is not found, a customer is refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalogue.demo_photos import draw_photo
from catalogue.services.stock import stock_receive
from ecopole.core.models import AuditEvent
from tests.factories.catalogue import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def leeks(farm):
    return ProductFactory(producer=farm, name="Poireaux", unit_price=Decimal("2.50"), description="Du jardin")


def _form(**extra) -> dict:
    data = {"description": "Poireaux d'hiver", "unit_price": "3,10", "season_months": ["1", "2", "11", "12"]}
    data.update(extra)
    return data


def test_the_products_page_lists_the_producers_products_with_their_stock(member_client, farm, other_farm, leeks):
    stock_receive(product_id=leeks.pk, quantity=Decimal("12"))
    ProductFactory(producer=other_farm, name="Salsifis du voisin")
    body = member_client.get("/producteurs/produits/").content.decode()
    assert "Poireaux" in body and "stock : 12" in body
    assert "Salsifis du voisin" not in body


def test_a_member_changes_description_price_season_and_availability(member_client, member, leeks):
    response = member_client.post(f"/producteurs/produits/{leeks.pk}/", _form())
    assert response.status_code == 302
    leeks.refresh_from_db()
    assert leeks.description == "Poireaux d'hiver" and leeks.unit_price == Decimal("3.10")
    assert leeks.months_in_season == [1, 2, 11, 12] and leeks.is_active is False  # unticked: withdrawn
    assert AuditEvent.objects.filter(action="catalogue.product_updated", actor=member).exists()

    member_client.post(f"/producteurs/produits/{leeks.pk}/", _form(is_active="on"))
    leeks.refresh_from_db()
    assert leeks.is_active is True


def test_a_member_sets_the_photo_and_a_file_that_is_no_image_is_refused_next_to_the_field(member_client, leeks):
    photo = SimpleUploadedFile("poireaux.png", draw_photo(title="Poireaux", colour_key="leeks"), "image/png")
    member_client.post(f"/producteurs/produits/{leeks.pk}/", _form(photo=photo, is_active="on"))
    leeks.refresh_from_db()
    assert leeks.photo.name.startswith("photos/products/")

    bad = SimpleUploadedFile("virus.png", b"not an image at all", "image/png")
    response = member_client.post(f"/producteurs/produits/{leeks.pk}/", _form(photo=bad, unit_price="9"))
    assert response.status_code == 200
    assert 'id="id_photo-erreur"' in response.content.decode()
    leeks.refresh_from_db()
    assert leeks.unit_price == Decimal("3.10")  # nothing else written


def test_the_product_page_shows_its_stock_receipts(member_client, leeks):
    stock_receive(product_id=leeks.pk, quantity=Decimal("7"), note="Livraison du mardi")
    body = member_client.get(f"/producteurs/produits/{leeks.pk}/").content.decode()
    assert "Livraison du mardi" in body and "Réception d&#x27;un producteur" in body


def test_another_producers_product_is_not_found(member_client, other_farm):
    theirs = ProductFactory(producer=other_farm, name="Salsifis", unit_price=Decimal("4.00"))
    assert member_client.get(f"/producteurs/produits/{theirs.pk}/").status_code == 404
    assert member_client.post(f"/producteurs/produits/{theirs.pk}/", _form()).status_code == 404
    theirs.refresh_from_db()
    assert theirs.unit_price == Decimal("4.00")


def test_a_customer_and_an_anonymous_visitor_are_refused(customer_client, client, leeks):
    assert customer_client.get(f"/producteurs/produits/{leeks.pk}/").status_code == 403
    assert customer_client.post(f"/producteurs/produits/{leeks.pk}/", _form()).status_code == 403
    response = client.get("/producteurs/produits/")
    assert response.status_code == 302 and "next=/producteurs/produits/" in response["Location"]
