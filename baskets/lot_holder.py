"""Basket runs as holders of lots (`catalogue.ports`): a run takes the week's jars for all its baskets at once; the
baskets receive them in delivery order, first-expired lot first, as the ledger took them."""

from __future__ import annotations

from decimal import Decimal

from catalogue.ports import LotRecipient
from catalogue.selectors import stock_source_lot_split

from .models import BasketDelivery, BasketRun


class BasketLotHolder:
    def recipients(self, *, lot_code: str, product_id: int, taken: dict[int, Decimal]) -> list[LotRecipient]:
        recipients = []
        for run in BasketRun.objects.filter(pk__in=taken).order_by("pk"):
            # The lot's place in what the run took of the product: [start, end) in units, lots in FEFO order.
            start = end = total = Decimal("0")
            for code, quantity in stock_source_lot_split(source=run, product_id=product_id):
                if code == lot_code:
                    start, end = total, total + quantity
                total += quantity
            deliveries = list(BasketDelivery.objects.filter(run=run).order_by("pk").values("pk", "customer_id", "date"))
            if not deliveries or end <= start:
                continue
            per_basket = total / len(deliveries)
            for index, delivery in enumerate(deliveries):
                overlap = min(end, (index + 1) * per_basket) - max(start, index * per_basket)
                if overlap > 0:
                    recipients.append(
                        LotRecipient(
                            channel="basket",
                            reference=f"cabas #{delivery['pk']}",
                            customer_id=delivery["customer_id"],
                            quantity=overlap,
                            at=delivery["date"],
                        )
                    )
        return recipients

    def lot_blocked(self, *, lot_code: str, product_id: int, source_ids: list[int], user) -> None:
        """Nothing to withdraw here: the baskets are the customers' once generated; the email tells them."""
