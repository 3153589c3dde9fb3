"""Home delivery: one rule for grocery orders and cabas bio (the zone's minimum, its fee and free-delivery
threshold), written once in orders/services/home_delivery.py."""

from decimal import Decimal

import pytest

from baskets.models import BasketDelivery, BasketSubscription, SolidarityEligibility
from baskets.services.generation import basket_run_generate
from orders.models import Fulfilment
from tests.baskets.constants import BASE, CUTOFF, FRIDAY

pytestmark = pytest.mark.django_db
HOME = {
    "type": "home",
    "address": {"address": "Rue de la Mer", "commune": "Calais", "latitude": "50.960000", "longitude": "1.850000"},
}


def test_moving_a_basket_home_or_to_a_smaller_offer_respects_the_zone_minimum(
    customer, customer_client, offers, make_subscription, home_zone
):
    # given the Calais zone: minimum 25.00 €, fee 4.50 €, free from 60.00 €; a large basket (25.00 €) at the Ilôt
    subscription = make_subscription(offers["large"], customer=customer)
    url = f"{BASE}/subscriptions/{subscription.pk}/change/"

    # a small basket (12.00 €) cannot move home; the large one can
    small_home = customer_client.post(url, {"offer": offers["small"].pk, "fulfilment": HOME}, format="json")
    assert small_home.status_code == 400 and small_home.json()["code"] == "below_minimum_order"
    assert customer_client.post(url, {"fulfilment": HOME}, format="json").status_code == 200
    # once at home, it cannot become a small basket either
    smaller = customer_client.post(url, {"offer": offers["small"].pk}, format="json")
    assert smaller.status_code == 400 and smaller.json()["code"] == "below_minimum_order"
    assert "25,00 €" in smaller.json()["detail"] and "12,00 €" in smaller.json()["detail"]
    subscription.refresh_from_db()
    assert subscription.offer_id == offers["large"].pk and subscription.fulfilment == Fulfilment.HOME


def test_a_home_basket_pays_the_zone_fee_by_the_rule_of_orders(
    composed, offers, make_subscription, home_zone, manager, basket_now
):
    # given the zone is free from 10.00 €: a 12.00 € basket reaches it, whatever its solidarity price (6.00 €)
    home_zone.free_delivery_threshold = Decimal("10.00")
    home_zone.minimum_order = Decimal("0.00")
    home_zone.save()
    home = {"fulfilment": Fulfilment.HOME, "delivery_zone": home_zone, "delivery_commune": "Calais"}
    regular = make_subscription(composed, **home)
    solidarity = make_subscription(composed, **home)
    SolidarityEligibility.objects.create(customer=solidarity.customer, valid_until=FRIDAY, granted_by=manager)

    basket_now.move_to(CUTOFF.replace(hour=13))
    basket_run_generate(offer_id=composed.pk, on=FRIDAY)

    fees = dict(BasketDelivery.objects.values_list("subscription_id", "delivery_fee"))
    assert fees == {regular.pk: Decimal("0.00"), solidarity.pk: Decimal("0.00")}
    assert home_zone.delivery_fee_for(Decimal("9.99")) == Decimal("4.50")  # under the threshold: the fee
    assert BasketSubscription.objects.count() == 2
