from decimal import Decimal

import pytest
from django.core.management import call_command

from catalogue.services.stock import stock_check_ledger, stock_receive
from deliveries.models import DeliveryDay, DeliveryZone, PickupPoint
from orders.models import Order, OrderEvent
from tests.orders.factories import ProductFactory

pytestmark = pytest.mark.django_db


def seed_twice():
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    counts = (
        Order.objects.count(),
        OrderEvent.objects.count(),
        PickupPoint.objects.count(),
        DeliveryDay.objects.count(),
    )
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    again = (
        Order.objects.count(),
        OrderEvent.objects.count(),
        PickupPoint.objects.count(),
        DeliveryDay.objects.count(),
    )
    return counts, again


def test_without_products_the_demo_seeds_places_but_no_order():
    counts, again = seed_twice()
    assert counts == again
    assert Order.objects.count() == 0
    assert PickupPoint.objects.get(is_depot=True).commune == "Vieille-Église"
    assert PickupPoint.objects.filter(kind="antenna", commune="Calais").exists()
    assert DeliveryZone.objects.count() == 3


def test_with_products_the_demo_places_a_dozen_orders_once():
    for i, (price, by_weight) in enumerate([("2.80", False), ("1.95", True), ("4.35", False), ("3.20", False)]):
        product = ProductFactory(
            unit_price=Decimal(price), sold_by_weight=by_weight, quantity_step=Decimal("0.5" if by_weight else "1")
        )
        stock_receive(product_id=product.pk, quantity=Decimal(200 + i))

    counts, again = seed_twice()

    assert counts == again
    assert Order.objects.count() == 12
    assert set(Order.objects.values_list("status", flat=True)) == {
        "placed",
        "preparing",
        "ready",
        "out_for_delivery",
        "fulfilled",
        "cancelled",
    }
    assert Order.objects.filter(fulfilment="home").count() == 5
    assert stock_check_ledger() == {}
