"""Checkout of the web shop: login required, place and day, fees as the cart changes, the grocery's own order
service with an idempotency key, refusals next to their field or line, and the confirmation page."""

import re
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from catalogue.services.stock import stock_available, stock_count
from orders.models import Fulfilment, IdempotencyRecord, Order
from orders.selectors import delivery_places_open
from tests.factories.accounts import DEFAULT_PASSWORD, UserFactory
from tests.factories.catalogue import ProductFactory
from tests.factories.deliveries import DeliveryDayFactory, DeliveryZoneFactory

CHECKOUT = "/commande/"
DETAILS = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "details-commande"}


def add(client, product, quantity):
    response = client.post(reverse("shop:cart-add"), {"product": product.pk, "quantity": quantity})
    assert response.status_code == 302


@pytest.fixture
def zone(db):
    """Home delivery in Calais, Marck and Coquelles: at least 20 €, 4.50 € fee, free from 60 €."""
    zone = DeliveryZoneFactory(name="Calaisis")
    DeliveryDayFactory(zone=zone)
    return zone


def first_open_date(*, point=None, zone=None) -> str:
    for place in delivery_places_open():
        if (point and place["pickup_point"] == point) or (zone and place["zone"] == zone):
            return place["dates"][0].date.isoformat()
    raise AssertionError("no open date")


def rendered_key(client) -> str:
    """The idempotency key of the checkout form as rendered."""
    body = client.get(CHECKOUT).content.decode()
    return re.search(r'name="idempotency_key" value="([^"]+)"', body).group(1)


def pickup_form(client, point) -> dict:
    return {
        "idempotency_key": rendered_key(client),
        "place": f"point-{point.pk}",
        "date": first_open_date(point=point),
        "confirm": "1",
    }


def home_form(client, zone, **address) -> dict:
    return {
        "idempotency_key": rendered_key(client),
        "place": "home",
        "date": first_open_date(zone=zone),
        "street": "5 boulevard Jacquard",
        "postcode": "62100",
        "commune": "Calais",
        "confirm": "1",
        **address,
    }


# --- Login and cart -----------------------------------------------------------------------------------------------


def test_checkout_needs_a_logged_in_customer(client, shop_catalogue, shop_places):
    add(client, shop_catalogue["apple"], "1")
    response = client.get(CHECKOUT)
    assert response.status_code == 302
    assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next=/commande/"
    response = client.post(CHECKOUT, {"confirm": "1"})
    assert response.status_code == 302 and Order.objects.count() == 0


def test_the_cart_filled_anonymously_reaches_checkout_after_logging_in(client, shop_catalogue, shop_places, customer):
    # given a cart filled before logging in
    add(client, shop_catalogue["apple"], "2")
    add(client, shop_catalogue["leek"], "1,5")
    # when the customer logs in (Django keeps the session's data under a new key)
    assert client.login(email=customer.email, password=DEFAULT_PASSWORD)
    body = client.get(CHECKOUT).content.decode()
    # then checkout lists the cart
    assert "Pommes Reinette" in body and "Poireaux" in body
    assert "10,60 €" in body  # 2 × 3.20 + 1.5 × 2.80


def test_force_login_keeps_the_cart_too(client, shop_catalogue, customer):
    add(client, shop_catalogue["apple"], "1")
    client.force_login(customer)
    assert "Pommes Reinette" in client.get("/panier/").content.decode()


def test_cart_has_a_commander_button_leading_to_checkout(client, shop_catalogue):
    add(client, shop_catalogue["apple"], "1")
    body = client.get("/panier/").content.decode()
    assert f'action="{CHECKOUT}" method="get"' in body
    assert re.search(r"<button[^>]*>Commander</button>", body)


def test_empty_cart_goes_back_to_the_cart(client, customer, shop_places):
    client.force_login(customer)
    response = client.get(CHECKOUT, follow=True)
    assert response.redirect_chain[-1][0] == "/panier/"
    assert "Votre panier est vide : ajoutez des produits avant de commander." in response.content.decode()


# --- The page -----------------------------------------------------------------------------------------------------


