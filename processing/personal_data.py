"""The workshop's declarations in the register of personal data: a producer member's export carries their
producer's bookings and statements (business data of the organisation, kept at a member's erasure; the bookings'
free-text notes they wrote themselves are emptied)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ecopole.core.personal_data import ERASE, personal_data_register, user_rows

from .models import Booking, Statement


def personal_data_declare() -> None:
    personal_data_register(
        Booking,
        section=_("Workshop bookings"),
        rows=lambda user: Booking.objects.filter(Q(producer__members=user) | Q(created_by=user)),
        erase_rows=user_rows(Booking, "created_by"),
        export=("starts_at", "ends_at", "status", "process", "raw_product_name", "raw_quantity_kg", "notes"),
        erase={"notes": ERASE},
    )
    personal_data_register(
        Statement,
        section=_("Workshop statements"),
        rows=lambda user: Statement.objects.filter(producer__members=user),
        export=("month", "total", "created_at", "emailed_at"),
        keep={"total": "accounting record, 10 years"},
    )
