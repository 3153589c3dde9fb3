"""The public lot page /lots/<code>/ (issue 17, item 4): no login, the jar's story, never a customer's data."""

from decimal import Decimal

from django.test import Client

from catalogue.models import StockLot
from tests.lots.helpers import INGREDIENTS


def test_anyone_sees_what_the_jar_is_who_grew_it_and_when_it_was_made(lot, farm):
    response = Client().get(f"/lots/{lot.code}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Velouté de potimarron" in page
    assert farm.name in page and "Ruminghem" in page
    assert "19 novembre 2026" in page  # processed on the slot's day
    assert lot.best_before.strftime("%Y") in page
    assert "<strong>crème</strong>" in page and "<strong>céleri</strong>" in page
    assert "Moutarde" in page  # declared, not named in the ingredients: listed all the same
    assert "Parcelle du Marais" in page
    assert "rappelé" not in page
    # the jars entered the stock as their lot
    assert StockLot.objects.get(code=lot.code).quantity == Decimal("10")
    assert INGREDIENTS.split(",")[0] in page


def test_an_unknown_lot_is_a_plain_french_404_page(db):
    response = Client().get("/lots/LC-20990101-999/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "Lot introuvable" in response.content.decode()
