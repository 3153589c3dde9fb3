"""Small display helpers of the shop: the season and allergens of a product in words."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from catalogue.photos import CARD_SIZE, LARGE_SIZE
from catalogue.season import ALL_MONTHS, Allergen
from ecopole.core.formats import display_decimal, plain_decimal
from shop.cards import photo_img

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
    return display_decimal(Decimal(plain_decimal(value))) if value is not None else ""


@register.simple_tag
def photo(obj, rendition: str = "card", lazy: bool = True) -> str:
    """The `<img>` of a product's or producer's photo rendition, with its width, height and alt; "" without one.

    The sizes are the renditions' own (fixed by `catalogue.photos`), so no file is opened to know them."""
    if not obj.photo:
        return ""
    image = obj.photo_large if rendition == "large" else obj.photo_card
    return photo_img(image.url, obj.name, LARGE_SIZE if rendition == "large" else CARD_SIZE, lazy=lazy)


@register.filter
def quantity_input(value) -> str:
    """A quantity for an <input type="number">: a dot, no trailing zeros (0.500 → "0.5")."""
    return plain_decimal(value) if value is not None else ""


@register.simple_tag
def get_item(mapping, key):
    """`mapping[key]`, or "" (a form's value or error by field name, in the pages that build their own fields)."""
    return mapping.get(key, "")


@register.filter
def get_value(mapping, key):
    return mapping.get(key, "")


@register.simple_tag
def order_status_label(value: str) -> str:
    from orders.models import OrderStatus

    return str(OrderStatus(value).label) if value in OrderStatus.values else value


@register.filter
def locker_state_label(reservation) -> str:
    from vending.ports import LockerState

    return str(LockerState(reservation.state).label)
