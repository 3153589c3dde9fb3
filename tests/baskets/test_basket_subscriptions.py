from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baskets.models import BasketPause, BasketSkip, BasketSubscription, SubscriptionStatus
from baskets.services.generation import basket_run_generate
from baskets.services.subscriptions import next_distribution
from ecopole.core.models import AuditEvent
from tests.baskets.constants import BASE, FRIDAY, NEXT_FRIDAY, PARIS
from tests.clients import client_for
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def _subscribe(client, offer, **body):
    return client.post(f"{BASE}/subscriptions/", {"offer": offer.pk, **body}, format="json")


def test_a_customer_subscribes_at_the_ilot_jacquard_by_default(customer_client, customer, small, ilot):
    # when a customer subscribes without choosing a place, and tries to set the owner, status and price
    response = _subscribe(customer_client, small, status="cancelled", price="0.01", customer=999, solidarity=True)

    # then the subscription is theirs, active, at the Ilôt Jacquard, from the next open Friday, at full price
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["customer"]["id"] == customer.pk
    assert body["status"] == "active"
    assert body["pickup_point"]["id"] == ilot.pk
    assert body["start_date"] == FRIDAY.isoformat()
    assert body["price"] == "12.00" and body["solidarity"] is False
    assert [u["date"] for u in body["upcoming"][:2]] == [FRIDAY.isoformat(), NEXT_FRIDAY.isoformat()]
    assert body["upcoming"][0]["cutoff_at"] == "2026-12-09T12:00:00+01:00"


def test_subscribing_twice_to_the_same_offer_is_refused(customer_client, small, ilot):
    assert _subscribe(customer_client, small).status_code == 201
    response = _subscribe(customer_client, small)
    assert response.status_code == 409
    assert response.json()["code"] == "already_subscribed"
    assert BasketSubscription.objects.count() == 1


def test_home_delivery_in_a_zone(customer_client, small, ilot, home_zone):
    address = {"address": "Rue de la Mer", "commune": "Calais", "latitude": "50.960000", "longitude": "1.850000"}
    # the zone's minimum (25.00 €) applies to a basket as to an order: a 12.00 € basket is refused
    refused = _subscribe(customer_client, small, fulfilment={"type": "home", "address": address})
    assert refused.status_code == 400
    assert refused.json()["code"] == "below_minimum_order"
    assert refused.json()["fields"] == {"minimum": "25.00", "subtotal": "12.00"}
    assert not BasketSubscription.objects.exists()
    home_zone.minimum_order = Decimal("10.00")
    home_zone.save()
    response = _subscribe(customer_client, small, fulfilment={"type": "home", "address": address})
    assert response.status_code == 201, response.json()
    assert response.json()["delivery_zone"]["id"] == home_zone.pk
    assert response.json()["pickup_point"] is None


def test_outside_every_zone_is_refused(customer_client, small, ilot, home_zone):
    address = {"address": "Rue", "commune": "Lille", "latitude": "50.600000", "longitude": "3.050000"}
    response = _subscribe(customer_client, small, fulfilment={"type": "home", "address": address})
    assert response.status_code == 400
    assert response.json()["code"] == "outside_delivery_zone"


def test_an_explicit_start_after_its_cutoff_is_refused_in_french(customer_client, small, ilot, basket_now):
    basket_now.move_to(datetime(2026, 12, 9, 12, 0, tzinfo=PARIS))
    response = _subscribe(customer_client, small, start_date=FRIDAY.isoformat())
    assert response.status_code == 400
    assert response.json()["code"] == "cutoff_passed"
    assert (
        response.json()["detail"]
        == "Les modifications du cabas du 11 décembre 2026 étaient possibles jusqu’au 9 décembre 2026 12:00."
    )


def test_without_a_start_date_after_the_cutoff_the_first_basket_is_next_week(customer_client, small, ilot, basket_now):
    basket_now.move_to(datetime(2026, 12, 9, 12, 0, tzinfo=PARIS))
    response = _subscribe(customer_client, small)
    assert response.status_code == 201
    assert response.json()["start_date"] == NEXT_FRIDAY.isoformat()


