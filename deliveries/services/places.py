"""Reads and pure rules about places and delivery days: commune matching, open delivery dates, cutoffs.

Nothing here writes. Cutoffs are computed in Europe/Paris local time (see `DeliveryDay.cutoff_at`), so a
"Wednesday 12:00" cutoff is 10:00 UTC in summer and 11:00 UTC in winter.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from ecopole.core.calendar import closures_between

from ..errors import CoordinatesOutsideZone, OutsideDeliveryZone
from ..geocoding import GeocodedAddress, address_geocode
from ..models import DeliveryDay, DeliveryZone, PickupPoint

# How far ahead customers may order.
ORDER_HORIZON_DAYS = 28


def commune_normalise(name: str) -> str:
    """ "Vieille-Église", "vieille eglise" and "VIEILLE ÉGLISE " all give "vieille eglise"."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[-'’`_.]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def zone_for_commune(*, commune: str, exclude_zone_id: int | None = None) -> DeliveryZone | None:
    """The active zone that serves `commune`, or None. Zones are few: they are matched in Python."""
    wanted = commune_normalise(commune)
    if not wanted:
        return None
    zones = DeliveryZone.objects.filter(is_active=True).order_by("pk")
    if exclude_zone_id is not None:
        zones = zones.exclude(pk=exclude_zone_id)
    for zone in zones:
        if wanted in {commune_normalise(c) for c in zone.communes or []}:
            return zone
    return None


def opening_hours_validate(value) -> list[dict]:
    """Check and normalise a list of `{"weekday": 0-6, "opens": "HH:MM", "closes": "HH:MM"}`; raise ValueError."""
    if not isinstance(value, list):
        raise ValueError("Opening hours must be a list.")
    cleaned = []
    for item in value:
        if not isinstance(item, dict) or set(item) != {"weekday", "opens", "closes"}:
            raise ValueError('Each opening is {"weekday": 0-6, "opens": "HH:MM", "closes": "HH:MM"}.')
        weekday = item["weekday"]
        if not isinstance(weekday, int) or not 0 <= weekday <= 6:
            raise ValueError("weekday is 0 (Monday) to 6 (Sunday).")
        try:
            opens, closes = (datetime.strptime(item[k], "%H:%M").time() for k in ("opens", "closes"))
        except (TypeError, ValueError) as exc:
            raise ValueError("opens and closes are times written HH:MM.") from exc
        if closes <= opens:
            raise ValueError("closes must be after opens.")
        cleaned.append({"weekday": weekday, "opens": opens.strftime("%H:%M"), "closes": closes.strftime("%H:%M")})
    return sorted(cleaned, key=lambda o: (o["weekday"], o["opens"]))


@dataclass(frozen=True)
class Area:
    south: Decimal
    west: Decimal
    north: Decimal
    east: Decimal

    def contains(self, latitude: Decimal, longitude: Decimal) -> bool:
        return self.south <= latitude <= self.north and self.west <= longitude <= self.east


def service_area() -> Area:
    """`DELIVERIES_SERVICE_AREA`: "south,west,north,east" in degrees, the box every home address must fall in."""
    south, west, north, east = (Decimal(v.strip()) for v in settings.DELIVERIES_SERVICE_AREA.split(","))
    return Area(south, west, north, east)


def zone_area(zone: DeliveryZone) -> Area:
    """The zone's own box when it has one, else the service area."""
    if None not in (zone.south, zone.west, zone.north, zone.east):
        return Area(zone.south, zone.west, zone.north, zone.east)
    return service_area()


