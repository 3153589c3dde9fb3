"""Reads of the invoicing app. Who sees an invoice: its customer, the members of its producer, and the manager."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from ecopole.core.exceptions import NotFound
from ecopole.core.permissions import is_manager

from .models import DirectDebit, Invoice, InvoiceLine, SepaMandate


def invoice_scope(*, user) -> QuerySet[Invoice]:
    """The invoices `user` may read: all for the manager, else theirs (as customer or as their producer's member)."""
    queryset = Invoice.objects.select_related("credited_invoice")
    if is_manager(user):
        return queryset
    owned = Q(customer_id=user.pk)
    if getattr(user, "producer_id", None):
        owned |= Q(producer_id=user.producer_id)
    return queryset.filter(owned)


def invoice_list(*, user, kind: str | None = None) -> QuerySet[Invoice]:
    queryset = invoice_scope(user=user)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("-issued_at", "-id")


def invoice_get(*, user, pk: int) -> Invoice:
    """One readable invoice with its lines (one query for them); 404 for an invoice that is not the user's."""
    invoice = (
        invoice_scope(user=user)
        .prefetch_related(Prefetch("lines", queryset=InvoiceLine.objects.order_by("position")))
        .filter(pk=pk)
        .first()
    )
    if invoice is None:
        raise NotFound()
    return invoice


def mandate_active(*, customer_id: int) -> SepaMandate | None:
    return SepaMandate.objects.filter(customer_id=customer_id, revoked_at__isnull=True).first()


def direct_debits_of_month(*, month) -> QuerySet[DirectDebit]:
    return (
        DirectDebit.objects.filter(collection_date__year=month.year, collection_date__month=month.month)
        .select_related("invoice", "mandate")
        .order_by("collection_date", "id")
    )
