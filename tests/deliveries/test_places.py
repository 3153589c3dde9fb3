from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from deliveries.models import DeliveryDay, PickupPointKind, Weekday
from deliveries.services.places import (
    commune_normalise,
    delivery_dates_open,
    opening_hours_validate,
    zone_for_commune,
)
from tests.factories.deliveries import DeliveryDayFactory, DeliveryZoneFactory, PickupPointFactory

UTC = ZoneInfo("UTC")
pytestmark = pytest.mark.django_db


def test_communes_match_whatever_the_accents_case_and_hyphens():
    assert commune_normalise("Vieille-Église") == commune_normalise(" vieille eglise ") == "vieille eglise"
    zone = DeliveryZoneFactory(communes=["Vieille-Église", "Oye-Plage"])
    assert zone_for_commune(commune="VIEILLE EGLISE") == zone
    assert zone_for_commune(commune="oye plage") == zone
    assert zone_for_commune(commune="Dunkerque") is None


def test_an_inactive_zone_serves_nobody():
    DeliveryZoneFactory(communes=["Guînes"], is_active=False)
    assert zone_for_commune(commune="Guînes") is None


def test_a_commune_cannot_be_in_two_zones():
    DeliveryZoneFactory(communes=["Calais"])
    with pytest.raises(ValidationError):
        DeliveryZoneFactory.build(communes=["calais"]).clean()


def test_friday_cutoff_is_wednesday_noon_paris_time_in_summer_and_in_winter():
    rule = DeliveryDayFactory.build(weekday=Weekday.FRIDAY, cutoff_weekday=Weekday.WEDNESDAY, cutoff_time=time(12))
    # before the switch to winter time (25 October 2026): CEST, UTC+2
    assert rule.cutoff_at(date(2026, 10, 23)).astimezone(UTC) == datetime(2026, 10, 21, 10, 0, tzinfo=UTC)
    # after it: CET, UTC+1
    assert rule.cutoff_at(date(2026, 10, 30)).astimezone(UTC) == datetime(2026, 10, 28, 11, 0, tzinfo=UTC)


def test_a_cutoff_on_the_night_of_the_change_uses_the_offset_of_that_instant():
    # Tuesday 27 October, cutoff Sunday 25 October (the change day) at 18:00: already CET
    rule = DeliveryDayFactory.build(weekday=Weekday.TUESDAY, cutoff_weekday=Weekday.SUNDAY, cutoff_time=time(18))
    assert rule.cutoff_at(date(2026, 10, 27)).astimezone(UTC) == datetime(2026, 10, 25, 17, 0, tzinfo=UTC)


def test_a_same_day_cutoff_is_on_the_delivery_day():
    rule = DeliveryDayFactory.build(weekday=Weekday.SATURDAY, cutoff_weekday=Weekday.SATURDAY, cutoff_time=time(7))
    assert rule.cutoff_at(date(2026, 10, 24)).date() == date(2026, 10, 24)


def test_open_dates_skip_those_whose_cutoff_passed():
    point = PickupPointFactory()
    rule = DeliveryDayFactory(pickup_point=point)
    # Wednesday 21 October 12:00:01 Paris: Friday 23 is closed, Friday 30 is open
    with time_machine.travel(datetime(2026, 10, 21, 10, 0, 1, tzinfo=UTC), tick=False):
        dates = delivery_dates_open(rules=[rule])
    assert [d.date for d in dates][:2] == [date(2026, 10, 30), date(2026, 11, 6)]
    assert dates[0].cutoff_at.astimezone(UTC) == datetime(2026, 10, 28, 11, 0, tzinfo=UTC)


def test_a_rule_is_for_a_point_or_a_zone_never_both_nor_none():
    with pytest.raises(IntegrityError):
        DeliveryDay.objects.create(weekday=4, cutoff_weekday=2)


def test_there_is_one_depot():
    PickupPointFactory(kind=PickupPointKind.DEPOT, is_depot=True)
    with pytest.raises(IntegrityError):
        PickupPointFactory(kind=PickupPointKind.DEPOT, is_depot=True)


def test_a_vending_machine_can_be_a_pickup_point():
    point = PickupPointFactory(kind=PickupPointKind.VENDING_MACHINE)
    assert point.get_kind_display() == "Distributeur automatique"


def test_opening_hours_are_checked_and_normalised():
    assert opening_hours_validate([{"weekday": 1, "opens": "9:00", "closes": "12:00"}]) == [
        {"weekday": 1, "opens": "09:00", "closes": "12:00"}
    ]
    for bad in [
        "lundi",
        [{"weekday": 7, "opens": "09:00", "closes": "12:00"}],
        [{"weekday": 1, "opens": "12:00", "closes": "09:00"}],
    ]:
        with pytest.raises(ValueError):
            opening_hours_validate(bad)
    point = PickupPointFactory.build(opening_hours=[{"weekday": 1}])
    with pytest.raises(ValidationError):
        point.clean()