def home_coordinates_check(*, zone: DeliveryZone, commune: str, latitude, longitude) -> None:
    """The one check of a home address's coordinates, for grocery orders and cabas subscriptions alike: they must
    fall inside the area of the zone that serves `commune` (`zone_area`), else `coordinates_outside_zone` (400).
    Coordinates are optional where the caller allows it (both None: nothing to check); one without the other is
    refused the same way."""
    if latitude is None and longitude is None:
        return
    try:
        lat, lon = Decimal(str(latitude)), Decimal(str(longitude))
        inside = lat.is_finite() and lon.is_finite() and zone_area(zone).contains(lat, lon)
    except (InvalidOperation, ValueError, TypeError):
        inside = False
    if not inside:
        raise CoordinatesOutsideZone(latitude=str(latitude), longitude=str(longitude), commune=commune, zone=zone.name)


def home_address_locate(*, street: str, postcode: str, commune: str) -> GeocodedAddress:
    """The typed home address geocoded (`deliveries.geocoding`) and checked against the delivery zones: its commune
    is served (`outside_delivery_zone` otherwise, before any geocoding), the commune the geocoder found too, and the
    coordinates found fall in that zone's area (`coordinates_outside_zone`). Raises the geocoder's errors
    (`address_not_found`, `address_ambiguous`, `geocoder_unavailable`). May call the online geocoder: callers run
    it before they open a transaction (grocery orders, cabas subscriptions, saved addresses)."""
    if zone_for_commune(commune=commune) is None:
        raise OutsideDeliveryZone(commune=commune.strip())
    found = address_geocode(street=street, postcode=postcode, commune=commune)
    zone = zone_for_commune(commune=found.commune)
    if zone is None:
        raise OutsideDeliveryZone(commune=found.commune)
    home_coordinates_check(zone=zone, commune=found.commune, latitude=found.latitude, longitude=found.longitude)
    return found


@dataclass(frozen=True)
class OpenDate:
    date: date
    cutoff_at: datetime
    rule: DeliveryDay


def delivery_rule_for(*, rules: list[DeliveryDay], delivery_date: date) -> DeliveryDay | None:
    """The active rule delivering on `delivery_date`'s weekday, or None."""
    return next((r for r in rules if r.is_active and r.weekday == delivery_date.weekday()), None)


def delivery_dates_open(
    *,
    rules: list[DeliveryDay],
    now: datetime | None = None,
    horizon_days: int = ORDER_HORIZON_DAYS,
    closed: Mapping[date, str] | None = None,
) -> list[OpenDate]:
    """Delivery dates from today to today + horizon whose cutoff is still ahead of `now`, in date order, except
    the closed days (public holidays, the association's closures: `ecopole.core.calendar`). `closed`: the closed
    days of the range already read (`closures_between`), for a caller listing several places; otherwise one query.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    if closed is None:
        closed = closures_between(today, today + timedelta(days=horizon_days))
    dates = []
    for offset in range(horizon_days + 1):
        day = today + timedelta(days=offset)
        rule = delivery_rule_for(rules=rules, delivery_date=day)
        if rule is None or day in closed:
            continue
        cutoff = rule.cutoff_at(day)
        if now < cutoff:
            dates.append(OpenDate(date=day, cutoff_at=cutoff, rule=rule))
    return dates


def delivery_date_within_horizon(*, delivery_date: date, now: datetime | None = None) -> bool:
    today = timezone.localdate(now or timezone.now())
    return today <= delivery_date <= today + timedelta(days=ORDER_HORIZON_DAYS)


def _active_rules() -> Prefetch:
    return Prefetch(
        "delivery_days", queryset=DeliveryDay.objects.filter(is_active=True).order_by("weekday"), to_attr="active_days"
    )


def pickup_point_list_with_days() -> QuerySet[PickupPoint]:
    """Active pickup points with their active delivery days in `active_days` (two queries in all)."""
    return PickupPoint.objects.filter(is_active=True).prefetch_related(_active_rules()).order_by("name")


def delivery_zone_list_with_days() -> QuerySet[DeliveryZone]:
    """Active zones with their active delivery days in `active_days` (two queries in all)."""
    return DeliveryZone.objects.filter(is_active=True).prefetch_related(_active_rules()).order_by("name")
