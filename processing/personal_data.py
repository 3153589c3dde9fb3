"""The workshop's declarations in the register of personal data: a producer member's export carries their
producer's bookings and statements (business data of the organisation, kept at a member's erasure; the bookings'
free-text notes they wrote themselves are emptied)."""

from __future__ import annotations

from types import SimpleNamespace

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ecopole.core.personal_data import ERASE, personal_data_register, pseudonym, user_rows

from .models import Booking, LotRecall, Statement


def _report_pseudonymised(recall, name: str) -> dict:
    """A recall report with the erased person's rows under their pseudonym: the report is the food-safety record
    of who received a recalled lot (kept), the person's name and email are not. A row is theirs when its customer's
    pseudonym is the one being written (the rule knows the pseudonym, not the account)."""
    report = dict(recall.report or {})
    rows = []
    for row in report.get("rows", []):
        customer = row.get("customer_id")
        if customer is not None and pseudonym(SimpleNamespace(pk=customer)) == name:
            row = {**row, "customer_name": name, "customer_email": ""}
        rows.append(row)
    report["rows"] = rows
    return report


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
    personal_data_register(
        LotRecall,
        section=_("Recalled lots you received"),
        rows=lambda user: LotRecall.objects.filter(report__rows__contains=[{"customer_id": user.pk}]),
        export=("lot__code", "reason", "confirmed_at", "report"),
        erase={"report": _report_pseudonymised},
        keep={"reason": "the recall's reason (food safety), about the lot"},
    )
