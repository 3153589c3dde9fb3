"""Invoicing's declarations in the register of personal data (`ecopole.core.personal_data`).

Invoices and credit notes are kept 10 years (Code de commerce L123-22; art. 17.3.b GDPR: a legal obligation). An
issued invoice never changes, but for one thing at erasure: its buyer's name becomes the account's pseudonym and their
email and address are emptied (`invoices_buyer_pseudonymise`, the one UPDATE the database trigger admits). The
invoices still add up and print, under the pseudonym.

A SEPA mandate is revoked at erasure (no future debit) and its debtor's name pseudonymised; its IBAN and BIC stay
while its debits may be disputed (13 months after the last one, SEPA rulebook; art. 17.3.e GDPR: defence of legal
claims), then the retention task masks them (`sepa_bank_details_expire`). Direct debits are accounting records.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecopole.core.personal_data import PSEUDONYMISE, personal_data_register, retention_rule_register

from .models import DirectDebit, Invoice, InvoiceLine, SepaMandate

ACCOUNTING = "accounting record, kept 10 years (Code de commerce L123-22), under the pseudonym"
DISPUTE = (
    "kept while the mandate's debits may be disputed (13 months after the last one, SEPA rulebook; art. 17.3.e "
    "GDPR), then masked by the retention rule invoicing.sepa_bank_details"
)


def _invoices_pseudonymised(*, user, pseudonym: str) -> int:
    from .services.invoices import invoices_buyer_pseudonymise

    return invoices_buyer_pseudonymise(customer_id=user.pk, pseudonym=pseudonym)


def _text_pseudonymised(mandate: SepaMandate, pseudonym: str) -> str:
    """The text signed, with the debtor's name (as it was signed) replaced by the pseudonym. Declared before
    `account_holder`, whose rule replaces the name this one looks for."""
    holder = mandate.account_holder.strip()
    return mandate.text.replace(holder, pseudonym) if holder else mandate.text


def _revoked(mandate: SepaMandate, pseudonym: str):
    return mandate.revoked_at or timezone.now()


def _invoice_rows(user):
    """A customer's invoices and credit notes; a producer member's producer's (exported, not erased: a producer is an
    organisation)."""
    return Invoice.objects.filter(Q(customer=user) | Q(producer__members=user))


def personal_data_declare() -> None:
    from .services.sepa import sepa_bank_details_expire

    personal_data_register(
        Invoice,
        section=_("Invoices and credit notes"),
        rows=lambda user: Invoice.objects.filter(pk__in=_invoice_rows(user).values("pk")),
        export=(
            "reference",
            "kind",
            "issue_date",
            "credited_invoice__reference",
            "buyer",
            "total_excl_vat",
            "vat_total",
            "total_incl_vat",
            "vat_breakdown",
            "note",
            "buyer_pseudonymised_at",
        ),
        erase_with=_invoices_pseudonymised,
        keep={
            "buyer": "an issued invoice (10 years, Code de commerce L123-22): the name becomes the pseudonym, email "
            "and address are emptied (invoices_buyer_pseudonymise, the one change the database trigger admits)",
            "customer": "points at the pseudonymised account (the FEC's auxiliary account C<id>)",
            "total_incl_vat": ACCOUNTING,
            "vat_breakdown": ACCOUNTING,
            "note": "written at issue (the order's number and date, the cabas month) or the staff's reason of a "
            "credit note: part of the document as issued",
        },
    )
    personal_data_register(
        InvoiceLine,
        section=_("Invoice lines"),
        rows=lambda user: InvoiceLine.objects.filter(invoice__in=_invoice_rows(user).values("pk")),
        export=(
            "invoice__reference",
            "position",
            "description",
            "quantity",
            "unit",
            "unit_price",
            "vat_rate",
            "amount_incl_vat",
            "vat_amount",
        ),
        keep={"description": ACCOUNTING + " (a product's name, the cabas and its date)", "amount_incl_vat": ACCOUNTING},
    )
    personal_data_register(
        SepaMandate,
        section=_("SEPA direct-debit mandates"),
        rows=lambda user: SepaMandate.objects.filter(customer=user),
        export=(
            "reference",
            "account_holder",
            "iban",
            "bic",
            "signed_at",
            "text",
            "revoked_at",
            "bank_details_erased_at",
        ),
        erase={
            "text": _text_pseudonymised,  # first: it looks for the name the next rule replaces
            "account_holder": PSEUDONYMISE,
            "revoked_at": _revoked,
        },
        keep={
            "iban": DISPUTE,
            "bic": DISPUTE,
            "reference": "the mandate's reference, which the bank's debits and disputes name",
            "signed_at": "when the mandate was signed (the proof of the debits' authorisation)",
        },
    )
    personal_data_register(
        DirectDebit,
        section=_("Direct debits"),
        rows=lambda user: DirectDebit.objects.filter(mandate__customer=user),
        export=(
            "invoice__reference",
            "mandate__reference",
            "amount",
            "collection_date",
            "status",
            "returned_at",
            "return_reason",
        ),
        keep={
            "amount": ACCOUNTING,
            "collection_date": ACCOUNTING,
            "return_reason": "the bank's return code (e.g. AM04), about the debit",
        },
    )
    retention_rule_register("invoicing.sepa_bank_details", sepa_bank_details_expire)
