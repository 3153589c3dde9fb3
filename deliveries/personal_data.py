"""The deliveries' declarations in the register of personal data (`ecopole.core.personal_data`).

Saved addresses are deleted at erasure. A home-delivery stop (a grocery order's or a cabas's) carries the customer's
name, address and phone (its `handover`) for the driver of the day, and its proof of delivery: it is the person's, in
their export, and at erasure the name is anonymised, the address, hand-over list and proof emptied, the coordinates
blurred to about a kilometre (the round's distances stay readable). A pickup point's stop is the point's, shared by
its customers: it is not in their export (its hand-over list names the others), and at erasure only the person's own
entries leave its hand-over list. A person's entries are found by their `customer_id` (`deliveries.ports.Handover`),
their grocery orders also by the stop's `orders`.
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ecopole.core.personal_data import ANONYMISED_TEXT, personal_data_register, pseudonym, user_rows

from .models import SavedAddress, Stop, StopKind


def _persons_stops(user):
    """Every stop that carries something of the person's: their home stops, and pickup points' stops."""
    carrying = Q(orders__customer=user) | Q(handover__contains=[{"customer_id": user.pk}])
    return Stop.objects.filter(pk__in=Stop.objects.filter(carrying).values("pk"))


def _on_home_stop(field_name: str, rule):
    """`rule` on a home stop (the person's); a pickup point's stop keeps the field as it is (the point's)."""

    def on_home(row, name):
        return rule(row, name) if row.kind == StopKind.HOME else getattr(row, field_name)

    return on_home


def _emptied(field_name: str, value=""):
    return _on_home_stop(field_name, lambda row, name: value)


def _blurred(field_name: str):
    return _on_home_stop(field_name, lambda row, name: Decimal(getattr(row, field_name)).quantize(Decimal("0.01")))


def _file_deleted(field_name: str):
    """A proof-of-delivery file: deleted from its storage (not only unlinked), the field left empty."""

    def rule(row, name):
        file = getattr(row, field_name)
        if file:
            file.delete(save=False)
        return ""

    return _on_home_stop(field_name, rule)


def _handover_without_the_person(row, name):
    """A home stop's list is emptied; a shared stop loses the person's entries (those whose account's pseudonym is
    the one being written: the rule knows the pseudonym, not the account)."""
    if row.kind == StopKind.HOME:
        return []
    return [
        entry
        for entry in row.handover or []
        if not (
            isinstance(entry, dict)
            and entry.get("customer_id") is not None
            and pseudonym(SimpleNamespace(pk=entry["customer_id"])) == name
        )
    ]


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
        rows=lambda user: _persons_stops(user).filter(kind=StopKind.HOME),
        erase_rows=_persons_stops,
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
            "label": _emptied("label", ANONYMISED_TEXT),
            "address": _emptied("address"),
            "postcode": _emptied("postcode"),
            "commune": _emptied("commune"),
            "handover": _handover_without_the_person,
            "failure_note": _emptied("failure_note"),
            "received_by": _emptied("received_by"),
            "proof_photo": _file_deleted("proof_photo"),
            "proof_signature": _file_deleted("proof_signature"),
            "latitude": _blurred("latitude"),
            "longitude": _blurred("longitude"),
        },
        keep={"kind": "a pickup point's stop is the point's: only the person's hand-over entries leave it"},
    )
