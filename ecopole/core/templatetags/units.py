"""`{% load units %}{{ line.quantity|with_unit:line.unit }}`: a quantity and its unit with the right plural."""

from django import template

from ecopole.core.units import quantity_with_unit

register = template.Library()


@register.filter
def with_unit(quantity, unit) -> str:
    return quantity_with_unit(quantity, str(unit))
