"""Distances on the Earth's surface. Pure functions, no Django: the routing code can use them too."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

EARTH_RADIUS_KM = 6371.0088
# The Ecopôle alimentaire at Vieille-Église: the depot every delivery round starts from.
ECOPOLE_LATITUDE = 50.9287
ECOPOLE_LONGITUDE = 2.0779


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in decimal degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def distance_to_ecopole_km(latitude, longitude) -> Decimal | None:
    """Distance to the Ecopôle in km, rounded to 0.1 km; None without coordinates."""
    if latitude is None or longitude is None:
        return None
    km = haversine_km(float(latitude), float(longitude), ECOPOLE_LATITUDE, ECOPOLE_LONGITUDE)
    return Decimal(str(km)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
