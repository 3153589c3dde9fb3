"""A cabas home subscription typed without coordinates is geocoded like a grocery order."""

import pytest

from baskets.models import BasketSubscription
from deliveries.models import BanAddress
from tests.baskets.constants import BASE

pytestmark = pytest.mark.django_db


def _subscribe(client, offer, address):
    body = {"offer": offer.pk, "fulfilment": {"type": "home", "address": address}}
    return client.post(f"{BASE}/subscriptions/", body, format="json")


def test_a_home_subscription_without_coordinates_stores_the_geocoded_ones(
    customer_client, small, ilot, home_zone, ban_sample
):
    home_zone.minimum_order = 0
    home_zone.save()
    response = _subscribe(customer_client, small, {"address": "4 rue de vic", "commune": "calais"})
    assert response.status_code == 201, response.json()
    door = BanAddress.objects.get(id="62193_0050_00004")
    subscription = BasketSubscription.objects.get()
    assert (subscription.delivery_latitude, subscription.delivery_longitude) == (door.latitude, door.longitude)
    assert (subscription.delivery_postcode, subscription.delivery_commune) == ("62100", "Calais")


def test_an_unknown_address_is_refused(customer_client, small, ilot, home_zone, ban_sample):
    response = _subscribe(customer_client, small, {"address": "4 rue de nulle part", "commune": "Calais"})
    assert response.status_code == 422
    assert response.json()["code"] == "address_not_found"
    assert not BasketSubscription.objects.exists()
