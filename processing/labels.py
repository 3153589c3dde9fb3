"""The words of a label: ingredients with the allergens set apart (EU regulation 1169/2011, article 21), shared by
the public lot page and the printed labels."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

import segno
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from catalogue.season import Allergen

if TYPE_CHECKING:
    from .selectors import LotPublic

# French words that name each allergen of annex II in an ingredient list (lower case, matched at word starts).
ALLERGEN_WORDS: dict[str, tuple[str, ...]] = {
    Allergen.GLUTEN: ("gluten", "blé", "froment", "seigle", "orge", "avoine", "épeautre", "kamut"),
    Allergen.CRUSTACEANS: ("crustacé", "crevette", "crabe", "homard", "langoustine"),
    Allergen.EGGS: ("œuf", "oeuf"),
    Allergen.FISH: ("poisson", "anchois", "thon", "saumon", "cabillaud"),
    Allergen.PEANUTS: ("arachide", "cacahuète"),
    Allergen.SOYBEANS: ("soja",),
    Allergen.MILK: ("lait", "beurre", "crème", "fromage", "lactose"),
    Allergen.NUTS: ("noix", "noisette", "amande", "pistache", "cajou"),
    Allergen.CELERY: ("céleri",),
    Allergen.MUSTARD: ("moutarde",),
    Allergen.SESAME: ("sésame",),
    Allergen.SULPHITES: ("sulfite", "anhydride sulfureux"),
    Allergen.LUPIN: ("lupin",),
    Allergen.MOLLUSCS: ("mollusque", "moule", "huître", "calmar", "seiche"),
}


def ingredient_segments(ingredients: str, allergen_codes: list[str]) -> tuple[list[tuple[str, bool]], list[str]]:
    """Split `ingredients` into [(text, is_allergen)] so the allergens can be printed in bold, and return the
    codes of the declared allergens the text never names (the label states them after the list)."""
    words = {word: code for code in allergen_codes for word in ALLERGEN_WORDS.get(code, ())}
    if not words or not ingredients:
        return ([(ingredients, False)] if ingredients else []), list(allergen_codes)
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\w*", re.IGNORECASE
    )
    segments: list[tuple[str, bool]] = []
    named: set[str] = set()
    position = 0
    for match in pattern.finditer(ingredients):
        if match.start() > position:
            segments.append((ingredients[position : match.start()], False))
        segments.append((match.group(0), True))
        named.add(words[match.group(1).lower()])
        position = match.end()
    if position < len(ingredients):
        segments.append((ingredients[position:], False))
    return segments, [code for code in allergen_codes if code not in named]


# A4 sheet of 3 × 8 labels of 70 × 37 mm (a common stock: Avery L7160-like, no gutter).
LABEL_COLUMNS, LABEL_ROWS = 3, 8
LABEL_WIDTH_MM, LABEL_HEIGHT_MM = 70, 37


def lot_public_url(code: str) -> str:
    """The absolute address of the lot's public page: what the label's QR code opens."""
    from django.urls import reverse

    return settings.SITE_URL.rstrip("/") + reverse("lots:lot-public", kwargs={"code": code})


def lot_qr_png(url: str) -> bytes:
    """The QR code of `url` as a PNG of one pixel per module, no quiet zone (the label leaves the white around it)."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=1, border=0)
    return buffer.getvalue()


def lot_labels_pdf(lot: LotPublic) -> bytes:
    """A printable A4 sheet of identical labels for a lot: name, ingredients with the allergens in bold (EU
    regulation 1169/2011), net quantity, best-before date, lot number, producer, the Ecopôle's address and a QR code
    to the lot's public page. French, whatever the request's language."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph

    buffer = io.BytesIO()
    qr = ImageReader(io.BytesIO(lot_qr_png(lot_public_url(lot.code))))
    small = ParagraphStyle("label", fontName="Helvetica", fontSize=5.6, leading=6.6)
    title = ParagraphStyle("label-title", parent=small, fontName="Helvetica-Bold", fontSize=7.5, leading=8.5)
    with translation.override(settings.LANGUAGE_CODE):
        ingredients = "".join(f"<b>{escape(text)}</b>" if bold else escape(text) for text, bold in lot.ingredients)
        lines = [Paragraph(escape(lot.name), title)]
        if ingredients:
            lines.append(Paragraph(f"{escape(_('Ingredients'))} : {ingredients}", small))
        if lot.other_allergens:
            lines.append(Paragraph(f"{escape(_('Contains'))} : <b>{escape(', '.join(lot.other_allergens))}</b>", small))
        if lot.container:
            lines.append(Paragraph(f"{escape(_('Net quantity'))} : {escape(lot.container)}", small))
        best_before = _("Best before %(date)s") % {"date": f"{lot.best_before:%d/%m/%Y}"}
        lines.append(Paragraph(f"<b>{escape(best_before)}</b>", small))
        lines.append(Paragraph(f"{escape(_('Lot'))} : <b>{escape(lot.code)}</b>", small))
        producer = lot.producer_name + (f", {lot.producer_commune}" if lot.producer_commune else "")
        lines.append(Paragraph(f"{escape(_('Grown by'))} : {escape(producer)}", small))
        lines.append(Paragraph(escape(_("Made at the %(address)s") % {"address": settings.ECOPOLE_ADDRESS}), small))
        canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
        canvas.setTitle(_("Labels of lot %(code)s") % {"code": lot.code})
        page_width, page_height = A4
        width, height = LABEL_WIDTH_MM * mm, LABEL_HEIGHT_MM * mm
        left = (page_width - LABEL_COLUMNS * width) / 2
        top = page_height - (page_height - LABEL_ROWS * height) / 2
        padding, qr_size = 2.5 * mm, 17 * mm
        for row in range(LABEL_ROWS):
            for column in range(LABEL_COLUMNS):
                x, y = left + column * width, top - (row + 1) * height
                text_width = width - 3 * padding - qr_size
                cursor = y + height - padding
                for paragraph in lines:
                    _w, used = paragraph.wrapOn(canvas, text_width, height)
                    cursor -= used
                    paragraph.drawOn(canvas, x + padding, cursor)
                canvas.drawImage(qr, x + width - padding - qr_size, y + (height - qr_size) / 2, qr_size, qr_size)
        canvas.showPage()
        canvas.save()
    return buffer.getvalue()
