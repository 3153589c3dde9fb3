"""Free text written by users is bounded (issue 21.5): five 1 MB descriptions made the anonymous catalogue page 5 MB."""

import pytest
from django.apps import apps
from django.db import models
from drf_spectacular.generators import SchemaGenerator

from catalogue.models import Product
from ecopole.core.fields import EXCERPT_LENGTH, TEXT_MAX_LENGTH
from tests.catalogue.test_product_api import URL, create_body
from tests.factories.catalogue import ProductFactory

pytestmark = pytest.mark.django_db

PROJECT_APPS = {"accounts", "catalogue", "orders", "deliveries", "processing", "vending"}


def test_every_free_text_column_that_users_write_has_a_maximum_length():
    unbounded = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
        for field in model._meta.get_fields()
        if field.concrete
        and field.editable
        and (isinstance(field, models.TextField) or (isinstance(field, models.CharField) and not field.max_length))
    ]
    assert not unbounded, unbounded


def test_a_description_of_more_than_2000_characters_is_refused(producer_client, vegetables):
    # when a producer member sends a 1 MB description
    response = producer_client.post(URL, create_body(description="x" * 1_000_000), format="json")
    # then it is refused by field, and nothing is written
    assert response.status_code == 400
    assert "description" in response.json()["fields"]
    assert not Product.objects.exists()
    # and the limit itself is accepted
    response = producer_client.post(URL, create_body(description="x" * TEXT_MAX_LENGTH), format="json")
    assert response.status_code == 201, response.json()


def test_the_list_shows_an_excerpt_and_the_detail_the_whole_description(api_client, producer, vegetables):
    # given a product with a long description
    product = ProductFactory(producer=producer, category=vegetables, description="é" * TEXT_MAX_LENGTH)
    # when anyone lists the catalogue
    listed = api_client.get(URL).json()["results"][0]["description"]
    # then the list shows the first characters, the detail all of them
    assert len(listed) == EXCERPT_LENGTH and listed.endswith("…")
    assert api_client.get(f"{URL}{product.pk}/").json()["description"] == "é" * TEXT_MAX_LENGTH


def test_the_schema_states_the_maximum_length():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for name in ("ProductCreateInputRequest", "PatchedProductUpdateInputRequest"):
        assert schema["components"]["schemas"][name]["properties"]["description"]["maxLength"] == TEXT_MAX_LENGTH