def test_checkout_shows_the_places_the_days_with_their_cutoff_and_the_key(
    client, customer, shop_catalogue, shop_places, zone
):
    add(client, shop_catalogue["apple"], "1")
    client.force_login(customer)
    response = client.get(CHECKOUT)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ilôt Jacquard" in body and "Livraison à domicile" in body and "à Calais, Coquelles, Marck" in body
    # the pickup point is chosen first; its days in French with their cutoff, Wednesday 12:00 Europe/Paris
    assert f'value="point-{shop_places.pk}" checked' in body
    assert re.search(r"[Vv]endredi \d+ \w+</strong> – commandez avant mercredi \d+ \w+, 12:00", body)
    assert "aucun (retrait)" in body
    assert re.search(r"<button[^>]*>Valider la commande</button>", body)
    key = client.session["shop_checkout_key"]
    assert f'name="idempotency_key" value="{key}"' in body
    # the key stays while no order is placed with it
    client.get(CHECKOUT)
    assert client.session["shop_checkout_key"] == key


def test_home_delivery_shows_minimum_fee_and_threshold_as_the_cart_changes(
    client, customer, shop_catalogue, shop_places, zone
):
    add(client, shop_catalogue["apple"], "2")  # 6.40 €
    client.force_login(customer)
    data = {"idempotency_key": rendered_key(client), "place": "home", "commune": "Marck", "update": "1"}
    # without JavaScript: "Mettre à jour" re-renders the whole page for the place chosen
    body = client.post(CHECKOUT, data).content.decode()
    assert 'value="home" checked' in body
    assert (
        "Livraison à domicile (Calaisis) : commande minimum 20,00 €, frais de livraison 4,50 €, offerts dès 60,00 €"
        in body
    )
    assert "La livraison à domicile demande une commande d&#x27;au moins 20,00 € (celle-ci fait 6,40 €)." in body
    assert "Jour de livraison" in body and "endredi" in body
    # with htmx, once the cart passes the minimum: only the dates and the summary, the fee added
    add(client, shop_catalogue["apple"], "5")  # 7 × 3.20 = 22.40 €
    fragment = client.post(CHECKOUT, data, **DETAILS).content.decode()
    assert "<html" not in fragment and "Valider la commande" not in fragment
    assert "22,40 €" in fragment and "4,50 €" in fragment and "26,90 €" in fragment
    assert "demande une commande" not in fragment
    # past the free-delivery threshold, no fee
    add(client, shop_catalogue["apple"], "13")  # 20 × 3.20 = 64.00 €
    fragment = client.post(CHECKOUT, data, **DETAILS).content.decode()
    assert re.search(r"Frais de livraison</dt>\s*<dd>0,00 €", fragment)
    # a commune no zone serves: the grocery's message, no day
    fragment = client.post(CHECKOUT, {**data, "commune": "Lille"}, **DETAILS).content.decode()
    assert "Nous ne livrons pas encore à Lille" in fragment and "selon la commune" in fragment
    assert 'name="date"' not in fragment


# --- Placing the order --------------------------------------------------------------------------------------------


def test_place_a_pickup_order_then_merci(client, customer, shop_catalogue, shop_places):
    # given a cart of 2 kg of apples and 1.5 kg of leeks
    apple, leek = shop_catalogue["apple"], shop_catalogue["leek"]
    add(client, apple, "2")
    add(client, leek, "1,5")
    client.force_login(customer)
    data = pickup_form(client, shop_places)
    # when the customer confirms
    response = client.post(CHECKOUT, data)
    # then the grocery placed the order, reserved the stock, and the cart is empty: POST/redirect/GET to "merci"
    order = Order.objects.get(customer=customer)
    assert response.status_code == 302
    assert response["Location"] == f"/commande/{order.pk}/merci/"
    assert order.fulfilment == Fulfilment.PICKUP and order.pickup_point == shop_places
    assert order.delivery_date.isoformat() == data["date"]
    assert order.subtotal == Decimal("10.60") and order.delivery_fee == 0
    assert stock_available(product_id=apple.pk) == Decimal("38")
    assert stock_available(product_id=leek.pk) == Decimal("10.5")
    assert IdempotencyRecord.objects.get(user=customer).order == order
    assert "shop_checkout_key" not in client.session
    assert "(0 article)" in client.get("/panier/").content.decode()
    body = client.get(response["Location"]).content.decode()
    assert re.search(rf"<h1>Merci ! Votre commande n° {order.pk} est enregistrée.</h1>", body)
    assert "Ilôt Jacquard" in body and "Pommes Reinette" in body and "1,5 kg" in body


