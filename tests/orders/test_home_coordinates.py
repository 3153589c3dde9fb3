"""The coordinates of a home delivery must fall inside the zone of the commune given (latitude -89 was accepted for
Calais): one check in the deliveries' place service, for grocery orders and cabas subscriptions alike."""

from decimal import Decimal

import pytest

from catalogue.services.stock import stock_available
from deliveries.services.places import home_coordinates_check
from orders.models import Order

from .helpers import home_body

URL = "/api/v1/orders/"

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [("-89.000000", "1.858700"), ("50.951300", "120.000000"), ("48.856600", "2.352200"), ("0.000000", "0.000000")],
)
def test_a_grocery_home_order_outside_its_zone_is_refused_and_writes_nothing(
    customer_client, calais_zone, leeks, meal, latitude, longitude
):
    body = home_body([(leeks, 1), (meal, 2)])  # above the zone's minimum: only the position is wrong
    body["fulfilment"]["address"].update(latitude=latitude, longitude=longitude)

    before = stock_available(product_id=leeks.pk)
    response = customer_client.post(URL, body, format="json")

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "coordinates_outside_zone"
    assert response.json()["detail"] == (
        f"La position {latitude}, {longitude} n'est pas dans la zone de livraison de Calais "
        "(Calais et littoral) : vérifiez l'adresse."
    )
    assert not Order.objects.exists()
    assert stock_available(product_id=leeks.pk) == before


def test_a_grocery_home_order_in_calais_is_accepted(customer_client, calais_zone, leeks, meal):
    response = customer_client.post(URL, home_body([(leeks, 1), (meal, 2)]), format="json")
    assert response.status_code == 201, response.json()


def test_a_zone_may_have_its_own_area(calais_zone):
    # given the Calais zone limited to the town itself
    calais_zone.south, calais_zone.west = Decimal("50.90"), Decimal("1.78")
    calais_zone.north, calais_zone.east = Decimal("50.99"), Decimal("1.96")
    calais_zone.save()

    # then a Calais address passes, one in Audruicq (inside the service area, outside the zone) does not
    home_coordinates_check(zone=calais_zone, commune="Calais", latitude=Decimal("50.9513"), longitude=Decimal("1.8587"))
    with pytest.raises(Exception) as refused:
        home_coordinates_check(zone=calais_zone, commune="Calais", latitude="50.8794", longitude="2.0786")
    assert refused.value.code == "coordinates_outside_zone"
    # and no coordinates at all (a cabas subscription may omit them) is nothing to check; one without the other is
    home_coordinates_check(zone=calais_zone, commune="Calais", latitude=None, longitude=None)
    with pytest.raises(Exception) as half:
        home_coordinates_check(zone=calais_zone, commune="Calais", latitude="50.95", longitude=None)
    assert half.value.code == "coordinates_outside_zone"
