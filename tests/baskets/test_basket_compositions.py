from decimal import Decimal

import pytest

from baskets.models import BasketComposition, CompositionStatus
from baskets.services.generation import basket_run_generate
from catalogue.services.stock import stock_available
from tests.baskets.constants import BASE, FRIDAY, WEEK

pytestmark = pytest.mark.django_db


def _compose(client, offer, lines, week=WEEK):
    return client.put(f"{BASE}/offers/{offer.pk}/compositions/{week}/", {"lines": lines}, format="json")


def _publish(client, offer, week=WEEK, **body):
    return client.post(f"{BASE}/offers/{offer.pk}/compositions/{week}/publish/", body, format="json")


def test_staff_compose_then_publish_and_customers_see_it(
    manager_client, customer_client, api_client, small, carrots, leeks, make_subscription
):
    for _ in range(3):
        make_subscription(small)
    lines = [{"product": carrots.pk, "quantity": "1.500"}, {"product": leeks.pk, "quantity": "2"}]

    composed = _compose(manager_client, small, lines)
    assert composed.status_code == 200, composed.json()
    assert composed.json()["status"] == "draft"
    assert composed.json()["distribution_date"] == FRIDAY.isoformat()
    # a draft is invisible to customers
    url = f"{BASE}/offers/{small.pk}/compositions/?week={WEEK}"
    assert customer_client.get(url).json()["count"] == 0

    published = _publish(manager_client, small)
    assert published.status_code == 200, published.json()
    assert published.json()["baskets_expected"] == 3
    assert published.json()["shortages"] == []

    for client in (customer_client, api_client):
        body = client.get(url).json()
        assert body["count"] == 1
        composition = body["results"][0]
        assert composition["week"] == WEEK and composition["status"] == "published"
        assert {(line["product_name"], line["quantity"]) for line in composition["lines"]} == {
            ("Carottes", "1.500"),
            ("Poireaux", "2.000"),
        }


def test_customers_cannot_compose(customer_client, driver_client, small, carrots):
    lines = [{"product": carrots.pk, "quantity": "1.000"}]
    assert _compose(customer_client, small, lines).status_code == 403
    assert _compose(driver_client, small, lines).status_code == 403
    assert not BasketComposition.objects.exists()


def test_invalid_week_or_product_is_refused(manager_client, small, carrots):
    assert manager_client.get(f"{BASE}/offers/{small.pk}/compositions/?week=2025-W53").status_code == 400
    assert (
        _compose(manager_client, small, [{"product": carrots.pk, "quantity": "1"}], week="2026-W54").status_code == 400
    )
    unknown = _compose(manager_client, small, [{"product": 999999, "quantity": "1.000"}])
    assert unknown.status_code == 400 and unknown.json()["code"] == "product_unavailable"
    duplicate = _compose(
        manager_client, small, [{"product": carrots.pk, "quantity": "1"}, {"product": carrots.pk, "quantity": "2"}]
    )
    assert duplicate.status_code == 400 and duplicate.json()["code"] == "duplicate_product"
    as_float = _compose(manager_client, small, [{"product": carrots.pk, "quantity": 1.5}])
    assert as_float.status_code == 400


def test_publishing_says_what_is_short(manager_client, small, carrots, leeks, make_subscription):
    # given 10 subscribers and only 12 kg of carrots for 1.5 kg each (15 kg needed), leeks plentiful
    for _ in range(10):
        make_subscription(small)
    from catalogue.services.stock import stock_count

    stock_count(product_id=carrots.pk, counted=Decimal("12"))
    _compose(
        manager_client,
        small,
        [{"product": carrots.pk, "quantity": "1.500"}, {"product": leeks.pk, "quantity": "1.000"}],
    )

    # when publishing
    refused = _publish(manager_client, small)

    # then 409 with the short product, how much is required, available and missing
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "insufficient_stock"
    assert body["fields"]["shortages"] == [
        {
            "product": carrots.pk,
            "product_name": "Carottes",
            "required": "15.000",
            "available": "12.000",
            "missing": "3.000",
        }
    ]
    assert "Carottes" in body["detail"] and "10" in body["detail"]
    assert BasketComposition.objects.get().status == CompositionStatus.DRAFT

    # with force it is published and the shortage is returned as a warning; nothing left the stock
    forced = _publish(manager_client, small, force=True)
    assert forced.status_code == 200
    assert forced.json()["composition"]["status"] == "published"
    assert forced.json()["shortages"][0]["missing"] == "3.000"
    assert stock_available(product_id=carrots.pk) == Decimal("12.000")


def test_publishing_counts_the_other_published_baskets_of_the_week(manager_client, offers, carrots, make_subscription):
    from catalogue.services.stock import stock_count

    stock_count(product_id=carrots.pk, counted=Decimal("10"))
    make_subscription(offers["small"])
    make_subscription(offers["large"])
    _compose(manager_client, offers["small"], [{"product": carrots.pk, "quantity": "6"}])
    assert _publish(manager_client, offers["small"]).status_code == 200
    _compose(manager_client, offers["large"], [{"product": carrots.pk, "quantity": "6"}])
    refused = _publish(manager_client, offers["large"])
    assert refused.status_code == 409
    assert refused.json()["fields"]["shortages"][0]["required"] == "12.000"


def test_an_empty_or_unknown_composition_cannot_be_published(manager_client, small):
    assert _publish(manager_client, small).status_code == 404


def test_a_generated_composition_is_frozen(manager_client, composed, carrots, make_subscription):
    make_subscription(composed)
    basket_run_generate(offer_id=composed.pk, on=FRIDAY, force=True)
    response = _compose(manager_client, composed, [{"product": carrots.pk, "quantity": "9.000"}])
    assert response.status_code == 409 and response.json()["code"] == "composition_locked"


def test_offers_are_public(api_client, offers):
    body = api_client.get(f"{BASE}/offers/").json()
    assert [(o["slug"], o["price"], o["solidarity_price"]) for o in body["results"]] == [
        ("petit-cabas", "12.00", "6.00"),
        ("moyen-cabas", "18.00", "9.00"),
        ("grand-cabas", "25.00", "12.50"),
    ]
