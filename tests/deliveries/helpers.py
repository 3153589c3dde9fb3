"""Helpers of the deliveries tests (constants, request bodies, builders): test modules import them from here; the
fixtures are in conftest.py."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from deliveries.models import PickupPoint

PARIS = ZoneInfo("Europe/Paris")

FRIDAY = date(2026, 10, 23)

THURSDAY_EVENING = datetime(2026, 10, 22, 18, 0, tzinfo=PARIS)

# Points around the Calaisis (lat, lon) for home deliveries.
CALAIS_POINTS = [("50.9513", "1.8587"), ("50.9580", "1.8480"), ("50.9460", "1.8700"), ("50.9620", "1.8650")]

MARCK = ("50.9480", "1.9510")

GUINES = ("50.8690", "1.8710")

AUDRUICQ = ("50.8794", "2.0786")


def pickup_point_create(**values) -> PickupPoint:
    defaults = {"address": "Centre", "postcode": "62000", "opening_hours": []}
    return PickupPoint.objects.create(**{**defaults, **values})
