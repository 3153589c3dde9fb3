"""A cabas subscription's home coordinates go through the same zone check as grocery orders."""

import pytest

from baskets.models import BasketSubscription
from tests.baskets.constants import BASE

pytestmark = pytest.mark.django_db


def test_a_cabas_home_subscription_outside_its_zone_is_refused(customer_client, small, ilot, home_zone):
    address = {"address": "Rue de la Mer", "commune": "Calais", "latitude": "-89.000000", "longitude": "1.850000"}
    response = customer_client.post(
        f"{BASE}/subscriptions/", {"offer": small.pk, "fulfilment": {"type": "home", "address": address}}, format="json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "coordinates_outside_zone"
    assert not BasketSubscription.objects.exists()
