"""Grocery orders as holders of lots (`catalogue.ports`): the customers whose orders took jars of a lot, by pickup,
home delivery or a click-and-collect locker."""

from __future__ import annotations

from decimal import Decimal

from catalogue.ports import LotRecipient
from vending.ports import machine_takes_orders

from .models import Order


class GroceryLotHolder:
    def recipients(self, *, lot_code: str, product_id: int, taken: dict[int, Decimal]) -> list[LotRecipient]:
        orders = list(
            Order.objects.filter(pk__in=taken)
            .order_by("pk")
            .values("pk", "customer_id", "pickup_point_id", "delivery_date")
        )
        points = {o["pickup_point_id"] for o in orders if o["pickup_point_id"]}
        lockers = {point for point in points if machine_takes_orders(pickup_point_id=point)}
        return [
            LotRecipient(
                channel="locker" if o["pickup_point_id"] in lockers else "grocery",
                reference=f"#{o['pk']}",
                customer_id=o["customer_id"],
                quantity=taken[o["pk"]],
                at=o["delivery_date"],
            )
            for o in orders
        ]

    def lot_blocked(self, *, lot_code: str, product_id: int, source_ids: list[int], user) -> None:
        """Nothing to withdraw: the orders keep their lines; their customers are told by the recall's email."""
