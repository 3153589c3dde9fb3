"""The jar deposit in the shop: the product page says it beside the price, the cart and the checkout's summary add
it before the order is placed, and the thanks, payment and order pages show it, in French."""

from decimal import Decimal

import pytest
from django.urls import reverse

from orders.models import Order
from tests.factories.catalogue import ProductFactory
from tests.shop.test_checkout import add, pickup_form

CHECKOUT = "/commande/"
DEPOSIT_TERM = "Consigne (3 bocaux × 0,50 €)"


@pytest.fixture
def jam(shop_catalogue):
    return ProductFactory(
        producer=shop_catalogue["garden"],
        category=shop_catalogue["soup"].category,
        name="Confiture de fraises",
        slug="confiture-fraises",
        unit="jar",
        unit_price=Decimal("4.90"),
        deposit=Decimal("0.50"),
        stock=10,
    )


def test_the_product_page_shows_the_deposit_beside_the_price(client, jam, shop_catalogue):
    body = client.get(reverse("shop:product-detail", args=[jam.pk])).content.decode()
    assert "+ 0,50 € de consigne, rendue au retour du bocal" in body
    # a product without a deposit says nothing of it
    body = client.get(reverse("shop:product-detail", args=[shop_catalogue["apple"].pk])).content.decode()
    assert "consigne" not in body


def test_the_cart_adds_the_deposit_to_the_estimated_total(client, jam, shop_catalogue):
    add(client, jam, "3")
    add(client, shop_catalogue["apple"], "1")

    body = client.get("/panier/").content.decode()

    assert "+ 1,50 € de consigne" in body  # on the jam's line
    assert "<dt>Produits (estimation)</dt><dd>17,90 €</dd>" in body  # 3 × 4.90 + 3.20
    assert f"<dt>{DEPOSIT_TERM}</dt>\n<dd>1,50 €</dd>" in body
    assert "créditée sur votre solde quand vous rapportez les bocaux" in body
    assert "Total estimé : 19,40 €" in body


def test_the_checkout_shows_the_deposit_before_the_order_and_the_order_charges_it(
    client, customer, jam, shop_catalogue, shop_places
):
    add(client, jam, "3")
    client.force_login(customer)

    body = client.get(CHECKOUT).content.decode()

    assert "<dt>Produits (estimation)</dt>\n    <dd>14,70 €</dd>" in body
    assert f"<dt>{DEPOSIT_TERM}</dt>\n<dd>1,50 €</dd>" in body
    assert "La consigne n’est pas soumise à la TVA" in body
    assert "<strong>16,20 €</strong>" in body  # the estimated total, deposit included

    response = client.post(CHECKOUT, pickup_form(client, shop_places))

    order = Order.objects.get(customer=customer)
    assert (order.subtotal, order.deposit_total, order.total) == (Decimal("14.70"), Decimal("1.50"), Decimal("16.20"))
    thanks = client.get(response["Location"]).content.decode()
    assert f"<dt>{DEPOSIT_TERM}</dt>" in thanks and "<strong>16,20 €</strong>" in thanks
    payment = client.get(reverse("shop:order-payment", args=[order.pk])).content.decode()
    assert "Total : 16,20 € (dont 1,50 € de consigne, rendue au retour des bocaux)" in payment
    detail = client.get(reverse("account:order-detail", args=[order.pk])).content.decode()
    assert f'<th scope="row" colspan="3">{DEPOSIT_TERM}</th><td>1,50 €</td>' in detail
    assert "<strong>16,20 €</strong>" in detail
