"""Quantities with their unit, for people: "2 douzaines", "1 pièce", "2 pièces", "1,5 kg", "3 bocaux".

One helper for every place that prints a quantity and its unit (round sheets in HTML and PDF, order and basket
emails), so that plurals and the decimal separator follow the active language. French plural rule: below 2 is
singular ("1,5 botte"), as the catalogue's Plural-Forms say; English: anything but 1 is plural.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils import formats
from django.utils.translation import get_language, npgettext


def _unit_words(unit: str, count: int) -> str:
    # One literal call per unit so that makemessages finds them (context "unit" keeps them apart from the
    # catalogue's singular labels).
    if unit == "kg":
        return npgettext("unit", "kg", "kg", count)
    if unit == "piece":
        return npgettext("unit", "piece", "pieces", count)
    if unit == "bunch":
        return npgettext("unit", "bunch", "bunches", count)
    if unit == "jar":
        return npgettext("unit", "jar", "jars", count)
    if unit == "litre":
        return npgettext("unit", "litre", "litres", count)
    if unit == "dozen":
        return npgettext("unit", "dozen", "dozens", count)
    if unit == "basket":
        return npgettext("unit", "basket", "baskets", count)
    return unit


def _decimal(quantity) -> Decimal | None:
    try:
        return Decimal(str(quantity))
    except (InvalidOperation, ValueError, TypeError):
        return None


def quantity_display(quantity) -> str:
    """The quantity without trailing zeros, with the language's decimal separator: 1.500 → "1,5", 2.000 → "2"."""
    value = _decimal(quantity)
    if value is None:
        return str(quantity)
    value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return f"{value:f}".replace(".", formats.get_format("DECIMAL_SEPARATOR"))


def plural_count(quantity) -> int:
    """The count to choose a plural form with: the quantity itself when whole; for a fraction, singular below 2 in
    French ("1,5 kilogramme"), plural in other languages ("1.5 litres")."""
    value = _decimal(quantity)
    if value is None:
        return 1
    if value == value.to_integral_value():
        return int(value)
    if (get_language() or "").startswith("fr"):
        return 1 if value < 2 else 2
    return 2


def quantity_with_unit(quantity, unit: str) -> str:
    """ "2 douzaines", "1 pièce", "2 pièces", "1,5 kg" in the active language."""
    return f"{quantity_display(quantity)} {_unit_words(unit, plural_count(quantity))}"