# --- Ownership --------------------------------------------------------------------------------------------------


def test_another_customers_subscription_is_not_found(other_customer_client, customer, small, make_subscription):
    subscription = make_subscription(small, customer=customer)
    assert other_customer_client.get(f"{BASE}/subscriptions/{subscription.pk}/").status_code == 404
    for action, body in [
        ("skip", {"date": FRIDAY.isoformat()}),
        ("pause", {"start_date": "2026-12-10", "end_date": "2026-12-31"}),
        ("resume", {}),
        ("change", {"frequency": "every_two_weeks"}),
        ("cancel", {}),
    ]:
        response = other_customer_client.post(f"{BASE}/subscriptions/{subscription.pk}/{action}/", body, format="json")
        assert response.status_code == 404, action
    assert other_customer_client.get(f"{BASE}/subscriptions/").json()["count"] == 0
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert not BasketSkip.objects.exists() and not BasketPause.objects.exists()


def test_anonymous_is_refused(api_client):
    assert api_client.get(f"{BASE}/subscriptions/").status_code == 401


def test_the_list_uses_the_same_number_of_queries_for_2_and_20(customer, customer_client, offers, make_subscription):
    def count_for(n):
        BasketSubscription.objects.all().delete()
        for i in range(n):
            sub = make_subscription(list(offers.values())[i % 3], customer=customer if i < 3 else None)
            BasketSkip.objects.create(subscription=sub, date=NEXT_FRIDAY)
            BasketPause.objects.create(subscription=sub, start_date=date(2027, 1, 1), end_date=date(2027, 1, 10))
        staff = client_for(UserFactory(groups=["manager"]))
        with CaptureQueriesContext(connection) as ctx:
            response = staff.get(f"{BASE}/subscriptions/?page_size=50")
        assert response.json()["count"] == n
        return len(ctx.captured_queries)

    assert count_for(2) == count_for(20)


# --- Skip ------------------------------------------------------------------------------------------------------


