"""The grocery orders' declarations in the register of personal data (`ecopole.core.personal_data`).

Orders are accounting records (10 years, Code de commerce L123-22): at erasure they are kept with their amounts,
lines and dates, pointing at the pseudonymised account; the address, coordinates and the customer's note go.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ecopole.core.personal_data import ERASE, erasure_step_register, personal_data_register, user_rows

from .models import IdempotencyRecord, Order, OrderEvent, OrderLine, OrderNotification

ACCOUNTING = "accounting record, kept 10 years (Code de commerce L123-22), under the pseudonym"


def personal_data_declare() -> None:
    from .services.grocery import orders_cancel_for_erasure

    personal_data_register(
        Order,
        section=_("Orders"),
        rows=user_rows(Order, "customer"),
        export=(
            "id",
            "created_at",
            "status",
            "fulfilment",
            "pickup_point__name",
            "delivery_zone__name",
            "delivery_date",
            "delivery_address",
            "delivery_postcode",
            "delivery_commune",
            "delivery_latitude",
            "delivery_longitude",
            "note",
            "subtotal",
            "delivery_fee",
            "vat_total",
            "total",
            "payment_status",
            "payment_method",
        ),
        erase={
            "delivery_address": ERASE,
            "delivery_postcode": ERASE,
            "delivery_commune": ERASE,
            "delivery_latitude": ERASE,
            "delivery_longitude": ERASE,
            "note": ERASE,
        },
        keep={
            "customer": "points at the pseudonymised account: the name on the accounting record is the pseudonym",
            "subtotal": ACCOUNTING,
            "delivery_fee": ACCOUNTING,
            "vat_total": ACCOUNTING,
            "vat_breakdown": ACCOUNTING,
            "total": ACCOUNTING,
        },
    )
    personal_data_register(
        OrderLine,
        section=_("Order lines"),
        rows=lambda user: OrderLine.objects.filter(order__customer=user),
        export=(
            "order",
            "product_name",
            "unit",
            "quantity",
            "prepared_quantity",
            "unit_price",
            "vat_rate",
            "line_total",
        ),
        keep={"product_name": ACCOUNTING, "line_total": ACCOUNTING},
    )
    personal_data_register(
        OrderEvent,
        section=_("Order history"),
        rows=lambda user: OrderEvent.objects.filter(Q(order__customer=user) | Q(actor=user)),
        export=("order", "kind", "from_value", "to_value", "note", "created_at"),
        erase={"note": ERASE},
    )
    personal_data_register(
        OrderNotification,
        section=_("Order emails"),
        rows=lambda user: OrderNotification.objects.filter(order__customer=user),
        export=("order", "kind", "created_at", "sent_at"),
        keep={"kind": "which email an order got, and when: no content, kept with the order"},
    )
    personal_data_register(
        IdempotencyRecord,
        section=_("Order requests (retry keys)"),
        rows=user_rows(IdempotencyRecord, "user"),
        export=("key", "created_at"),
        delete_rows=True,
    )
    erasure_step_register("orders.cancel_open_orders", orders_cancel_for_erasure)
