"""The cabas bio's declarations in the register of personal data (`ecopole.core.personal_data`).

The solidarity status and request say something of a person's social situation: deleted at erasure. Subscriptions
and basket deliveries lose their address; the deliveries' prices are accounting records, kept under the pseudonym.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ecopole.core.personal_data import ERASE, erasure_step_register, personal_data_register, user_rows

from .models import BasketDelivery, BasketSubscription, SolidarityEligibility, SolidarityRequest

ADDRESS = {
    "delivery_address": ERASE,
    "delivery_postcode": ERASE,
    "delivery_commune": ERASE,
    "delivery_latitude": ERASE,
    "delivery_longitude": ERASE,
}


def personal_data_declare() -> None:
    from .services.subscriptions import subscriptions_end_for_erasure

    personal_data_register(
        SolidarityEligibility,
        section=_("Solidarity price"),
        rows=lambda user: SolidarityEligibility.objects.filter(Q(customer=user) | Q(granted_by=user)),
        erase_rows=user_rows(SolidarityEligibility, "customer"),
        export=("customer", "valid_until", "note", "created_at"),
        delete_rows=True,
    )
    personal_data_register(
        SolidarityRequest,
        section=_("Solidarity price requests"),
        rows=lambda user: SolidarityRequest.objects.filter(Q(customer=user) | Q(decided_by=user)),
        erase_rows=user_rows(SolidarityRequest, "customer"),
        export=("customer", "situation", "message", "status", "valid_until", "reason", "decided_at", "created_at"),
        delete_rows=True,
    )
    personal_data_register(
        BasketSubscription,
        section=_("Cabas subscriptions"),
        rows=user_rows(BasketSubscription, "customer"),
        export=(
            "id",
            "offer__name",
            "frequency",
            "status",
            "start_date",
            "fulfilment",
            "pickup_point__name",
            "delivery_address",
            "delivery_postcode",
            "delivery_commune",
            "delivery_latitude",
            "delivery_longitude",
            "cancelled_at",
            "created_at",
        ),
        erase=ADDRESS,
    )
    personal_data_register(
        BasketDelivery,
        section=_("Cabas deliveries"),
        rows=lambda user: BasketDelivery.objects.filter(Q(customer=user) | Q(status_changed_by=user)),
        erase_rows=user_rows(BasketDelivery, "customer"),
        export=(
            "id",
            "date",
            "offer__name",
            "fulfilment",
            "pickup_point__name",
            "delivery_address",
            "delivery_commune",
            "price",
            "solidarity",
            "delivery_fee",
            "status",
        ),
        erase={"delivery_address": ERASE, "delivery_commune": ERASE},
        keep={"price": "accounting record, 10 years", "delivery_fee": "accounting record, 10 years"},
    )
    erasure_step_register("baskets.end_subscriptions", subscriptions_end_for_erasure)
