from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from catalogue import demo
from catalogue.models import Producer, Product, StockMovement
from catalogue.services.stock import stock_check_ledger

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser(email="admin@example.org", password="x" * 12)
    client.force_login(user)
    return client


def test_every_catalogue_admin_page_opens_and_the_ledger_is_read_only(admin_client, product):
    for model in ("producer", "category", "product", "stocklevel", "stockmovement", "productimport"):
        assert admin_client.get(f"/{settings.ADMIN_URL}catalogue/{model}/").status_code == 200, model
    assert admin_client.get(f"/{settings.ADMIN_URL}catalogue/product/{product.pk}/change/").status_code == 200
    assert admin_client.get(f"/{settings.ADMIN_URL}catalogue/producer/{product.producer.pk}/change/").status_code == 200
    assert admin_client.get(f"/{settings.ADMIN_URL}catalogue/stockmovement/add/").status_code == 403
    movement = StockMovement.objects.first()
    assert (
        admin_client.post(
            f"/{settings.ADMIN_URL}catalogue/stockmovement/{movement.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )


def test_the_admin_saves_seasons_allergens_and_search_text(admin_client, product):
    response = admin_client.post(
        f"/{settings.ADMIN_URL}catalogue/product/{product.pk}/change/",
        {
            "producer": product.producer.pk,
            "category": product.category.pk,
            "name": "Pain d'épeautre",
            "slug": product.slug,
            "unit": "piece",
            "unit_price": "4.50",
            "vat_rate": "5.50",
            "quantity_step": "1",
            "minimum_quantity": "1",
            "deposit": "0.00",
            "is_active": "on",
            "months": ["1", "2", "12"],
            "allergen_list": ["gluten"],
        },
    )
    assert response.status_code == 302, response.content[:2000]
    product.refresh_from_db()
    assert product.months_in_season == [1, 2, 12]
    assert product.allergen_codes == ["gluten"]
    assert product.search_text == "pain d'epeautre"


def test_the_demo_catalogue_is_seasonal_local_and_idempotent():
    from accounts import demo as accounts_demo

    accounts_demo.seed()
    demo.seed()
    movements = StockMovement.objects.count()
    demo.seed()

    assert 40 <= Product.objects.count() <= 50
    assert StockMovement.objects.count() == movements  # stock received once only
    assert stock_check_ledger() == {}
    jacquard = Product.objects.get(name="Fraises de l'Ilôt Jacquard")
    assert jacquard.producer.slug == "les-anges-gardins" and jacquard.months_in_season == [5, 6, 7]
    assert jacquard.organic_effective
    assert Producer.objects.get(slug="terre-d-opale").distance_km == Decimal("0.0")
    assert not Product.objects.get(name="Endives (chicons)").organic_effective  # Ferme du Marais: no certificate
    assert set(Product.objects.get(name="Brioche").allergen_codes) == {"gluten", "eggs", "milk"}
