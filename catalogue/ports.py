"""The port through which the ledger's clients say who received a lot (issue 17, recall).

The ledger records which lots an order, a basket run or a vending refill took (`StockMovement.lot` and `source`),
but only the app that owns the source knows the customers behind it. Each such app registers a `LotHolder` for its
source model in its `AppConfig.ready()` (orders: `orders.order`, baskets: `baskets.basketrun`, vending:
`vending.refill`); the recall (processing) asks them through this registry, never by importing them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class LotRecipient:
    """Who received how much of a lot, through which channel and when. `customer_id` is None when the channel
    cannot tie it to a person (a vending sale)."""

    channel: str  # grocery, locker, basket, vending
    reference: str
    customer_id: int | None
    quantity: Decimal
    at: datetime.datetime | datetime.date | None


class LotHolder(Protocol):
    def recipients(self, *, lot_code: str, product_id: int, taken: dict[int, Decimal]) -> list[LotRecipient]:
        """The recipients behind the sources in `taken` ({source id: quantity of the lot it took})."""

    def lot_blocked(self, *, lot_code: str, product_id: int, source_ids: list[int], user) -> None:
        """The lot is recalled: withdraw what the sources still hold of it (runs in the recall's transaction)."""


LOT_HOLDERS: dict[str, LotHolder] = {}


def lot_holder_register(model_label: str, holder: LotHolder) -> None:
    """Register the holder of a source model ("app_label.modelname") from an `AppConfig.ready()`."""
    current = LOT_HOLDERS.get(model_label)
    if current is not None and current is not holder:
        raise ImproperlyConfigured(f"lot holder {model_label!r} is already registered to {current!r}")
    LOT_HOLDERS[model_label] = holder
