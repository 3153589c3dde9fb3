from __future__ import annotations

from datetime import date

from rest_framework import serializers

from ecopole.core.fields import (
    MONTH_PATTERN,
    StrictBooleanField,
    StrictCharField,
    StrictDateField,
    StrictDateTimeField,
    StrictDecimalField,
    StrictIntegerField,
    StrictRegexField,
)

from .models import InvoiceKind


class BuyerSerializer(serializers.Serializer):
    name = StrictCharField()
    address = StrictCharField(required=False)
    postcode = StrictCharField(required=False)
    city = StrictCharField(required=False)
    siret = StrictCharField(required=False)
    vat_number = StrictCharField(required=False)


class SellerSerializer(BuyerSerializer):
    vat_exemption = StrictCharField(help_text="The exemption sentence when the seller charges no VAT.")
    payment_terms = StrictCharField()


class VatRateSerializer(serializers.Serializer):
    rate = StrictDecimalField(max_digits=4, decimal_places=2)
    base = StrictDecimalField(max_digits=12, decimal_places=2, help_text="Amount excl. VAT at this rate.")
    vat = StrictDecimalField(max_digits=12, decimal_places=2)
    total = StrictDecimalField(max_digits=12, decimal_places=2, help_text="Amount incl. VAT at this rate.")


class InvoiceSerializer(serializers.Serializer):
    id = StrictIntegerField(read_only=True)
    reference = StrictCharField(read_only=True, help_text="Series, year and number: F2026-00042.")
    series = StrictCharField(read_only=True, help_text="F: customer invoices, P: producers, A: credit notes.")
    kind = serializers.ChoiceField(choices=InvoiceKind.choices, read_only=True)
    credited_invoice = StrictCharField(
        source="credited_invoice.reference",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="A credit note: the reference of the invoice it cancels.",
    )
    issue_date = StrictDateField(read_only=True)
    buyer = BuyerSerializer(read_only=True)
    total_excl_vat = StrictDecimalField(max_digits=12, decimal_places=2, read_only=True)
    vat_total = StrictDecimalField(max_digits=12, decimal_places=2, read_only=True)
    total_incl_vat = StrictDecimalField(max_digits=12, decimal_places=2, read_only=True)
    vat_breakdown = VatRateSerializer(many=True, read_only=True)
    e_invoice = StrictBooleanField(read_only=True, help_text="Issued as Factur-X (producers).")
    note = StrictCharField(read_only=True)
    emailed_at = StrictDateTimeField(read_only=True, allow_null=True)


class InvoiceLineSerializer(serializers.Serializer):
    position = StrictIntegerField(read_only=True)
    description = StrictCharField(read_only=True)
    quantity = StrictDecimalField(max_digits=10, decimal_places=3, read_only=True)
    unit = StrictCharField(read_only=True)
    unit_price = StrictDecimalField(max_digits=10, decimal_places=2, read_only=True)
    vat_rate = StrictDecimalField(max_digits=4, decimal_places=2, read_only=True)
    amount_incl_vat = StrictDecimalField(max_digits=12, decimal_places=2, read_only=True)
    vat_amount = StrictDecimalField(max_digits=12, decimal_places=2, read_only=True)


class InvoiceDetailSerializer(InvoiceSerializer):
    seller = SellerSerializer(read_only=True)
    lines = InvoiceLineSerializer(many=True, read_only=True)


class InvoiceListQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=InvoiceKind.choices, required=False)


class CreditNoteRequestSerializer(serializers.Serializer):
    reason = StrictCharField(
        max_length=255,
        required=False,
        allow_blank=True,
        default="",
        help_text="Why the invoice is credited, printed on the credit note and kept ten years with it: write no person's "
        "name or details here (they would outlive an erasure of the account).",
    )


class PeriodQuerySerializer(serializers.Serializer):
    from_date = StrictDateField()
    to_date = StrictDateField()


class MandateRequestSerializer(serializers.Serializer):
    account_holder = StrictCharField(max_length=70)
    iban = StrictCharField(max_length=42, help_text="Spaces allowed; checked (country, length, check digits).")
    accept = StrictBooleanField(help_text="The subscriber accepts the mandate's text (must be true).")


class MonthQuerySerializer(serializers.Serializer):
    month = StrictRegexField(MONTH_PATTERN)

    def validate_month(self, value: str) -> date:
        return date(int(value[:4]), int(value[5:7]), 1)


class MandateSerializer(serializers.Serializer):
    reference = StrictCharField(read_only=True)
    account_holder = StrictCharField(read_only=True)
    iban = StrictCharField(read_only=True)
    bic = StrictCharField(read_only=True)
    signed_at = StrictDateTimeField(read_only=True)
    text = StrictCharField(read_only=True)


class DebitReturnRequestSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=120, help_text="The bank's return reason (e.g. AM04 insufficient funds).")


class DirectDebitSerializer(serializers.Serializer):
    id = StrictIntegerField(read_only=True)
    invoice = StrictCharField(source="invoice.reference", read_only=True)
    amount = StrictDecimalField(max_digits=12, decimal_places=2, read_only=True)
    collection_date = StrictDateField(read_only=True)
    status = StrictCharField(read_only=True)
    returned_at = StrictDateTimeField(read_only=True, allow_null=True)
    return_reason = StrictCharField(read_only=True)


class MismatchSerializer(serializers.Serializer):
    invoice = StrictCharField()
    due = StrictDecimalField(max_digits=12, decimal_places=2)
    received = StrictDecimalField(max_digits=12, decimal_places=2)


class CountedAmountSerializer(serializers.Serializer):
    count = StrictIntegerField(min_value=0)
    amount = StrictDecimalField(max_digits=14, decimal_places=2)


class ReconciliationSerializer(serializers.Serializer):
    movements = StrictIntegerField(help_text="Movements of the period, every registered source.")
    received = StrictDecimalField(
        max_digits=14, decimal_places=2, help_text="Net money received: payments minus refunds (not the balance spent)."
    )
    unmatched = serializers.ListField(
        child=StrictCharField(),
        help_text="Movements of a thing not invoiced yet (an order paid before its fulfilment).",
    )
    mismatched = MismatchSerializer(many=True, help_text="Invoices whose net received differs from what is due.")
    cash_sales = CountedAmountSerializer(
        help_text="Sales paid on the spot without an invoice (the counter's till): journaled as the days' takings."
    )
    balance_credits = CountedAmountSerializer(
        help_text="Credits to customers' balances that settle no invoice (a voucher handed over without an order)."
    )
