from orders.models import Order
from orders.services.grocery import HomeAddress, LineRequest, order_place
from tests.orders.conftest import FRIDAY


def place_pickup(customer, point, lines, delivery_date=FRIDAY, **kwargs) -> Order:
    return order_place(
        customer=customer,
        lines=[LineRequest(p.pk, q) for p, q in lines],
        fulfilment="pickup",
        pickup_point_id=point.pk,
        delivery_date=delivery_date,
        **kwargs,
    ).order


def place_home(customer, lines, commune="Calais", delivery_date=FRIDAY, **kwargs) -> Order:
    return order_place(
        customer=customer,
        lines=[LineRequest(p.pk, q) for p, q in lines],
        fulfilment="home",
        address=HomeAddress("12 rue des Jardins", "62100", commune, "50.951300", "1.858700"),
        delivery_date=delivery_date,
        **kwargs,
    ).order
