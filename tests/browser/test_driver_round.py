"""The driver's round on a phone (issue 18.4) in a real browser: the driver opens today's round, delivers a stop
with a signature drawn on the screen, fails another with a reason, reloads (nothing is recorded twice); the
customer then sees the proof on their order. Every page through axe-core, on a phone and a desktop."""

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from deliveries.models import RoundEvent, StopStatus
from tests.browser.conftest import check_page, needs_chromium
from tests.factories.accounts import DEFAULT_PASSWORD, StaffFactory
from tests.staff.helpers import driver_round_create

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]


@pytest.fixture(autouse=True)
def proof_root(settings, tmp_path):
    settings.DELIVERY_PROOF_ROOT = tmp_path / "proofs"


def _log_in(page, url, user):
    page.goto(url)
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Me connecter").click()


def _sign(page):
    pad = page.locator("canvas[data-signature-pad]")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    x, y = box["x"], box["y"]
    page.mouse.move(x + 20, y + box["height"] * 0.7)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(x + 20 + step * 22, y + box["height"] * (0.7 - 0.4 * (step % 2)), steps=3)
    page.mouse.up()


def test_a_driver_delivers_with_a_signature_fails_a_stop_and_the_customer_sees_the_proof(page, live_server):
    driver = StaffFactory(groups=["driver"], full_name="Paul Livreur")
    round_ = driver_round_create(driver=driver, day=timezone.localdate())
    first, second = round_.stops.order_by("sequence")
    customer = first.orders.get().customer

    # given the driver logged in on their phone
    _log_in(page, live_server.url + "/livreur/", driver)
    expect(page.get_by_role("heading", name="Mes tournées", level=1)).to_be_visible()
    check_page(page, "livreur 01 mes tournees")

    # when they open today's round and its first stop
    page.get_by_role("link", name="Aujourd’hui").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tournée du")
    check_page(page, "livreur 02 tournee")
    page.get_by_role("link", name=f"1. {first.label}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Arrêt 1")
    # then the stop says where, when, whom to call and what to hand over
    expect(page.get_by_role("link", name="Itinéraire (application GPS)")).to_have_attribute(
        "href", "geo:50.951300,1.858700?q=50.951300,1.858700"
    )
    expect(page.get_by_role("link", name="Voir sur OpenStreetMap")).to_be_visible()
    expect(page.get_by_role("link", name="Appeler le 06 12 34 56 78")).to_have_attribute("href", "tel:0612345678")
    expect(page.get_by_text("1,5 kg Pommes de terre")).to_be_visible()
    expect(page.get_by_text("Digicode 1234")).to_be_visible()
    check_page(page, "livreur 03 arret")

    # when the customer signs on the screen and the driver taps "Livré"
    page.get_by_label("Reçu par (nom)").fill("Mme Lefebvre")
    _sign(page)
    page.get_by_role("button", name="Livré").click()
    # then the round says so
    expect(page.get_by_role("status")).to_contain_text("L’arrêt 1 est livré.")
    expect(page.get_by_text("reçu par Mme Lefebvre")).to_be_visible()
    check_page(page, "livreur 04 livre")
    # and a reload shows the truth and records nothing again (POST/redirect/GET)
    page.reload()
    expect(page.get_by_text("reçu par Mme Lefebvre")).to_be_visible()
    assert RoundEvent.objects.filter(stop=first, to_value=StopStatus.DELIVERED).count() == 1

    # when the second stop fails: nobody there
    page.get_by_role("link", name=f"2. {second.label}").click()
    page.get_by_label("Motif").select_option(label="Personne sur place")
    page.get_by_label("Note (facultative)").fill("Volets fermés")
    check_page(page, "livreur 05 echec")
    page.get_by_role("button", name="Échec").click()
    expect(page.get_by_role("status")).to_contain_text("Arrêt 2 : l’échec de la livraison est enregistré.")
    page.get_by_role("button", name="Terminer la tournée").click()
    expect(page.get_by_role("status")).to_contain_text("La tournée est terminée.")
    check_page(page, "livreur 06 terminee")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == StopStatus.DELIVERED and first.proof_signature
    assert (second.status, second.failure_reason) == (StopStatus.FAILED, "absent")
    signature = (settings.DELIVERY_PROOF_ROOT / first.proof_signature.name).read_bytes()
    assert signature.startswith(b"\x89PNG") and len(signature) > 500  # something was drawn

    # when the customer opens their order
    page.context.clear_cookies()
    order = first.orders.get()
    _log_in(page, live_server.url + f"/compte/commandes/{order.pk}/", customer)
    # then the proof is there: who received it and the signature, loaded through the authorised view
    expect(page.get_by_role("heading", name="Preuve de livraison")).to_be_visible()
    expect(page.get_by_text("Reçu par Mme Lefebvre")).to_be_visible()
    image = page.get_by_role("img", name="Signature de Mme Lefebvre")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.decode().then(() => img.naturalWidth)") == 340  # once loaded, whatever the load
    check_page(page, "livreur 07 client preuve")

    # and the driver's pages are not for customers
    page.goto(live_server.url + "/livreur/")
    expect(page.get_by_role("heading", name="Réservé aux livreurs", level=1)).to_be_visible()
    check_page(page, "livreur 08 refuse")
