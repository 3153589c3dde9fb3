import pytest
from django.core.management import call_command

from catalogue.services.stock import stock_check_ledger
from deliveries.models import DeliveryDay, DeliveryZone, PickupPoint
from orders.models import Order, OrderEvent

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
    # the catalogue demo creates products: seed only what this app needs, as before the catalogue existed
    from accounts import demo as accounts_demo
    from deliveries import demo as deliveries_demo
    from orders import demo as orders_demo

    for _ in range(2):
        for module in (accounts_demo, deliveries_demo, orders_demo):
            module.seed()

    assert Order.objects.count() == 0
    assert PickupPoint.objects.get(is_depot=True).commune == "Vieille-Église"
    assert PickupPoint.objects.filter(kind="antenna", commune="Calais").exists()
    assert DeliveryZone.objects.count() == 3


def test_with_products_the_demo_places_a_dozen_orders_once():
    counts, again = seed_twice()  # the catalogue demo supplies the products and their stock

    assert counts == again
    # a dozen from the orders demo, and one the vending demo puts into a locker of the machine
    assert Order.objects.count() == 13
    assert Order.objects.filter(pickup_point__kind="vending_machine", status="ready").count() == 1
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
