"""The catalogue's declarations in the register of personal data: a producer member's export carries their
producer's data (an organisation's business data: kept when one of its members erases their account)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ecopole.core.personal_data import personal_data_register

from .models import Producer, Product

BUSINESS = "the producer's business data, not the member's: kept when a member leaves"


def personal_data_declare() -> None:
    personal_data_register(
        Producer,
        section=_("Your producer"),
        rows=lambda user: Producer.objects.filter(members=user),
        export=(
            "name",
            "kind",
            "description",
            "commune",
            "latitude",
            "longitude",
            "organic_certifier",
            "organic_certificate_number",
            "organic_certificate_valid_until",
            "photo",
        ),
        keep={"name": BUSINESS, "description": BUSINESS, "photo": BUSINESS},
    )
    personal_data_register(
        Product,
        section=_("Your producer's products"),
        rows=lambda user: Product.objects.filter(producer__members=user),
        export=("name", "unit", "unit_price", "vat_rate", "organic", "is_active", "created_at"),
        keep={"name": BUSINESS},
    )
