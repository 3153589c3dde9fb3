"""A home delivery typed without coordinates: the grocery service geocodes the address (before its transaction),
checks its commune against the zones and stores the coordinates found; refusals write nothing."""

from decimal import Decimal

import pytest

from catalogue.services.stock import stock_available
from deliveries.models import BanAddress
from orders.models import Order
from tests.deliveries.geocoding_fixtures import ban_feature
from tests.orders.helpers import home_body

URL = "/api/v1/orders/"

pytestmark = pytest.mark.django_db


def _typed(body, **address):
    body["fulfilment"]["address"] = address
    return body


def test_an_address_without_coordinates_is_geocoded_and_stored(customer_client, calais_zone, leeks, meal, ban_sample):
    body = _typed(home_body([(leeks, 1), (meal, 2)]), address="12 bd jacquard", postcode="", commune="calais")

    response = customer_client.post(URL, body, format="json")

    assert response.status_code == 201, response.json()
    door = BanAddress.objects.get(id="62193_0020_00012")  # 12 Boulevard Jacquard, Calais
    order = Order.objects.get()
    assert (order.delivery_latitude, order.delivery_longitude) == (door.latitude, door.longitude)
    # the street as typed (a floor or a building stays), the postcode and the commune as the BAN writes them
    assert (order.delivery_address, order.delivery_postcode, order.delivery_commune) == (
        "12 bd jacquard",
        "62100",
        "Calais",
    )
    assert order.delivery_zone == calais_zone


def test_the_same_typed_address_replays_its_order(customer_client, calais_zone, leeks, meal, ban_sample):
    body = _typed(home_body([(leeks, 1), (meal, 2)]), address="12 bd jacquard", commune="Calais")
    first = customer_client.post(URL, body, format="json", headers={"Idempotency-Key": "k-1"})
    again = customer_client.post(URL, body, format="json", headers={"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert Order.objects.count() == 1


def test_null_coordinates_are_the_same_as_none(customer_client, calais_zone, leeks, meal, ban_sample):
    body = _typed(
        home_body([(leeks, 1), (meal, 2)]), address="3 rue royale", commune="Calais", latitude=None, longitude=None
    )
    assert customer_client.post(URL, body, format="json").status_code == 201
    assert Order.objects.get().delivery_latitude is not None


@pytest.mark.parametrize(
    ("address", "status", "code"),
    [
        (
            {"address": "12 Grande Rue", "postcode": "62200", "commune": "Boulogne-sur-Mer"},
            400,
            "outside_delivery_zone",
        ),
        ({"address": "12 rue de nulle part", "commune": "Calais"}, 422, "address_not_found"),
        ({"address": "12 bd jacquard", "postcode": "62730", "commune": "Calais"}, 422, "address_not_found"),
        ({"address": "12 bd jacquard", "commune": "Calais", "latitude": "50.951300"}, 400, "coordinates_outside_zone"),
    ],
)
def test_refusals_of_a_typed_address_write_nothing(
    customer_client, calais_zone, leeks, meal, ban_sample, address, status, code
):
    before = stock_available(product_id=leeks.pk)
    response = customer_client.post(URL, _typed(home_body([(leeks, 1), (meal, 2)]), **address), format="json")
    assert response.status_code == status, response.json()
    assert response.json()["code"] == code
    assert not Order.objects.exists()
    assert stock_available(product_id=leeks.pk) == before


def test_outside_the_zones_is_said_in_french(customer_client, calais_zone, leeks, meal, ban_sample):
    body = _typed(home_body([(leeks, 1), (meal, 2)]), address="12 Grande Rue", commune="Boulogne-sur-Mer")
    response = customer_client.post(URL, body, format="json")
    assert (
        response.json()["detail"] == "Nous ne livrons pas encore à Boulogne-sur-Mer : choisissez un point de retrait."
    )


def test_coordinates_given_are_used_as_before_without_geocoding(customer_client, calais_zone, leeks, meal, fake_ban):
    fake_ban.status = 500  # would fail if asked
    response = customer_client.post(URL, home_body([(leeks, 1), (meal, 2)]), format="json")
    assert response.status_code == 201
    assert fake_ban.queries == []
    assert Order.objects.get().delivery_latitude == Decimal("50.951300")


def test_the_online_geocoder_is_used_when_configured(customer_client, calais_zone, leeks, meal, fake_ban):
    fake_ban.features = [ban_feature("8 Rue Royale 62100 Calais", lat=50.9541, lon=1.8571, score=0.95)]
    body = _typed(home_body([(leeks, 1), (meal, 2)]), address="8 rue royale", postcode="62100", commune="Calais")
    response = customer_client.post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    assert Order.objects.get().delivery_longitude == Decimal("1.857100")


def test_an_unavailable_geocoder_is_a_503_and_writes_nothing(customer_client, calais_zone, leeks, meal, fake_ban):
    fake_ban.status = 502
    body = _typed(home_body([(leeks, 1), (meal, 2)]), address="8 rue royale", commune="Calais")
    response = customer_client.post(URL, body, format="json")
    assert response.status_code == 503
    assert response.json()["code"] == "geocoder_unavailable"
    assert response.json()["detail"] == (
        "Le service d'adresses ne répond pas : réessayez dans un instant, ou choisissez un point de retrait."
    )
    assert not Order.objects.exists()


def test_a_geocoded_position_outside_the_zones_area_is_refused(customer_client, calais_zone, leeks, meal, fake_ban):
    # the API places "Calais" somewhere the zone's area does not cover
    fake_ban.features = [ban_feature("8 Rue Royale 62100 Calais", lat=48.85, lon=2.35, score=0.95)]
    body = _typed(home_body([(leeks, 1), (meal, 2)]), address="8 rue royale", commune="Calais")
    response = customer_client.post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "coordinates_outside_zone"
    assert not Order.objects.exists()
