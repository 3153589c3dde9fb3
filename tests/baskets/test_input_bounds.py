"""Values at the edges are a 400, never a 500 (issue 21.7): dates bounded to 2000-01-01..2099-12-31, integers to
their column, digits ASCII only. One test per example of the issue, each checking that nothing was written."""

import pytest

from baskets.models import BasketPause, BasketSkip
from tests.baskets.constants import BASE, FRIDAY

pytestmark = pytest.mark.django_db


def _refused(response, field: str) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "validation_error"
    assert field in body["fields"], body


def test_a_statement_of_month_0000_01_is_refused(customer_client):
    _refused(customer_client.get(f"{BASE}/statement/", {"month": "0000-01"}), "month")


def test_a_pause_in_9999_is_refused(customer, customer_client, small, make_subscription):
    subscription = make_subscription(small, customer=customer)
    response = customer_client.post(
        f"{BASE}/subscriptions/{subscription.pk}/pause/",
        {"start_date": "9999-12-01", "end_date": "9999-12-31"},
        format="json",
    )
    _refused(response, "start_date")
    assert not BasketPause.objects.exists()


def test_a_skip_dated_9999_12_31_is_refused(customer, customer_client, small, make_subscription):
    subscription = make_subscription(small, customer=customer)
    response = customer_client.post(
        f"{BASE}/subscriptions/{subscription.pk}/skip/", {"date": "9999-12-31"}, format="json"
    )
    _refused(response, "date")
    assert not BasketSkip.objects.exists()


def test_a_skip_in_range_still_works(customer, customer_client, small, make_subscription):
    subscription = make_subscription(small, customer=customer)
    response = customer_client.post(
        f"{BASE}/subscriptions/{subscription.pk}/skip/", {"date": FRIDAY.isoformat()}, format="json"
    )
    assert response.status_code == 200, response.json()
