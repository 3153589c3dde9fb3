from django import template

from ecopole.core.units import quantity_display, quantity_with_unit

register = template.Library()


@register.filter
def with_unit(quantity, unit: str) -> str:
    """A quantity and its unit in French words, the plural right: "1,5 kg", "2 pots"."""
    return quantity_with_unit(quantity, unit) if quantity is not None else ""


@register.filter
def quantity(value) -> str:
    """A quantity without trailing zeros, the decimal comma in French: 1.500 → "1,5"."""
    return quantity_display(value) if value is not None else ""
