"""Months in season and allergens, stored as small integer bitmasks.

A bitmask filters in SQL with a bitwise AND
(`F("season_months").bitand(mask)`) and fits in one column. Month m (1 = January) is bit m-1.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _

ALL_MONTHS = (1 << 12) - 1


def month_bit(month: int) -> int:
    if not 1 <= month <= 12:
        raise ValueError(f"month out of range: {month}")
    return 1 << (month - 1)


def months_to_mask(months: Iterable[int]) -> int:
    mask = 0
    for month in months:
        mask |= month_bit(int(month))
    return mask


def mask_to_months(mask: int) -> list[int]:
    return [month for month in range(1, 13) if mask & month_bit(month)]


def month_range(first: int, last: int) -> list[int]:
    """Months from `first` to `last` inclusive, wrapping over the new year (e.g. 10 → 3)."""
    months, month = [], first
    while True:
        months.append(month)
        if month == last:
            return months
        month = month % 12 + 1


class Allergen(models.TextChoices):
    """The 14 allergens of EU regulation 1169/2011, annex II, in its order (bit i = i-th member)."""

    GLUTEN = "gluten", _("Cereals containing gluten")
    CRUSTACEANS = "crustaceans", _("Crustaceans")
    EGGS = "eggs", _("Eggs")
    FISH = "fish", _("Fish")
    PEANUTS = "peanuts", _("Peanuts")
    SOYBEANS = "soybeans", _("Soybeans")
    MILK = "milk", _("Milk")
    NUTS = "nuts", _("Nuts")
    CELERY = "celery", _("Celery")
    MUSTARD = "mustard", _("Mustard")
    SESAME = "sesame", _("Sesame seeds")
    SULPHITES = "sulphites", _("Sulphur dioxide and sulphites")
    LUPIN = "lupin", _("Lupin")
    MOLLUSCS = "molluscs", _("Molluscs")


ALLERGEN_CODES: list[str] = [choice.value for choice in Allergen]
ALL_ALLERGENS = (1 << len(ALLERGEN_CODES)) - 1


def allergens_to_mask(codes: Iterable[str]) -> int:
    mask = 0
    for code in codes:
        mask |= 1 << ALLERGEN_CODES.index(code)
    return mask


def mask_to_allergens(mask: int) -> list[str]:
    return [code for i, code in enumerate(ALLERGEN_CODES) if mask & (1 << i)]
