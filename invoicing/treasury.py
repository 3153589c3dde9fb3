"""The cabas paid by direct debit as treasury movements (`ports`): a debit is money received on its collection date
(the bank credits the association then), a returned debit gives it back on the day the return was recorded. Both
settle the cabas invoice the debit collects, so the reconciliation reads them as it reads the shop's payments."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from .models import DirectDebit, DirectDebitStatus
from .ports import Movement, MovementKind

METHOD = "sepa"


def direct_debit_movements(start: date, end: date) -> list[Movement]:
    found = []
    collected = (
        DirectDebit.objects.filter(collection_date__gte=start, collection_date__lte=end)
        .select_related("invoice")
        .order_by("collection_date", "pk")
    )
    for debit in collected:
        found.append(_movement(debit, MovementKind.PAYMENT, debit.collection_date, "Prélèvement"))
    returned = (
        DirectDebit.objects.filter(status=DirectDebitStatus.RETURNED, returned_at__isnull=False)
        .filter(returned_at__date__gte=start, returned_at__date__lte=end)
        .select_related("invoice")
        .order_by("returned_at", "pk")
    )
    for debit in returned:
        found.append(_movement(debit, MovementKind.REFUND, timezone.localdate(debit.returned_at), "Rejet prélèvement"))
    return found


def _movement(debit: DirectDebit, kind: str, on: date, label: str) -> Movement:
    invoice = debit.invoice
    return Movement(
        kind=kind,
        on=on,
        reference=f"direct-debit:{debit.pk}:{kind}",
        label=f"{label} {invoice.reference}",
        amount=debit.amount,
        method=METHOD,
        invoice_source=invoice.source,
        party=f"C{invoice.customer_id or 0}",
    )
