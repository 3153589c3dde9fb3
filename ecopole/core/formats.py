"""How values read in a message: one helper for every error message and email of the project.

Dates and times are written the French way in the active language ("25 décembre 2026", "21 octobre 2026 12:00",
Europe/Paris), decimals with the locale's separator ("1642,40"); the structured `fields` of an error keep the
machine forms (ISO 8601, "1642.40"), see `ecopole.core.exceptions`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format, number_format


def display_date(value: date) -> str:
    return date_format(value, "DATE_FORMAT")


def display_datetime(value: datetime) -> str:
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, "DATETIME_FORMAT")


def plain_decimal(value: Decimal | int | str) -> str:
    """A decimal as plain machine text: a dot, no trailing zeros, never an exponent (1.000 → "1", 0.250 → "0.25",
    1E+2 → "100"). What a fingerprint, an event row, a handover or an `<input type="number">` holds."""
    return f"{Decimal(value).normalize():f}"


def display_decimal(value: Decimal) -> str:
    """Money (2 places) keeps its cents: 12.50 → "12,50", 500.00 → "500,00"; any other decimal (a quantity) loses
    its trailing zeros: 276.000 → "276", 1.500 → "1,5"."""
    value = Decimal(value)
    if value.as_tuple().exponent == -2:
        return number_format(value, 2)
    return number_format(Decimal(plain_decimal(value)))


def display_value(value: Any) -> Any:
    """The form of `value` that a sentence shows; anything else is returned unchanged."""
    if isinstance(value, datetime):
        return display_datetime(value)
    if isinstance(value, date):
        return display_date(value)
    if isinstance(value, Decimal):
        return display_decimal(value)
    return value
