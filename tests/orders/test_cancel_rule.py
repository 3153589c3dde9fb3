"""One cancel rule for the project (README, API conventions; issue 14.7): cancelling what is already cancelled answers
200 with its current state, writes no second event and sends no second email. The workshop's side:
tests/processing/test_field_trial.py."""

import pytest

from orders.models import OrderEvent, OrderNotification
from tests.orders.helpers import place_pickup

pytestmark = pytest.mark.django_db


def test_cancelling_a_cancelled_order_answers_it_as_it_is(
    customer, depot, leeks, customer_client, mailoutbox, django_capture_on_commit_callbacks
):
    order = place_pickup(customer, depot, [(leeks, 1)])
    url = f"/api/v1/orders/{order.pk}/cancel/"
    with django_capture_on_commit_callbacks(execute=True):
        first = customer_client.post(url, {}, format="json")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = customer_client.post(url, {}, format="json")

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json()["status"] == "cancelled" and again.json()["events"] == first.json()["events"]
    assert OrderEvent.objects.filter(order=order, to_value="cancelled").count() == 1
    assert OrderNotification.objects.filter(order=order, kind="cancelled").count() == 1
    assert mailoutbox == []
