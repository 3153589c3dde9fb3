"""The labels of a lot (issue 17, item 3): an A4 PDF sheet whose text carries the lot number, the best-before date
and the allergens in bold, and whose QR code is the lot's public address; producer members and staff only."""

import io

import pypdf
import segno
from django.test import Client

from processing.labels import LABEL_COLUMNS, LABEL_ROWS
from tests.factories.accounts import ProducerMemberFactory
from tests.lots.helpers import qr_matrix, web_client_for


def test_the_producer_prints_a_sheet_whose_qr_code_opens_the_public_page(lot, producer_member, settings):
    settings.SITE_URL = "https://ecopole.example.org"
    response = web_client_for(producer_member).get(f"/lots/{lot.code}/etiquettes.pdf")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    width_mm, height_mm = float(page.mediabox.width) / 72 * 25.4, float(page.mediabox.height) / 72 * 25.4
    assert round(width_mm) == 210 and round(height_mm) == 297  # A4
    text = " ".join(page.extract_text().split())  # lines wrap inside a label
    assert text.count(lot.code) == LABEL_COLUMNS * LABEL_ROWS
    assert f"À consommer de préférence avant le {lot.best_before:%d/%m/%Y}" in text
    assert "crème" in text and "céleri" in text and "Moutarde" in text
    assert "Quantité nette : 75 cl" in text
    assert "62162 Vieille-Église" in text
    # the allergens are set in bold: the words are drawn with Helvetica-Bold
    fonts = _fonts_of(page, ["crème", "céleri"])
    assert fonts == {"crème": "/Helvetica-Bold", "céleri": "/Helvetica-Bold"}

    # the QR code: its modules are exactly those of the lot's public address
    url = f"https://ecopole.example.org/lots/{lot.code}/"
    images = page.images
    assert images
    assert qr_matrix(images[0].image) == [[bool(m) for m in row] for row in segno.make(url, error="m").matrix]
    # and that address opens without logging in
    assert Client().get(f"/lots/{lot.code}/").status_code == 200


def _fonts_of(page, words) -> dict[str, str]:
    found = {}

    def visit(text, cm, tm, font_dict, font_size):
        for word in words:
            if word in text and font_dict:
                found.setdefault(word, font_dict.get("/BaseFont"))

    page.extract_text(visitor_text=visit)
    return found


def test_staff_may_print_the_labels_customers_and_other_producers_may_not(lot, manager, customer, db):
    assert web_client_for(manager).get(f"/lots/{lot.code}/etiquettes.pdf").status_code == 200
    other = ProducerMemberFactory()
    for user in (customer, other):
        response = web_client_for(user).get(f"/lots/{lot.code}/etiquettes.pdf")
        assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
    anonymous = Client().get(f"/lots/{lot.code}/etiquettes.pdf")
    assert anonymous.status_code == 302 and "/compte/" in anonymous["Location"]
