"""Writes on producers: the derived columns (distance to the Ecopôle, search text) are kept here, in one place."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction

from ..geo import distance_to_ecopole_km
from ..legal_ids import siret_normalise, vat_number_normalise
from ..models import Producer
from ..text import search_normalise

PRODUCER_FIELDS = {
    "name",
    "kind",
    "description",
    "commune",
    "latitude",
    "longitude",
    "organic_certifier",
    "organic_certificate_number",
    "organic_certificate_valid_until",
    "siret",
    "vat_number",
    "billing_address",
    "billing_postcode",
}


def producer_derive(*, producer: Producer) -> None:
    """Recompute the derived columns in memory: `distance_km` (haversine to Vieille-Église) and `search_text`; store
    the SIRET and VAT number compact (spaces and dots typed by people removed)."""
    producer.siret = siret_normalise(producer.siret)
    producer.vat_number = vat_number_normalise(producer.vat_number)
    producer.distance_km = distance_to_ecopole_km(producer.latitude, producer.longitude)
    producer.search_text = search_normalise(producer.name, producer.commune)


def producer_create(
    *,
    name: str,
    slug: str,
    kind: str = "farm",
    description: str = "",
    commune: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    organic_certifier: str = "",
    organic_certificate_number: str = "",
    organic_certificate_valid_until: datetime.date | None = None,
) -> Producer:
    """Create a producer with its derived columns. Validates the model (certifier code format, coordinates)."""
    producer = Producer(
        name=name,
        slug=slug,
        kind=kind,
        description=description,
        commune=commune,
        latitude=latitude,
        longitude=longitude,
        organic_certifier=organic_certifier,
        organic_certificate_number=organic_certificate_number,
        organic_certificate_valid_until=organic_certificate_valid_until,
    )
    producer_derive(producer=producer)
    producer.full_clean()
    with transaction.atomic():
        producer.save()
    return producer


def producer_update(*, producer: Producer, **changes: Any) -> Producer:
    """Change a producer's details (any of PRODUCER_FIELDS) and refresh its derived columns."""
    unknown = set(changes) - PRODUCER_FIELDS
    if unknown:
        raise TypeError(f"producer_update() got unexpected fields: {sorted(unknown)}")
    for field, value in changes.items():
        setattr(producer, field, value)
    producer_derive(producer=producer)
    producer.full_clean()
    with transaction.atomic():
        producer.save()
    return producer
