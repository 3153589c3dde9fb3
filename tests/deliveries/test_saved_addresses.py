"""A customer's saved addresses: `/api/v1/auth/me/addresses/`. Geocoded and checked against the zones when saved,
one default, at most ADDRESSES_MAX, and nobody else's: another customer's address is 404 and stays as it was."""

from decimal import Decimal

import pytest
from django.db import IntegrityError

from deliveries.models import BanAddress, SavedAddress
from deliveries.services.addresses import ADDRESSES_MAX, saved_address_create
from tests.factories.deliveries import DeliveryZoneFactory

URL = "/api/v1/auth/me/addresses/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def zones(db, ban_sample):
    return [
        DeliveryZoneFactory(name="Calais et littoral", communes=["Calais", "Marck", "Oye-Plage"]),
        DeliveryZoneFactory(name="Audruicq", communes=["Audruicq", "Vieille-Église"]),
    ]


HOME = {"label": "Maison", "street": "4 rue de l'eglise", "postcode": "", "commune": "vieille eglise"}


def test_a_customer_saves_an_address_typed_without_coordinates(customer_client, customer, zones):
    response = customer_client.post(URL, HOME, format="json")

    assert response.status_code == 201, response.json()
    door = BanAddress.objects.get(id="62849_0010_00004")
    body = response.json()
    assert body == {
        "id": body["id"],
        "label": "Maison",
        "street": "4 rue de l'eglise",
        "postcode": "62162",
        "commune": "Vieille-Église",
        "latitude": str(door.latitude),
        "longitude": str(door.longitude),
        "is_default": True,  # the first address is the default
    }
    saved = SavedAddress.objects.get()
    assert saved.customer == customer and saved.citycode == "62849"


def test_coordinates_sent_by_the_client_are_ignored(customer_client, zones):
    response = customer_client.post(URL, {**HOME, "latitude": "0", "longitude": "0"}, format="json")
    assert response.status_code == 201
    assert SavedAddress.objects.get().latitude > Decimal("50")


@pytest.mark.parametrize(
    ("address", "status", "code"),
    [
        ({"street": "12 Grande Rue", "commune": "Boulogne-sur-Mer"}, 400, "outside_delivery_zone"),
        ({"street": "12 rue de nulle part", "commune": "Calais"}, 422, "address_not_found"),
        ({"street": "", "commune": "Calais"}, 400, "validation_error"),
    ],
)
def test_refused_addresses_are_not_saved(customer_client, zones, address, status, code):
    response = customer_client.post(URL, {"label": "Travail", "postcode": "", **address}, format="json")
    assert response.status_code == status
    assert response.json()["code"] == code
    assert not SavedAddress.objects.exists()


def test_outside_the_zones_tells_to_choose_a_pickup_point(customer_client, zones):
    response = customer_client.post(URL, {**HOME, "street": "2 Grande Rue", "commune": "Boulogne-sur-Mer"})
    assert (
        response.json()["detail"] == "Nous ne livrons pas encore à Boulogne-sur-Mer : choisissez un point de retrait."
    )


def test_one_default_at_a_time(customer_client, customer, zones):
    first = customer_client.post(URL, HOME, format="json").json()
    second = customer_client.post(
        URL, {"label": "Travail", "street": "12 bd jacquard", "commune": "Calais", "is_default": True}, format="json"
    ).json()
    listed = customer_client.get(URL).json()
    assert [a["label"] for a in listed] == ["Travail", "Maison"]
    assert [a["is_default"] for a in listed] == [True, False]
    # deleting the default makes another one the default
    assert customer_client.delete(f"{URL}{second['id']}/").status_code == 204
    assert SavedAddress.objects.get().pk == first["id"] and SavedAddress.objects.get().is_default
    # and the database refuses two defaults whatever the code does
    with pytest.raises(IntegrityError):
        SavedAddress.objects.create(
            customer=customer,
            label="x",
            street="x",
            postcode="62100",
            commune="Calais",
            latitude=1,
            longitude=1,
            is_default=True,
        )


def test_update_geocodes_a_changed_street_and_keeps_an_unchanged_one(customer_client, zones):
    created = customer_client.post(URL, HOME, format="json").json()
    renamed = customer_client.put(f"{URL}{created['id']}/", {**HOME, "label": "Chez nous"}, format="json")
    assert renamed.status_code == 200
    assert renamed.json()["latitude"] == created["latitude"]
    moved = customer_client.put(
        f"{URL}{created['id']}/", {**HOME, "street": "12 bd jacquard", "commune": "Calais"}, format="json"
    )
    assert moved.status_code == 200, moved.json()
    assert moved.json()["commune"] == "Calais"
    assert moved.json()["latitude"] == str(BanAddress.objects.get(id="62193_0020_00012").latitude)
    refused = customer_client.put(
        f"{URL}{created['id']}/", {**HOME, "street": "1 Grande Rue", "commune": "Boulogne-sur-Mer"}, format="json"
    )
    assert refused.status_code == 400
    assert SavedAddress.objects.get().commune == "Calais"


def test_another_customers_address_is_not_found_and_unchanged(customer_client, other_customer_client, zones):
    theirs = other_customer_client.post(URL, HOME, format="json").json()
    path = f"{URL}{theirs['id']}/"

    assert customer_client.get(URL).json() == []
    assert customer_client.get(path).status_code == 404
    assert customer_client.put(path, {**HOME, "label": "À moi"}, format="json").status_code == 404
    assert customer_client.delete(path).status_code == 404
    assert customer_client.get(f"{URL}{2**70}/").status_code == 404

    kept = SavedAddress.objects.get()
    assert kept.label == "Maison"
    assert other_customer_client.get(path).status_code == 200


def test_anonymous_gets_401(api_client, zones):
    assert api_client.get(URL).status_code == 401
    assert api_client.post(URL, HOME, format="json").status_code == 401


def test_at_most_the_limit_of_addresses(customer_client, customer, zones):
    for n in range(ADDRESSES_MAX):
        saved_address_create(customer=customer, label=f"A{n}", street="4 rue de vic", postcode="", commune="Calais")
    response = customer_client.post(URL, HOME, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "address_limit_reached"
    assert SavedAddress.objects.count() == ADDRESSES_MAX
