"""The one rule of home delivery, for grocery orders and cabas bio alike (README, "Home delivery: one rule").

An order (or a basket) delivered at home must reach its zone's minimum (`below_minimum_order`, 400), and pays the
zone's delivery fee unless its subtotal reaches the zone's free-delivery threshold (`DeliveryZone.delivery_fee_for`).
A grocery order's subtotal is the sum of its lines; a basket's is its offer's price (the solidarity price is a
reduction on the same basket, so it changes neither the minimum nor the fee). The minimum is checked when the
customer commits: placing an order, subscribing to a home basket or moving a subscription home, or changing its
offer; each generated basket then carries the fee of that rule.
"""

from __future__ import annotations

from decimal import Decimal

from deliveries.models import DeliveryZone

from ..errors import BelowMinimumOrder


def home_delivery_fee(*, zone: DeliveryZone, subtotal: Decimal) -> Decimal:
    """The delivery fee of a home delivery of `subtotal` euros in `zone`; `BelowMinimumOrder` under its minimum."""
    if subtotal < zone.minimum_order:
        raise BelowMinimumOrder(minimum=zone.minimum_order, subtotal=subtotal)
    return zone.delivery_fee_for(subtotal)


def basket_subtotal(offer) -> Decimal:
    """What a basket weighs for the home-delivery rule: its offer's price."""
    return offer.price
