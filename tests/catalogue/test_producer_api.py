import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from catalogue.geo import ECOPOLE_LATITUDE, ECOPOLE_LONGITUDE, distance_to_ecopole_km, haversine_km
from catalogue.services.producers import producer_create, producer_update
from tests.factories.catalogue import CategoryFactory

pytestmark = pytest.mark.django_db


def test_haversine_distances_of_the_calaisis():
    assert haversine_km(ECOPOLE_LATITUDE, ECOPOLE_LONGITUDE, ECOPOLE_LATITUDE, ECOPOLE_LONGITUDE) == 0
    # Calais town hall is about 15 km west of the Ecopôle at Vieille-Église
    assert 14 < haversine_km(50.9513, 1.8587, ECOPOLE_LATITUDE, ECOPOLE_LONGITUDE) < 17
    assert distance_to_ecopole_km(None, None) is None
    assert distance_to_ecopole_km(Decimal("50.8553"), Decimal("1.9733")) == Decimal("11.0")


def test_a_producer_gets_its_distance_and_certificate_validity():
    producer = producer_create(
        name="Ferme d'Audruicq",
        slug="ferme-audruicq",
        commune="Audruicq",
        latitude=Decimal("50.8790"),
        longitude=Decimal("2.0800"),
        organic_certifier="FR-BIO-01",
        organic_certificate_number="AU-1",
        organic_certificate_valid_until=datetime.date(2030, 6, 30),
    )
    assert producer.distance_km == Decimal("5.5")
    assert producer.search_text == "ferme d'audruicq audruicq"
    assert producer.has_valid_organic_certificate(on=datetime.date(2030, 6, 30))
    assert not producer.has_valid_organic_certificate(on=datetime.date(2030, 7, 1))

    producer_update(producer=producer, latitude=None, longitude=None)
    assert producer.distance_km is None


def test_a_bad_certifier_code_or_half_coordinates_are_refused(producer):
    with pytest.raises(ValidationError) as error:
        producer_update(producer=producer, organic_certifier="ECOCERT")
    assert "organic_certifier" in error.value.message_dict
    with pytest.raises(ValidationError):
        producer_update(producer=producer, organic_certifier="", latitude=Decimal("50.9"), longitude=None)


def test_producers_and_categories_are_public_and_read_only(api_client, customer_client, producer):
    producer_update(producer=producer, commune="Marck", latitude=Decimal("50.9489"), longitude=Decimal("1.9500"))
    CategoryFactory(name="Fruits", slug="fruits")

    listed = api_client.get("/api/v1/catalogue/producers/")
    assert listed.status_code == 200
    assert listed.json()["results"][0]["slug"] == producer.slug

    detail = api_client.get(f"/api/v1/catalogue/producers/{producer.slug}/").json()
    assert detail["commune"] == "Marck"
    assert Decimal(detail["distance_km"]) > 0
    assert detail["organic_certified"] is False
    assert "members" not in detail  # member accounts are never exposed publicly

    assert api_client.get("/api/v1/catalogue/producers/nope/").status_code == 404
    assert [c["slug"] for c in api_client.get("/api/v1/catalogue/categories/").json()["results"]] == ["fruits"]
    assert customer_client.post("/api/v1/catalogue/producers/", {}).status_code == 405
    assert customer_client.post("/api/v1/catalogue/categories/", {}).status_code == 405


def test_a_page_size_that_is_not_a_positive_integer_is_a_400(api_client, producer):
    for value in ("null", "-1", "0", "2.5"):
        response = api_client.get("/api/v1/catalogue/producers/", {"page_size": value})
        assert response.status_code == 400, value
        assert response.json()["code"] == "validation_error"
        assert "page_size" in response.json()["fields"]
    # more than 100 is refused, as the schema says (it was silently capped before)
    assert api_client.get("/api/v1/catalogue/producers/", {"page_size": "500"}).status_code == 400
    assert api_client.get("/api/v1/catalogue/producers/", {"page_size": "100"}).status_code == 200
    assert api_client.get("/api/v1/catalogue/producers/", {"page": "7"}).status_code == 404
