"""Small display helpers of the shop: the season and allergens of a product in words."""

from __future__ import annotations

from django import template
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from catalogue.season import ALL_MONTHS, Allergen

register = template.Library()


@register.simple_tag
def season_label(product) -> str:
    if product.season_months == ALL_MONTHS:
        return _("All year round")
    return ", ".join(str(MONTHS[month]) for month in product.months_in_season)


@register.simple_tag
def allergen_list(product) -> list[str]:
    return [str(Allergen(code).label) for code in product.allergen_codes]
