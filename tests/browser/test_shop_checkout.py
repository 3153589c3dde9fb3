"""Ordering in a real browser: browse → add to cart → cart → Commander → logged in → pickup → Valider → Merci, with
JavaScript off and on; and two customers buying the last unit."""

import re
from decimal import Decimal
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from playwright.sync_api import expect

from catalogue.services.stock import stock_available
from deliveries.services.addresses import saved_address_create
from orders.models import Order
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOT_DIR, check_page, needs_chromium
from tests.factories.accounts import DEFAULT_PASSWORD, UserFactory
from tests.factories.catalogue import ProductFactory
from tests.factories.deliveries import DeliveryDayFactory, DeliveryZoneFactory

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]


def log_in(context, live_server, user) -> None:
    """Log the browser's own session in as `user`, the way the login page does it (Django's `login`: the session
    keeps its data, the cart included, under a new key): a shortcut for the tests whose subject is not the login
    (the order journey below logs in through the page)."""
    cookies = {cookie["name"]: cookie["value"] for cookie in context.cookies()}
    request = HttpRequest()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore(cookies.get(settings.SESSION_COOKIE_NAME))
    request.user = AnonymousUser()
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    request.session.save()
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": request.session.session_key, "url": live_server.url}]
    )


def screenshots(page, name: str) -> None:
    """Screenshots only: axe-core cannot run where JavaScript is off (the same pages are checked with it on)."""
    safe = re.sub(r"[^a-z0-9-]+", "-", name.lower())
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SCREENSHOT_DIR / f"{safe}-{label}.png"), full_page=True)
    page.set_viewport_size(PHONE)


