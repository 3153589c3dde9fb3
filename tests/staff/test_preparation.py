"""The preparation bench: the day's orders by place with their round and stop, the picking list, weighing a
variable-weight order (its total follows the weight), marking it prepared, its label, loading a locker."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from catalogue.models import StockLevel
from deliveries.models import PickupPointKind, Round, Stop
from orders.models import OrderEvent, OrderStatus
from tests.factories.deliveries import DeliveryDayFactory, PickupPointFactory, VehicleFactory
from tests.factories.vending import CompartmentFactory, MachineFactory
from tests.orders.helpers import FRIDAY, PARIS, place_pickup

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(customer, relay, leeks, jam):
    return place_pickup(customer, relay, [(leeks, Decimal("1.5")), (jam, 1)])


def test_the_board_lists_the_days_orders_by_place_with_their_round_and_stop(preparer_web, order, relay):
    vehicle = VehicleFactory(name="Vélo cargo")
    start = datetime(2026, 10, 23, 9, 0, tzinfo=PARIS)
    round_ = Round.objects.create(date=FRIDAY, vehicle=vehicle, planned_start=start, planned_end=start)
    stop = Stop.objects.create(
        round=round_,
        sequence=3,
        kind="pickup_point",
        source_key="point:1",
        label=relay.name,
        latitude=Decimal("50.9"),
        longitude=Decimal("1.9"),
        arrival_at=start,
        departure_at=start,
    )
    stop.orders.add(order)

    page = preparer_web.get(reverse("staff:preparation") + "?date=2026-10-23").content.decode()

    assert "Point relais d&#x27;Ardres" in page
    assert f"Commande n° {order.pk}" in page
    assert "Vélo cargo, arrêt 3" in page
    assert "Poireaux" in page and "1,5 kg" in page  # the picking list by product
    label = preparer_web.get(reverse("staff:order-label", args=[order.pk])).content.decode()
    assert order.customer.get_full_name() in label and "arrêt 3" in label and "Point relais" in label


def test_weighing_a_variable_weight_line_changes_the_total(preparer_web, preparer, order, leeks):
    # given an order with 1.5 kg of leeks estimated (4.20 €) and a jar (4.50 €): 8.70 €
    assert order.total == Decimal("8.70")
    preparer_web.post(reverse("staff:order-start", args=[order.pk]))
    line = order.lines.get(product=leeks)

    # when the preparer weighs 1.8 kg
    response = preparer_web.post(reverse("staff:order-weigh", args=[order.pk]), {f"poids-{line.pk}": "1,8"})

    # then the total follows the weight (1.8 × 2.80 = 5.04 €), the stock too, and the history says who weighed
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.total == Decimal("9.54")
    assert StockLevel.objects.get(product=leeks).quantity == Decimal("18.200")
    event = OrderEvent.objects.get(order=order, kind="prepared_quantity")
    assert (event.actor, event.to_value) == (preparer, "1.8")
    page = preparer_web.get(reverse("staff:preparation-order", args=[order.pk])).content.decode()
    assert "9,54 €" in page and "5,04 €" in page and "4,20 €" in page  # final and estimated side by side

    # and marking it prepared makes it ready for pickup
    preparer_web.post(reverse("staff:order-ready", args=[order.pk]))
    order.refresh_from_db()
    assert order.status == OrderStatus.READY


def test_a_weight_that_is_not_a_number_is_said_next_to_its_field_and_changes_nothing(preparer_web, order, leeks):
    preparer_web.post(reverse("staff:order-start", args=[order.pk]))
    line = order.lines.get(product=leeks)

    response = preparer_web.post(reverse("staff:order-weigh", args=[order.pk]), {f"poids-{line.pk}": "beaucoup"})

    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert "Tapez un poids en kilogrammes" in response.content.decode()
    line.refresh_from_db()
    assert line.prepared_quantity is None


def test_marking_prepared_before_weighing_is_refused_with_the_services_message(preparer_web, order):
    preparer_web.post(reverse("staff:order-start", args=[order.pk]))
    response = preparer_web.post(reverse("staff:order-ready", args=[order.pk]), follow=True)
    order.refresh_from_db()
    assert order.status == OrderStatus.PREPARING
    assert "Poireaux" in response.content.decode()


def test_loading_a_locker_of_the_machine(preparer_web, customer, jam):
    point = PickupPointFactory(kind=PickupPointKind.VENDING_MACHINE, name="Distributeur de Vieille-Église")
    DeliveryDayFactory(pickup_point=point)
    machine = MachineFactory(pickup_point=point)
    CompartmentFactory(machine=machine, code="B2", product=None)
    order = place_pickup(customer, point, [(jam, 1)])
    preparer_web.post(reverse("staff:order-start", args=[order.pk]))

    page = preparer_web.get(reverse("staff:preparation-order", args=[order.pk])).content.decode()
    assert 'value="B2"' in page
    preparer_web.post(reverse("staff:order-locker", args=[order.pk]), {"casier": "B2"})

    order.refresh_from_db()
    assert order.status == OrderStatus.READY
    assert order.locker_reservations.get(is_active=True).compartment.code == "B2"