def test_posting_the_same_key_twice_makes_one_order(client, customer, shop_catalogue, shop_places):
    add(client, shop_catalogue["apple"], "2")
    client.force_login(customer)
    data = pickup_form(client, shop_places)
    first = client.post(CHECKOUT, data)
    # a reload of the POST (or a second click that arrives after the first): the same order
    second = client.post(CHECKOUT, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Order.objects.filter(customer=customer).count() == 1
    assert stock_available(product_id=shop_catalogue["apple"].pk) == Decimal("38")


def test_the_same_key_with_the_cart_still_full_replays_in_the_service(client, customer, shop_catalogue, shop_places):
    # a double click whose two requests both read the full cart: the grocery's key replays the first order
    add(client, shop_catalogue["apple"], "2")
    client.force_login(customer)
    data = pickup_form(client, shop_places)
    session = client.session
    cart = dict(session["shop_cart"])
    client.post(CHECKOUT, data)
    session = client.session
    session["shop_cart"] = cart
    session.save()
    response = client.post(CHECKOUT, data)
    assert response.status_code == 302
    assert Order.objects.filter(customer=customer).count() == 1


def test_a_new_checkout_after_an_order_gets_a_new_key(client, customer, shop_catalogue, shop_places):
    add(client, shop_catalogue["apple"], "1")
    client.force_login(customer)
    client.post(CHECKOUT, pickup_form(client, shop_places))
    add(client, shop_catalogue["apple"], "1")
    client.post(CHECKOUT, pickup_form(client, shop_places))
    assert Order.objects.filter(customer=customer).count() == 2


def test_a_form_without_its_key_is_refused(client, customer, shop_catalogue, shop_places):
    add(client, shop_catalogue["apple"], "1")
    client.force_login(customer)
    data = {**pickup_form(client, shop_places), "idempotency_key": "not-a-key"}
    response = client.post(CHECKOUT, data)
    assert response.status_code == 400
    assert "Ce formulaire a expiré" in response.content.decode()
    assert Order.objects.count() == 0


def test_missing_day_and_place_are_tied_to_their_fields(client, customer, shop_catalogue, shop_places):
    add(client, shop_catalogue["apple"], "1")
    client.force_login(customer)
    data = {**pickup_form(client, shop_places), "place": "", "date": "demain"}
    body = client.post(CHECKOUT, data).content.decode()
    # the page falls back to the first point and its first day, and says why the order was not placed
    assert 'aria-describedby="place-erreur"' in body
    assert "Choisissez un point de retrait ou la livraison à domicile." in body
    assert Order.objects.count() == 0


def test_a_day_the_place_does_not_serve_is_the_grocerys_refusal_next_to_the_day(
    client, customer, shop_catalogue, shop_places
):
    add(client, shop_catalogue["apple"], "1")
    client.force_login(customer)
    data = pickup_form(client, shop_places)
    data["date"] = (date.fromisoformat(data["date"]) - timedelta(days=1)).isoformat()
    response = client.post(CHECKOUT, data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "Il n&#x27;y a pas de livraison le" in body and 'id="date-erreur"' in body
    assert Order.objects.count() == 0


def test_home_delivery_refusals_zone_and_minimum(client, customer, shop_catalogue, shop_places, zone, ban_sample):
    add(client, shop_catalogue["apple"], "2")  # 6.40 €: under the zone's 20 €
    client.force_login(customer)
    # a commune outside every zone: the grocery's message next to the commune field of the address partial
    response = client.post(CHECKOUT, home_form(client, zone, commune="Lille", postcode="59000"))
    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="address-commune"' in body and 'aria-describedby="address-commune-error"' in body
    assert re.search(r'<p id="address-commune-error" class="field-error">Nous ne livrons pas encore à Lille', body)
    assert '<a href="#address-commune">Nous ne livrons pas encore à Lille' in body
    # under the minimum
    response = client.post(CHECKOUT, home_form(client, zone))
    body = response.content.decode()
    assert response.status_code == 400
    assert "La livraison à domicile demande une commande d&#x27;au moins 20,00 € (celle-ci fait 6,40 €)." in body
    # a postcode that is not one, and no street: the address form's own checks, next to their fields
    response = client.post(CHECKOUT, home_form(client, zone, postcode="6210", street=""))
    body = response.content.decode()
    assert response.status_code == 400
    assert '<p id="address-postcode-error" class="field-error">Un code postal a 5 chiffres.</p>' in body
    assert '<p id="address-street-error" class="field-error">Ce champ est obligatoire.</p>' in body
    assert Order.objects.count() == 0
    assert "Pommes Reinette" in client.get("/panier/").content.decode()  # the cart is kept


def test_home_delivery_is_placed_with_the_typed_address_geocoded_and_the_fee(
    client, customer, shop_catalogue, shop_places, zone, ban_sample
):
    add(client, shop_catalogue["apple"], "10")  # 32.00 €
    client.force_login(customer)
    response = client.post(CHECKOUT, home_form(client, zone, commune="calais"))
    order = Order.objects.get(customer=customer)
    assert response["Location"] == f"/commande/{order.pk}/merci/"
    assert order.fulfilment == Fulfilment.HOME and order.delivery_zone == zone
    # the street as typed, the postcode and commune as the BAN spells them, and the BAN's coordinates
    assert (order.delivery_address, order.delivery_postcode, order.delivery_commune) == (
        "5 boulevard Jacquard",
        "62100",
        "Calais",
    )
    assert (order.delivery_latitude, order.delivery_longitude) == (Decimal("50.954458"), Decimal("1.866856"))
    assert order.delivery_fee == Decimal("4.50") and order.total == Decimal("36.50")
    body = client.get(response["Location"]).content.decode()
    assert "5 boulevard Jacquard, 62100 Calais" in body and "36,50 €" in body


def test_an_ambiguous_address_offers_choices_that_work_without_javascript(
    client, customer, shop_catalogue, shop_places, zone, ban_sample
):
    add(client, shop_catalogue["apple"], "10")
    client.force_login(customer)
    data = home_form(client, zone, street="5 boulevard")
    # when the address typed may be several
    response = client.post(CHECKOUT, data)
    body = response.content.decode()
    # then the service's refusal is tied to the street, with the addresses it may mean as radio buttons
    assert response.status_code == 422
    assert 'aria-describedby="address-street-hint address-street-error"' in body
    assert re.search(r'<p id="address-street-error" class="field-error">Plusieurs adresses correspondent', body)
    assert 'name="pick" value="5 Boulevard Jacquard|62100|Calais"' in body
    assert Order.objects.count() == 0
    # and choosing one of them places the order at that address, geocoded
    response = client.post(CHECKOUT, {**data, "pick": "5 Boulevard Jacquard|62100|Calais"})
    order = Order.objects.get(customer=customer)
    assert response["Location"] == f"/commande/{order.pk}/merci/"
    assert (order.delivery_address, order.delivery_commune) == ("5 Boulevard Jacquard", "Calais")
    assert order.delivery_latitude == Decimal("50.954458")


def test_an_address_not_found_is_said_by_the_street(client, customer, shop_catalogue, shop_places, zone, ban_sample):
    add(client, shop_catalogue["apple"], "10")
    client.force_login(customer)
    response = client.post(CHECKOUT, home_form(client, zone, street="4 rue de l eglisse"))
    body = response.content.decode()
    assert response.status_code == 422
    assert '<p id="address-street-error" class="field-error">Adresse introuvable' in body
    assert '<a href="#address-street">Adresse introuvable' in body
    assert Order.objects.count() == 0


def saved(customer, **fields):
    from deliveries.services.addresses import saved_address_create

    values = {"label": "Maison", "street": "5 boulevard Jacquard", "postcode": "62100", "commune": "Calais"}
    return saved_address_create(customer=customer, **{**values, **fields})


def test_saved_addresses_are_offered_the_default_preselected(
    client, customer, shop_catalogue, shop_places, zone, ban_sample
):
    work = saved(customer, label="Travail", street="12 rue Royale")
    home = saved(customer, is_default=True)
    add(client, shop_catalogue["apple"], "10")
    client.force_login(customer)
    body = client.post(CHECKOUT, {"place": "home", "update": "1"}).content.decode()
    assert f'name="saved" value="{home.pk}" checked' in body
    assert f'name="saved" value="{work.pk}">' in body
    assert "<strong>Travail</strong> – 12 rue Royale, 62100 Calais" in body
    assert re.search(r'name="saved" value="new">\s*<span><strong>Une autre adresse</strong>', body)
    # the summary is the saved address's zone's
    assert "frais de livraison 4,50 €" in body
    # a customer without saved addresses gets the fields alone
    client.force_login(UserFactory())
    add(client, shop_catalogue["apple"], "1")
    body = client.post(CHECKOUT, {"place": "home", "update": "1"}).content.decode()
    assert 'name="saved"' not in body and 'id="address-street"' in body


def test_home_delivery_to_a_saved_address_uses_its_coordinates(
    client, customer, shop_catalogue, shop_places, zone, ban_sample
):
    address = saved(customer, label="Travail", street="12 rue Royale")
    add(client, shop_catalogue["apple"], "10")
    client.force_login(customer)
    data = {**home_form(client, zone, street="", postcode="", commune=""), "saved": str(address.pk)}
    response = client.post(CHECKOUT, data)
    order = Order.objects.get(customer=customer)
    assert response["Location"] == f"/commande/{order.pk}/merci/"
    assert (order.delivery_address, order.delivery_postcode, order.delivery_commune) == (
        "12 rue Royale",
        "62100",
        "Calais",
    )
    assert (order.delivery_latitude, order.delivery_longitude) == (address.latitude, address.longitude)


def test_another_address_typed_beside_saved_ones(client, customer, shop_catalogue, shop_places, zone, ban_sample):
    saved(customer, label="Travail", street="12 rue Royale", is_default=True)
    add(client, shop_catalogue["apple"], "10")
    client.force_login(customer)
    response = client.post(CHECKOUT, {**home_form(client, zone), "saved": "new"})
    order = Order.objects.get(customer=customer)
    assert response.status_code == 302
    assert order.delivery_address == "5 boulevard Jacquard" and order.delivery_latitude == Decimal("50.954458")


def test_someone_elses_saved_address_is_refused(client, customer, shop_catalogue, shop_places, zone, ban_sample):
    theirs = saved(UserFactory())
    mine = saved(customer, label="Travail", street="12 rue Royale")
    add(client, shop_catalogue["apple"], "10")
    client.force_login(customer)
    response = client.post(CHECKOUT, {**home_form(client, zone), "saved": str(theirs.pk)})
    body = response.content.decode()
    assert response.status_code == 400
    assert '<p id="saved-address-erreur" class="field-error">Choisissez l&#x27;une de vos adresses' in body
    assert f'name="saved" value="{mine.pk}">' in body
    assert Order.objects.count() == 0


def test_the_last_unit_lost_to_another_customer_is_named_on_its_line_and_the_cart_is_kept(
    client, customer, shop_catalogue, shop_places
):
    # given a jar with one unit left, in this customer's cart with some apples
    jar = ProductFactory(name="Confiture de fraises", unit="jar", unit_price=Decimal("5.00"), stock=1)
    add(client, jar, "1")
    add(client, shop_catalogue["apple"], "1")
    client.force_login(customer)
    data = pickup_form(client, shop_places)
    # when another customer buys it first
    stock_count(product_id=jar.pk, counted=Decimal(0), note="sold elsewhere")
    response = client.post(CHECKOUT, data)
    # then the page comes back with the ledger's message on the jar's line, and nothing was ordered
    body = response.content.decode()
    assert response.status_code == 409
    message = "Stock insuffisant pour « Confiture de fraises » : 0 restant(s), 1 demandé(s)."
    assert f'<p id="ligne-{jar.pk}-erreur" class="field-error">{message}</p>' in body
    assert f'<a href="#ligne-{jar.pk}">{message}</a>' in body
    assert Order.objects.count() == 0
    cart = client.get("/panier/").content.decode()
    assert "Confiture de fraises" in cart and "Pommes Reinette" in cart
    # and the same key still places the order once the customer takes the jar out
    client.post(reverse("shop:cart-update"), {"product": jar.pk, "remove": "1"})
    assert client.post(CHECKOUT, data).status_code == 302
    assert Order.objects.filter(customer=customer).count() == 1


# --- Confirmation -------------------------------------------------------------------------------------------------


def test_merci_page_is_only_for_its_customer(client, customer, shop_catalogue, shop_places, manager):
    add(client, shop_catalogue["apple"], "1")
    client.force_login(customer)
    url = client.post(CHECKOUT, pickup_form(client, shop_places))["Location"]
    assert client.get(url).status_code == 200
    client.force_login(UserFactory())
    response = client.get(url)
    assert response.status_code == 404 and "Page introuvable" in response.content.decode()
    client.force_login(manager)
    assert client.get(url).status_code == 404
    assert client.get("/commande/999999/merci/").status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(resolve_url(settings.LOGIN_URL))


# --- Queries ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 8])
def test_checkout_page_costs_the_same_queries_whatever_the_cart(
    client, customer, shop_places, zone, django_assert_num_queries, count
):
    for i in range(count):
        add(client, ProductFactory(name=f"Produit {i}", stock=5, unit_price=Decimal("1.50")), "1")
    client.force_login(customer)
    client.get(CHECKOUT)  # warm the session
    # session, user, the user's groups (what the catalogue shows them), the cart's products, then the places with
    # their days and the closed days (`delivery_places_open`: 5), the customer's saved addresses
    with django_assert_num_queries(10):
        response = client.get(CHECKOUT)
    assert response.status_code == 200


# --- Delivery windows ---------------------------------------------------------------------------------------------


def test_a_home_customer_picks_a_window_and_a_full_one_is_not_offered(
    client, customer, shop_catalogue, shop_places, zone, ban_sample
):
    from deliveries.models import DeliveryWindow
    from deliveries.services.windows import delivery_window_create

    day = date.fromisoformat(first_open_date(zone=zone))
    morning = delivery_window_create(zone_id=zone.pk, day=day, start=time(10, 0), capacity=2, actor=None)
    full = delivery_window_create(zone_id=zone.pk, day=day, start=time(14, 0), capacity=1, actor=None)
    DeliveryWindow.objects.filter(pk=full.pk).update(taken=1)
    address = saved(customer)
    add(client, shop_catalogue["apple"], "10")
    client.force_login(customer)

    # the page offers the windows with a place left, and no preference by default
    body = client.post(CHECKOUT, {"place": "home", "update": "1"}).content.decode()
    assert "<legend>Créneau de livraison</legend>" in body
    assert f'name="window" value="{morning.pk}"' in body and "10:00–12:00</strong> – 2 places restantes" in body
    assert f'name="window" value="{full.pk}"' not in body
    assert 'name="window" value="" checked' in body

    # the customer takes the morning window
    data = {**home_form(client, zone, street="", postcode="", commune=""), "saved": str(address.pk)}
    response = client.post(CHECKOUT, {**data, "window": str(morning.pk)})
    order = Order.objects.get(customer=customer)
    assert response.status_code == 302 and order.delivery_window_id == morning.pk
    morning.refresh_from_db()
    assert morning.taken == 1


def test_a_window_filled_meanwhile_is_refused_next_to_the_choice(
    client, customer, shop_catalogue, shop_places, zone, ban_sample
):
    from deliveries.models import DeliveryWindow
    from deliveries.services.windows import delivery_window_create

    day = date.fromisoformat(first_open_date(zone=zone))
    window = delivery_window_create(zone_id=zone.pk, day=day, start=time(10, 0), capacity=1, actor=None)
    address = saved(customer)
    add(client, shop_catalogue["apple"], "10")
    client.force_login(customer)
    data = {**home_form(client, zone, street="", postcode="", commune=""), "saved": str(address.pk)}
    # another customer takes the last place after this page was shown
    DeliveryWindow.objects.filter(pk=window.pk).update(taken=1)

    response = client.post(CHECKOUT, {**data, "window": str(window.pk)})

    body = response.content.decode()
    assert response.status_code == 409
    assert "Le créneau 10:00–12:00 est complet : choisissez-en un autre." in body
    assert Order.objects.count() == 0