def order_journey(page, context, live_server, shop, point, *, prefix: str, javascript: bool) -> Order:
    customer = UserFactory(full_name="Camille Dupont")
    check = check_page if javascript else screenshots
    # browse: the products, then the apples' page
    page.goto(live_server.url + "/produits/")
    page.get_by_role("link", name="Pommes Reinette").click()
    expect(page.get_by_role("heading", name="Pommes Reinette", level=1)).to_be_visible()
    # add 2 kg to the cart
    page.get_by_role("spinbutton", name="Quantité (kilogramme)").fill("2")
    page.get_by_role("button", name="Ajouter au panier").click()
    expect(page.get_by_role("status")).to_contain_text("« Pommes Reinette » est dans votre panier.")
    # the cart, then "Commander"
    page.get_by_role("link", name=re.compile(r"^Panier \(1 article\)")).click()
    expect(page.get_by_role("heading", name="Votre panier", level=1)).to_be_visible()
    check(page, f"{prefix} 1 panier")
    page.get_by_role("button", name="Commander").click()
    # not logged in yet: the login page, which brings the customer back to checkout
    expect(page).to_have_url(re.compile(r"\?next=/commande/$"))
    page.get_by_label("Adresse e-mail").fill(customer.email)
    page.get_by_label("Mot de passe", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Me connecter").click()
    # checkout: the pickup point is chosen, its days offered with their cutoff
    expect(page.get_by_role("heading", name="Votre commande", level=1)).to_be_visible()
    expect(page.get_by_role("radio", name=re.compile("Ilôt Jacquard"))).to_be_checked()
    days = page.get_by_role("group", name="Jour de retrait")
    expect(days.get_by_role("radio").first).to_be_checked()
    expect(days.get_by_role("radio").first).to_have_accessible_name(
        re.compile(r"endredi \d+ \S+ – commandez avant mercredi")
    )
    expect(page.get_by_text("aucun (retrait)")).to_be_visible()
    check(page, f"{prefix} 2 commande retrait")
    page.get_by_role("button", name="Valider la commande").click()
    # the confirmation
    order = Order.objects.get(customer=customer)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Merci ! Votre commande n° {order.pk} est enregistrée.")
    expect(page).to_have_url(live_server.url + f"/commande/{order.pk}/merci/")
    expect(page.get_by_role("link", name=re.compile(r"^Panier \(0 article\)"))).to_be_visible()
    check(page, f"{prefix} 3 merci")
    assert order.pickup_point == point and order.subtotal == Decimal("6.40")
    return order


def test_order_journey_with_javascript_off(browser, live_server, shop_photos, shop_places):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR", viewport=PHONE, timezone_id="Europe/Paris")
    page = context.new_page()
    order_journey(page, context, live_server, shop_photos, shop_places, prefix="20 sans js", javascript=False)
    context.close()


def test_order_journey_with_javascript_on(browser, live_server, shop_photos, shop_places):
    context = browser.new_context(locale="fr-FR", viewport=PHONE, timezone_id="Europe/Paris")
    page = context.new_page()
    order_journey(page, context, live_server, shop_photos, shop_places, prefix="21 avec js", javascript=True)
    context.close()


def test_home_delivery_summary_follows_the_choice_with_htmx(
    browser, live_server, shop_catalogue, shop_places, ban_sample
):
    zone = DeliveryZoneFactory(name="Calaisis")
    DeliveryDayFactory(zone=zone)
    context = browser.new_context(locale="fr-FR", viewport=PHONE, timezone_id="Europe/Paris")
    page = context.new_page()
    page.goto(live_server.url + f"/produits/{shop_catalogue['apple'].pk}/")
    page.get_by_role("spinbutton", name="Quantité (kilogramme)").fill("2")
    page.get_by_role("button", name="Ajouter au panier").click()
    log_in(context, live_server, UserFactory())
    page.goto(live_server.url + "/commande/")
    # when the customer chooses home delivery and types their commune (no submit: htmx updates the summary)
    page.get_by_role("radio", name=re.compile("Livraison à domicile")).check()
    expect(page.get_by_text("Indiquez votre commune pour voir les jours de livraison.")).to_be_visible()
    page.get_by_role("textbox", name="Numéro et rue").fill("12 rue Royale")
    page.get_by_role("textbox", name="Code postal").fill("62100")
    page.get_by_role("textbox", name="Commune").fill("Calais")
    page.get_by_role("textbox", name="Commune").press("Tab")
    # then the zone's minimum, fee and threshold, and its days
    expect(page.get_by_text("commande minimum 20,00 €, frais de livraison 4,50 €, offerts dès 60,00 €")).to_be_visible()
    expect(page.get_by_text("La livraison à domicile demande une commande d'au moins 20,00 €")).to_be_visible()
    expect(page.get_by_role("group", name="Jour de livraison").get_by_role("radio").first).to_be_checked()
    check_page(page, "22 commande livraison minimum")
    # and confirming anyway gets the grocery's refusal, the cart kept
    page.get_by_role("button", name="Valider la commande").click()
    expect(page.get_by_role("alert")).to_contain_text("La livraison à domicile demande une commande d'au moins 20,00 €")
    check_page(page, "23 commande refusee minimum")
    assert Order.objects.count() == 0
    context.close()


def test_two_customers_want_the_last_unit(browser, live_server, shop_catalogue, shop_places):
    # given one jar left, and two customers with it in their cart, both on the checkout page
    jar = ProductFactory(name="Confiture de fraises", unit="jar", unit_price=Decimal("5.00"), stock=1)
    pages = []
    for _ in range(2):
        context = browser.new_context(locale="fr-FR", viewport=DESKTOP, timezone_id="Europe/Paris")
        page = context.new_page()
        page.goto(live_server.url + f"/produits/{jar.pk}/")
        page.get_by_role("button", name="Ajouter au panier").click()
        expect(page.get_by_role("status")).to_contain_text("est dans votre panier")
        log_in(context, live_server, UserFactory())
        page.goto(live_server.url + "/commande/")
        expect(page.get_by_role("button", name="Valider la commande")).to_be_visible()
        pages.append(page)
    first, second = pages
    # when both confirm, the first one first
    first.get_by_role("button", name="Valider la commande").click()
    expect(first.get_by_role("heading", level=1)).to_contain_text("Merci")
    second.get_by_role("button", name="Valider la commande").click()
    # then the second sees the ledger's French message on the jar's line, and keeps their cart
    message = "Stock insuffisant pour « Confiture de fraises » : 0 restant(s), 1 demandé(s)."
    expect(second.get_by_role("alert")).to_contain_text(message)
    line = second.get_by_role("listitem").filter(has_text="Confiture de fraises").filter(has_text="Stock insuffisant")
    expect(line.last).to_contain_text(message)
    expect(second.get_by_role("link", name=re.compile(r"^Panier \(1 article\)"))).to_be_visible()
    check_page(second, "24 dernier pot perdu")
    assert Order.objects.count() == 1
    assert stock_available(product_id=jar.pk) == 0
    for page in pages:
        page.context.close()


def test_a_jar_with_its_deposit_from_the_product_page_to_the_order(browser, live_server, shop_photos, shop_places):
    """The deposit is seen at each step before paying: beside the price, in the cart, in the checkout's summary, and
    on the order once placed (issue 19)."""
    jam = ProductFactory(
        producer=shop_photos["garden"],
        name="Confiture de fraises",
        unit="jar",
        unit_price=Decimal("4.90"),
        deposit=Decimal("0.50"),
        stock=10,
    )
    context = browser.new_context(locale="fr-FR", viewport=PHONE, timezone_id="Europe/Paris")
    page = context.new_page()
    page.goto(live_server.url + f"/produits/{jam.pk}/")
    expect(page.get_by_text("+ 0,50 € de consigne, rendue au retour du bocal")).to_be_visible()
    check_page(page, "27 consigne 1 produit")
    page.get_by_role("spinbutton", name="Quantité (bocal)").fill("3")
    page.get_by_role("button", name="Ajouter au panier").click()
    expect(page.get_by_role("status")).to_contain_text("est dans votre panier")
    page.get_by_role("link", name=re.compile(r"^Panier \(1 article\)")).click()
    expect(page.get_by_role("term").filter(has_text="Consigne (3 bocaux × 0,50 €)")).to_be_visible()
    expect(page.get_by_text("Total estimé : 16,20 €")).to_be_visible()
    check_page(page, "27 consigne 2 panier")
    log_in(context, live_server, UserFactory())
    page.goto(live_server.url + "/commande/")
    summary = page.get_by_role("region", name="Résumé")
    expect(summary.get_by_role("term").filter(has_text="Consigne (3 bocaux × 0,50 €)")).to_be_visible()
    expect(summary.get_by_role("definition").filter(has_text="1,50 €")).to_be_visible()
    expect(summary.get_by_text("16,20 €")).to_be_visible()
    check_page(page, "27 consigne 3 commande")
    page.get_by_role("button", name="Valider la commande").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Merci")
    expect(page.get_by_role("term").filter(has_text="Consigne (3 bocaux × 0,50 €)")).to_be_visible()
    check_page(page, "27 consigne 4 merci")
    order = Order.objects.get()
    assert (order.subtotal, order.deposit_total, order.total) == (Decimal("14.70"), Decimal("1.50"), Decimal("16.20"))
    page.goto(live_server.url + f"/compte/commandes/{order.pk}/")
    expect(page.get_by_role("rowheader", name="Consigne (3 bocaux × 0,50 €)")).to_be_visible()
    check_page(page, "27 consigne 5 detail commande")
    context.close()


def test_home_delivery_to_a_saved_address_or_another_one(browser, live_server, shop_catalogue, shop_places, ban_sample):
    # given a customer with two saved addresses, the default one at the Ilôt Jacquard's boulevard
    zone = DeliveryZoneFactory(name="Calaisis")
    DeliveryDayFactory(zone=zone)
    customer = UserFactory()
    saved_address_create(customer=customer, label="Travail", street="12 rue Royale", postcode="62100", commune="Calais")
    home = saved_address_create(
        customer=customer, label="Maison", street="5 boulevard Jacquard", postcode="", commune="Calais", is_default=True
    )
    context = browser.new_context(locale="fr-FR", viewport=PHONE, timezone_id="Europe/Paris")
    page = context.new_page()
    page.goto(live_server.url + f"/produits/{shop_catalogue['apple'].pk}/")
    page.get_by_role("spinbutton", name="Quantité (kilogramme)").fill("10")
    page.get_by_role("button", name="Ajouter au panier").click()
    log_in(context, live_server, customer)
    page.goto(live_server.url + "/commande/")
    # when they choose home delivery: their addresses, the default one checked, no fields to type
    page.get_by_role("radio", name=re.compile("Livraison à domicile")).check()
    addresses = page.get_by_role("group", name="Livrer à")
    expect(addresses.get_by_role("radio", name=re.compile("^Maison – 5 boulevard Jacquard"))).to_be_checked()
    expect(page.get_by_role("textbox", name="Numéro et rue")).to_be_hidden()
    expect(page.get_by_text("commande minimum 20,00 €, frais de livraison 4,50 €")).to_be_visible()
    check_page(page, "25 commande adresses enregistrees")
    # "Une autre adresse" shows the fields (CSS only: the same with JavaScript off)
    addresses.get_by_role("radio", name="Une autre adresse").check()
    expect(page.get_by_role("textbox", name="Numéro et rue")).to_be_visible()
    expect(page.get_by_text("Indiquez votre commune pour voir les jours de livraison.")).to_be_visible()
    check_page(page, "26 commande autre adresse")
    # back to the saved one, and confirm: the order has its coordinates
    addresses.get_by_role("radio", name=re.compile("^Maison")).check()
    expect(page.get_by_role("group", name="Jour de livraison").get_by_role("radio").first).to_be_checked()
    page.get_by_role("button", name="Valider la commande").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Merci")
    order = Order.objects.get(customer=customer)
    assert (order.delivery_latitude, order.delivery_longitude) == (home.latitude, home.longitude)
    context.close()
