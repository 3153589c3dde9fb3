"""Quantities with their unit: one helper for sheets and emails, French plurals and decimal comma."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from ecopole.core.units import quantity_with_unit


@pytest.mark.parametrize(
    ("quantity", "unit", "french", "english"),
    [
        (Decimal("2"), "dozen", "2 douzaines", "2 dozens"),
        (Decimal("1.000"), "piece", "1 pièce", "1 piece"),
        (Decimal("2.000"), "piece", "2 pièces", "2 pieces"),
        (Decimal("1.5"), "kg", "1,5 kg", "1.5 kg"),
        (Decimal("3"), "jar", "3 bocaux", "3 jars"),
        (Decimal("1.5"), "bunch", "1,5 botte", "1.5 bunches"),
        (Decimal("2.5"), "litre", "2,5 litres", "2.5 litres"),
        ("1", "basket", "1 cabas", "1 basket"),
        (Decimal("2"), "crate", "2 crate", "2 crate"),  # an unknown unit is printed as it is
    ],
)
def test_quantity_with_unit(quantity, unit, french, english):
    with translation.override("fr"):
        assert quantity_with_unit(quantity, unit) == french
    with translation.override("en"):
        assert quantity_with_unit(quantity, unit) == english


def test_the_template_filter_uses_the_same_helper():
    template = Template("{% load units %}{{ q|with_unit:u }}")
    with translation.override("fr"):
        assert template.render(Context({"q": Decimal("2.000"), "u": "piece"})) == "2 pièces"
