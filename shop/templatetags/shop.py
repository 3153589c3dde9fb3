"""Small display helpers of the shop: the season and allergens of a product in words."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from catalogue.season import ALL_MONTHS, Allergen
from ecopole.core.formats import display_decimal

register = template.Library()


@register.simple_tag
def season_label(product) -> str:
    if product.season_months == ALL_MONTHS:
        return _("All year round")
    return ", ".join(str(MONTHS[month]) for month in product.months_in_season)


@register.simple_tag
def allergen_list(product) -> list[str]:
    return [str(Allergen(code).label) for code in product.allergen_codes]


@register.filter
def quantity(value) -> str:
    """A quantity the way the project's messages write it: 0.500 → "0,5", 12.000 → "12" (`display_decimal`)."""
    return display_decimal(Decimal(f"{Decimal(value).normalize():f}")) if value is not None else ""