def test_skip_until_the_cutoff_then_refused(customer, customer_client, small, make_subscription, basket_now):
    subscription = make_subscription(small, customer=customer)
    url = f"{BASE}/subscriptions/{subscription.pk}/skip/"

    # before the cutoff: skipped, and skipping again changes nothing (run twice)
    basket_now.move_to(datetime(2026, 12, 9, 11, 59, tzinfo=PARIS))
    for _ in range(2):
        response = customer_client.post(url, {"date": FRIDAY.isoformat()}, format="json")
        assert response.status_code == 200
    assert response.json()["skips"] == [FRIDAY.isoformat()]
    assert response.json()["upcoming"][0]["state"] == "skipped"
    assert BasketSkip.objects.count() == 1
    assert AuditEvent.objects.filter(action="basket_subscription.skip").count() == 1

    # at the cutoff: refused for that Friday, allowed for the next one
    basket_now.move_to(datetime(2026, 12, 9, 12, 0, tzinfo=PARIS))
    response = customer_client.post(url, {"date": FRIDAY.isoformat()}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "cutoff_passed"
    assert customer_client.post(url, {"date": NEXT_FRIDAY.isoformat()}, format="json").status_code == 200


def test_skipping_a_day_without_distribution_is_refused(customer, customer_client, small, make_subscription):
    subscription = make_subscription(small, customer=customer, frequency="every_two_weeks")
    url = f"{BASE}/subscriptions/{subscription.pk}/skip/"
    for day in ("2026-12-10", NEXT_FRIDAY.isoformat()):  # a Thursday; the off week of a fortnightly basket
        response = customer_client.post(url, {"date": day}, format="json")
        assert response.status_code == 400
        assert response.json()["code"] == "not_a_distribution_date"


def test_skip_is_refused_once_the_baskets_are_generated_even_before_the_cutoff(
    customer, customer_client, composed, make_subscription
):
    subscription = make_subscription(composed, customer=customer)
    basket_run_generate(offer_id=composed.pk, on=FRIDAY, force=True)
    response = customer_client.post(
        f"{BASE}/subscriptions/{subscription.pk}/skip/", {"date": FRIDAY.isoformat()}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "cutoff_passed"


# --- Pause and resume ----------------------------------------------------------------------------------------


def test_pause_window_until_its_first_cutoff(customer, customer_client, small, make_subscription, basket_now):
    subscription = make_subscription(small, customer=customer)
    url = f"{BASE}/subscriptions/{subscription.pk}/pause/"
    holidays = {"start_date": "2026-12-19", "end_date": "2027-01-03"}  # Fridays 25 Dec and 1 Jan

    response = customer_client.post(url, holidays, format="json")
    assert response.status_code == 200
    assert response.json()["pauses"] == [holidays]
    states = {u["date"]: u["state"] for u in response.json()["upcoming"]}
    assert states["2026-12-18"] == "basket"
    # Christmas and New Year's Day are public holidays: closed, whatever the pause
    assert states["2026-12-25"] == "closed" and states["2027-01-01"] == "closed"
    assert states["2027-01-08"] == "basket"

    # the same pause again changes nothing; an overlapping one is refused
    assert customer_client.post(url, holidays, format="json").status_code == 200
    overlap = customer_client.post(url, {"start_date": "2027-01-01", "end_date": "2027-01-10"}, format="json")
    assert overlap.status_code == 409 and overlap.json()["code"] == "pause_overlaps"
    assert BasketPause.objects.count() == 1

    # a pause whose first Friday is closed is refused
    basket_now.move_to(datetime(2026, 12, 9, 12, 30, tzinfo=PARIS))
    late = customer_client.post(url, {"start_date": "2026-12-10", "end_date": "2026-12-12"}, format="json")
    assert late.status_code == 400 and late.json()["code"] == "cutoff_passed"


def test_a_pause_without_distribution_or_reversed_is_refused(customer, customer_client, small, make_subscription):
    subscription = make_subscription(small, customer=customer)
    url = f"{BASE}/subscriptions/{subscription.pk}/pause/"
    empty = customer_client.post(url, {"start_date": "2026-12-12", "end_date": "2026-12-17"}, format="json")
    assert empty.status_code == 400 and empty.json()["code"] == "no_distribution_in_period"
    reversed_ = customer_client.post(url, {"start_date": "2026-12-20", "end_date": "2026-12-12"}, format="json")
    assert reversed_.status_code == 400 and reversed_.json()["code"] == "validation_error"


def test_resume_ends_the_pause_from_the_next_open_distribution(
    customer, customer_client, small, make_subscription, basket_now
):
    subscription = make_subscription(small, customer=customer)
    BasketPause.objects.create(subscription=subscription, start_date=date(2026, 12, 5), end_date=date(2027, 1, 31))
    planned = BasketPause.objects.create(
        subscription=subscription, start_date=date(2027, 3, 1), end_date=date(2027, 3, 10)
    )
    url = f"{BASE}/subscriptions/{subscription.pk}/resume/"

    response = customer_client.post(url, {}, format="json")

    assert response.status_code == 200
    assert response.json()["pauses"] == [{"start_date": "2026-12-05", "end_date": "2026-12-10"}]
    assert not BasketPause.objects.filter(pk=planned.pk).exists()
    assert response.json()["upcoming"][0] == {**response.json()["upcoming"][0], "date": "2026-12-11", "state": "basket"}
    # run twice: nothing left to resume
    again = customer_client.post(url, {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "not_paused"


def test_resume_after_the_cutoff_is_refused_for_that_friday(
    customer, customer_client, small, make_subscription, basket_now
):
    subscription = make_subscription(small, customer=customer)
    BasketPause.objects.create(subscription=subscription, start_date=date(2026, 12, 5), end_date=date(2027, 1, 31))
    basket_now.move_to(datetime(2026, 12, 9, 13, 0, tzinfo=PARIS))
    response = customer_client.post(f"{BASE}/subscriptions/{subscription.pk}/resume/", {}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "cutoff_passed"


# --- Change and cancel ---------------------------------------------------------------------------------------


def test_change_size_and_point_before_the_cutoff(customer, customer_client, offers, make_subscription, relay_point):
    subscription = make_subscription(offers["small"], customer=customer)
    response = customer_client.post(
        f"{BASE}/subscriptions/{subscription.pk}/change/",
        {"offer": offers["large"].pk, "fulfilment": {"type": "pickup", "point": relay_point.pk}},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["offer"]["id"] == offers["large"].pk
    assert response.json()["pickup_point"]["id"] == relay_point.pk
    assert response.json()["price"] == "25.00"


def test_change_between_the_cutoff_and_the_generation_is_refused(
    customer, customer_client, offers, make_subscription, basket_now
):
    subscription = make_subscription(offers["small"], customer=customer)
    basket_now.move_to(datetime(2026, 12, 9, 12, 30, tzinfo=PARIS))
    response = customer_client.post(
        f"{BASE}/subscriptions/{subscription.pk}/change/", {"offer": offers["large"].pk}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "cutoff_passed"
    subscription.refresh_from_db()
    assert subscription.offer_id == offers["small"].pk


def test_change_after_the_generation_applies_to_the_next_friday(
    customer, customer_client, composed, offers, make_subscription, basket_now
):
    subscription = make_subscription(composed, customer=customer)
    basket_now.move_to(datetime(2026, 12, 9, 13, 0, tzinfo=PARIS))
    basket_run_generate(offer_id=composed.pk, on=FRIDAY)
    assert next_distribution(subscription=subscription) == NEXT_FRIDAY
    response = customer_client.post(
        f"{BASE}/subscriptions/{subscription.pk}/change/", {"frequency": "every_two_weeks"}, format="json"
    )
    assert response.status_code == 200
    assert [u["date"] for u in response.json()["upcoming"][:2]] == ["2026-12-18", "2027-01-01"]


def test_an_empty_change_is_refused(customer, customer_client, small, make_subscription):
    subscription = make_subscription(small, customer=customer)
    response = customer_client.post(f"{BASE}/subscriptions/{subscription.pk}/change/", {}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "nothing_to_change"


def test_cancel_before_the_cutoff_twice(customer, customer_client, small, make_subscription, basket_now):
    subscription = make_subscription(small, customer=customer)
    url = f"{BASE}/subscriptions/{subscription.pk}/cancel/"
    basket_now.move_to(datetime(2026, 12, 9, 11, 0, tzinfo=PARIS))
    for _ in range(2):
        response = customer_client.post(url, {}, format="json")
        assert response.status_code == 200
        assert response.json()["status"] == "cancelled"
        assert response.json()["upcoming"] == []
    assert AuditEvent.objects.filter(action="basket_subscription.cancel").count() == 1
    skip = customer_client.post(
        f"{BASE}/subscriptions/{subscription.pk}/skip/", {"date": NEXT_FRIDAY.isoformat()}, format="json"
    )
    assert skip.status_code == 409 and skip.json()["code"] == "subscription_cancelled"


def test_cancel_after_the_cutoff_is_refused(customer, customer_client, small, make_subscription, basket_now):
    subscription = make_subscription(small, customer=customer)
    basket_now.move_to(datetime(2026, 12, 9, 12, 0, tzinfo=PARIS) + timedelta(minutes=1))
    response = customer_client.post(f"{BASE}/subscriptions/{subscription.pk}/cancel/", {}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "cutoff_passed"


def test_the_cutoff_follows_paris_time_across_time_zones(customer, customer_client, small, make_subscription):
    # 11:30 UTC on Wednesday 9 December is 12:30 in Paris (winter, UTC+1): closed
    subscription = make_subscription(small, customer=customer)
    with time_machine.travel(datetime(2026, 12, 9, 11, 30, tzinfo=ZoneInfoUTC), tick=False):
        response = customer_client.post(
            f"{BASE}/subscriptions/{subscription.pk}/skip/", {"date": FRIDAY.isoformat()}, format="json"
        )
    assert response.status_code == 400


from zoneinfo import ZoneInfo  # noqa: E402

ZoneInfoUTC = ZoneInfo("UTC")
