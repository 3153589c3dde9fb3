from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from catalogue.services.stock import stock_receive
from orders.models import Order
from orders.services.grocery import HomeAddress, LineRequest, order_place
from tests.factories.catalogue import ProductFactory

PARIS = ZoneInfo("Europe/Paris")

MONDAY_MORNING = datetime(2026, 10, 19, 9, 0, tzinfo=PARIS)

FRIDAY = date(2026, 10, 23)


def stocked_product(quantity, **kwargs):
    product = ProductFactory(piece=True, **kwargs)
    if quantity:
        stock_receive(product_id=product.pk, quantity=Decimal(quantity))
    return product


def pickup_body(point, lines, delivery_date=FRIDAY, **extra) -> dict:
    return {
        "lines": [{"product": p.pk, "quantity": str(q)} for p, q in lines],
        "fulfilment": {"type": "pickup", "point": point.pk},
        "delivery_date": delivery_date.isoformat(),
        **extra,
    }


def home_body(lines, commune="Calais", delivery_date=FRIDAY, **extra) -> dict:
    return {
        "lines": [{"product": p.pk, "quantity": str(q)} for p, q in lines],
        "fulfilment": {
            "type": "home",
            "address": {
                "address": "12 rue des Jardins",
                "postcode": "62100",
                "commune": commune,
                "latitude": "50.951300",
                "longitude": "1.858700",
            },
        },
        "delivery_date": delivery_date.isoformat(),
        **extra,
    }


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
