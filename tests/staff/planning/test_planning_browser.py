"""A manager plans a date, moves a stop to another round and locks it, in a real browser (phone and desktop), with
axe-core clean pages; the map draws the stops and route lines without any tile server."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from deliveries.models import PlanningJob, Round, Stop, Vehicle
from tests.browser.conftest import DESKTOP, check_page, needs_chromium
from tests.deliveries.helpers import FRIDAY
from tests.staff.planning.helpers import browser_log_in

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]


def test_a_manager_plans_moves_a_stop_and_locks_the_round(page, context, live_server, board_friday, manager):
    # the van takes at most four of the five 6 kg orders: the Calais cargo bike gets a round too
    Vehicle.objects.filter(pk=board_friday["van"].pk).update(capacity_kg=Decimal("24"))
    browser_log_in(context, live_server, manager)

    # the board of Friday, nothing planned yet
    page.goto(f"{live_server.url}/equipe/tournees/?date={FRIDAY.isoformat()}")
    expect(page.get_by_role("heading", name="Tournées de livraison", level=1)).to_be_visible()
    expect(page.get_by_text("Aucune tournée à cette date pour l'instant.")).to_be_visible()
    check_page(page, "planning-board-empty", fits_phone=True)

    # plan it: the job runs (eagerly in tests) and the rounds appear with their figures
    page.get_by_role("button", name="Planifier cette date").click()
    expect(page.get_by_role("heading", name="Tournée Vélo cargo")).to_be_visible()
    expect(page.get_by_role("heading", name="Tournée Camion frigorifique")).to_be_visible()
    assert PlanningJob.objects.get(date=FRIDAY).status == "done"
    # the map drew every stop and a line per round, with no tile server
    expect(page.locator("#planning-map.planning-map-drawn")).to_be_visible()
    stops = Stop.objects.filter(round__date=FRIDAY).count()
    rounds = Round.objects.filter(date=FRIDAY).count()
    assert (
        page.locator("#planning-map .leaflet-overlay-pane path").count() == stops + 1 + rounds
    )  # stops, the depot, the route lines
    check_page(page, "planning-board-planned", fits_phone=True)

    # move a Calais stop to the other round, first
    van = Round.objects.get(date=FRIDAY, vehicle=board_friday["van"])
    bike = Round.objects.get(date=FRIDAY, vehicle=board_friday["bike"])
    calais_on_van = van.stops.filter(commune="Calais").order_by("sequence").first()
    moving, source, target = (
        (calais_on_van, van, bike) if calais_on_van else (bike.stops.order_by("sequence").first(), bike, van)
    )
    row = page.locator(f"#tournee-{source.pk} tr").filter(has_text=moving.label)
    row.get_by_label("Vers la tournée").select_option(label=str(target.vehicle))
    row.get_by_label("Position").fill("1")
    row.get_by_role("button", name=f"Déplacer {moving.label}").click()

    expect(page.get_by_text("L'arrêt est déplacé ; les heures d'arrivée sont recalculées.")).to_be_visible()
    moving.refresh_from_db()
    assert (moving.round_id, moving.sequence) == (target.pk, 1)
    first_row = page.locator(f"#tournee-{target.pk} tbody tr").first
    expect(first_row).to_contain_text(moving.label)
    # a hand edit locks both rounds (re-planning keeps it); the manager unlocks the target, then locks it again
    card = page.locator(f"#tournee-{target.pk}")
    expect(card.get_by_text("verrouillée")).to_be_visible()
    card.get_by_role("button", name=f"Déverrouiller la tournée {target.vehicle}").click()
    expect(page.get_by_text("La tournée est déverrouillée.")).to_be_visible()
    assert not Round.objects.get(pk=target.pk).is_locked
    page.locator(f"#tournee-{target.pk}").get_by_role("button", name=f"Verrouiller la tournée {target.vehicle}").click()
    expect(
        page.get_by_text("La tournée est verrouillée : une nouvelle planification n'y touchera pas.")
    ).to_be_visible()
    assert Round.objects.get(pk=target.pk).is_locked
    page.set_viewport_size(DESKTOP)
    check_page(page, "planning-board-moved-and-locked", fits_phone=True)

    # the sheets to print
    page.get_by_role("link", name="Imprimer les feuilles de route").click()
    expect(page.get_by_role("heading", name="Feuilles de route du vendredi 23 octobre 2026", level=1)).to_be_visible()
    check_page(page, "planning-sheets", fits_phone=True)
