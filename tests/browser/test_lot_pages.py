"""The public lot page in a browser (issue 17): opened without login from the label's address, axe-core clean, and
the recalled state; an unknown number is the French 404 page."""

import time_machine

from processing.services.recall import lot_recall
from tests.browser.conftest import check_page, needs_chromium
from tests.factories.processing import workshop_setup
from tests.lots.helpers import NOW, completed_lot, jar_product

pytestmark = needs_chromium


def test_the_public_lot_page_and_its_recall(page, live_server, producer, manager):
    producer.commune = "Ruminghem"
    producer.save(update_fields=["commune"])
    with time_machine.travel(NOW, tick=False):
        lot = completed_lot(
            producer=producer, product=jar_product(producer), manager=manager, equipment=workshop_setup()["washing"]
        )
    page.goto(live_server.url + f"/lots/{lot.code}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Velouté de potimarron")
    assert page.get_by_text("Ruminghem").count() == 1
    check_page(page, "lot 01 page publique")

    lot_recall(lot_id=lot.pk, user=manager, reason="Défaut de stérilisation")
    page.goto(live_server.url + f"/lots/{lot.code}/")
    assert page.get_by_role("alert").get_by_text("Ce lot est rappelé").count() == 1
    check_page(page, "lot 02 rappele")

    page.goto(live_server.url + "/lots/LC-20990101-999/")
    assert page.get_by_role("heading", level=1).inner_text() == "Lot introuvable"
    check_page(page, "lot 03 introuvable")
