"""The cart in the session: quantities by the orders' own rule, kept when the customer logs in."""

from django.urls import reverse

from tests.factories.accounts import DEFAULT_PASSWORD


def add(client, product, quantity):
    return client.post(reverse("shop:cart-add"), {"product": product.pk, "quantity": quantity})


def test_a_quantity_off_the_step_is_refused_next_to_the_field(client, shop_catalogue):
    # given leeks sold by 0.5 kg, at least 0.5 kg
    leek = shop_catalogue["leek"]
    # when the customer asks for 0.3 kg
    response = add(client, leek, "0,3")
    # then the product page comes back with the orders' French message tied to the field, and the cart is empty
    body = response.content.decode()
    assert response.status_code == 400
    assert 'aria-invalid="true" aria-describedby="quantite-erreur"' in body
    assert "Quantité invalide pour « Poireaux » : au moins 0,5, par pas de 0,5 (vous avez demandé 0,3)." in body
    assert "Panier <span" in body and "(0 article)" in body


def test_adding_shows_the_count_and_the_cart_lists_the_line(client, shop_catalogue):
    leek = shop_catalogue["leek"]
    response = add(client, leek, "1,5")
    assert response.status_code == 302
    body = client.get(response["Location"]).content.decode()
    assert "« Poireaux » est dans votre panier." in body
    assert "(1 article)" in body
    add(client, leek, "0.5")
    add(client, shop_catalogue["apple"], "2")
    body = client.get("/panier/").content.decode()
    assert "(2 articles)" in body
    assert 'value="2"' in body  # leeks: 1.5 + 0.5 kg
    assert "Total estimé : 12,00 €" in body  # 2 × 2.80 + 2 × 3.20


def test_cart_is_kept_when_the_customer_logs_in(client, shop_catalogue, customer):
    add(client, shop_catalogue["apple"], "1")
    assert client.login(email=customer.email, password=DEFAULT_PASSWORD)
    assert "Pommes Reinette" in client.get("/panier/").content.decode()


def test_update_and_remove_a_line(client, shop_catalogue):
    apple = shop_catalogue["apple"]
    add(client, apple, "1")
    client.post(reverse("shop:cart-update"), {"product": apple.pk, "quantity": "3"})
    assert 'value="3"' in client.get("/panier/").content.decode()
    response = client.post(reverse("shop:cart-update"), {"product": apple.pk, "quantity": "abc"}, follow=True)
    assert "Quantité invalide" in response.content.decode()
    client.post(reverse("shop:cart-update"), {"product": apple.pk, "remove": "1"})
    assert "Votre panier est vide." in client.get("/panier/").content.decode()


def test_no_add_button_for_a_product_out_of_stock(client, shop_catalogue):
    body = client.get(reverse("shop:product-detail", args=[shop_catalogue["soup"].pk])).content.decode()
    assert "Ajouter au panier" not in body
    body = client.get(reverse("shop:product-detail", args=[shop_catalogue["apple"].pk])).content.decode()
    assert "Ajouter au panier" in body


def test_a_product_withdrawn_from_sale_leaves_the_cart(client, shop_catalogue):
    apple = shop_catalogue["apple"]
    add(client, apple, "1")
    apple.is_active = False
    apple.save()
    body = client.get("/panier/").content.decode()
    assert "Votre panier est vide." in body
