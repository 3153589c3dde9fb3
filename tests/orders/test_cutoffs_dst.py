"""Cutoffs are Europe/Paris wall-clock times: "Wednesday 12:00" is 10:00 UTC in summer time and 11:00 UTC in winter
time. France leaves summer time on Sunday 25 October 2026 (03:00 CEST → 02:00 CET) and enters it again on Sunday
28 March 2027."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.orders.helpers import pickup_body

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")
URL = "/api/v1/orders/"


def order_at(client, point, product, instant: datetime, delivery_date: date):
    with time_machine.travel(instant, tick=False):
        return client.post(URL, pickup_body(point, [(product, 1)], delivery_date=delivery_date), format="json")


@pytest.mark.parametrize(
    ("instant_utc", "delivery_date", "status"),
    [
        # before the change (CEST, UTC+2): Friday 23 October closes on Wednesday 21 at 10:00 UTC
        (datetime(2026, 10, 21, 9, 59, 59, tzinfo=UTC), date(2026, 10, 23), 201),
        (datetime(2026, 10, 21, 10, 0, 0, tzinfo=UTC), date(2026, 10, 23), 400),
        # after it (CET, UTC+1): Friday 30 October closes on Wednesday 28 at 11:00 UTC, not 10:00
        (datetime(2026, 10, 28, 10, 30, 0, tzinfo=UTC), date(2026, 10, 30), 201),
        (datetime(2026, 10, 28, 10, 59, 59, tzinfo=UTC), date(2026, 10, 30), 201),
        (datetime(2026, 10, 28, 11, 0, 0, tzinfo=UTC), date(2026, 10, 30), 400),
        # ordered in summer time for a date after the change: the winter cutoff applies
        (datetime(2026, 10, 24, 12, 0, 0, tzinfo=UTC), date(2026, 10, 30), 201),
        # Tuesday 27 closes on Sunday 25 (the change day itself) at 18:00 CET = 17:00 UTC
        (datetime(2026, 10, 25, 16, 59, 59, tzinfo=UTC), date(2026, 10, 27), 201),
        (datetime(2026, 10, 25, 17, 0, 0, tzinfo=UTC), date(2026, 10, 27), 400),
        # back to summer time: Friday 2 April 2027 closes on Wednesday 31 March at 12:00 CEST = 10:00 UTC
        (datetime(2027, 3, 31, 9, 59, 59, tzinfo=UTC), date(2027, 4, 2), 201),
        (datetime(2027, 3, 31, 10, 0, 0, tzinfo=UTC), date(2027, 4, 2), 400),
    ],
)
def test_cutoffs_follow_paris_time_across_the_dst_changes(
    customer_client, depot, leeks, instant_utc, delivery_date, status
):
    response = order_at(customer_client, depot, leeks, instant_utc, delivery_date)

    assert response.status_code == status, response.json()
    if status == 400:
        assert response.json()["code"] == "cutoff_passed"


def test_the_order_keeps_its_local_cutoff_with_the_right_offset(customer_client, depot, leeks):
    summer = order_at(customer_client, depot, leeks, datetime(2026, 10, 20, 8, 0, tzinfo=UTC), date(2026, 10, 23))
    winter = order_at(customer_client, depot, leeks, datetime(2026, 10, 20, 8, 0, tzinfo=UTC), date(2026, 10, 30))
    assert summer.json()["cutoff_at"] == "2026-10-21T12:00:00+02:00"
    assert winter.json()["cutoff_at"] == "2026-10-28T12:00:00+01:00"


def test_a_customer_may_cancel_until_the_winter_cutoff(customer_client, depot, leeks):
    order = order_at(customer_client, depot, leeks, datetime(2026, 10, 20, 8, 0, tzinfo=UTC), date(2026, 10, 30))
    cancel_url = f"{URL}{order.json()['id']}/cancel/"
    with time_machine.travel(datetime(2026, 10, 28, 10, 30, tzinfo=UTC), tick=False):  # 11:30 in Paris
        assert customer_client.post(cancel_url, {}, format="json").status_code == 200
