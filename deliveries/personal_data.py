"""The deliveries' declarations in the register of personal data (`ecopole.core.personal_data`).

Saved addresses are deleted at erasure. A home-delivery stop carries the customer's name, address and phone (its
`handover`) for the driver of the day: at erasure the name is anonymised, the address and hand-over list emptied,
the coordinates blurred to about a kilometre (the round's distances stay readable).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from ecopole.core.personal_data import ANONYMISE, ERASE, personal_data_register, user_rows

from .models import SavedAddress, Stop


def _blurred(field_name: str):
    def rule(row, pseudonym):
        return Decimal(getattr(row, field_name)).quantize(Decimal("0.01"))

    return rule


def _file_deleted(field_name: str):
    """A proof-of-delivery file: deleted from its storage (not only unlinked), the field left empty."""

    def rule(row, pseudonym):
        file = getattr(row, field_name)
        if file:
            file.delete(save=False)
        return ""

    return rule


def personal_data_declare() -> None:
    personal_data_register(
        SavedAddress,
        section=_("Saved addresses"),
        rows=user_rows(SavedAddress, "customer"),
        export=("label", "street", "postcode", "commune", "latitude", "longitude", "is_default", "created_at"),
        delete_rows=True,
    )
    personal_data_register(
        Stop,
        section=_("Delivery stops"),
        # Stops of the person's home-delivered orders (declared by name: deliveries imports no client app).
        rows=lambda user: Stop.objects.filter(pk__in=Stop.objects.filter(orders__customer=user).values("pk")),
        export=(
            "round__date",
            "label",
            "address",
            "postcode",
            "commune",
            "arrival_at",
            "status",
            "failure_note",
            "received_by",
            "proof_photo",
            "proof_signature",
        ),
        erase={
            "label": ANONYMISE,
            "address": ERASE,
            "postcode": ERASE,
            "commune": ERASE,
            "handover": ERASE,
            "failure_note": ERASE,
            "received_by": ERASE,
            "proof_photo": _file_deleted("proof_photo"),
            "proof_signature": _file_deleted("proof_signature"),
            "latitude": _blurred("latitude"),
            "longitude": _blurred("longitude"),
        },
    )
