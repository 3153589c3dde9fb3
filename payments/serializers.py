from decimal import Decimal

from rest_framework import serializers

from ecopole.core.fields import (
    MONTH_PATTERN,
    StrictBooleanField,
    StrictCharField,
    StrictDateTimeField,
    StrictDecimalField,
    StrictIntegerField,
    StrictRegexField,
)

from .models import ReturnPlace

MONEY = {"max_digits": 10, "decimal_places": 2}


class JarReturnInputSerializer(serializers.Serializer):
    customer = StrictIntegerField(min_value=1)
    product = StrictIntegerField(min_value=1)
    quantity = StrictIntegerField(min_value=1, max_value=1000)
    place = serializers.ChoiceField(choices=ReturnPlace.choices)


class JarReturnSerializer(serializers.Serializer):
    id = StrictIntegerField()
    customer = StrictIntegerField(source="customer_id")
    product = StrictIntegerField(source="product_id")
    quantity = StrictIntegerField()
    deposit = StrictDecimalField(max_digits=6, decimal_places=2)
    amount = StrictDecimalField(**MONEY)
    place = StrictCharField()
    balance = StrictDecimalField(**MONEY)


class BalanceEntrySerializer(serializers.Serializer):
    kind = StrictCharField()
    amount = StrictDecimalField(**MONEY)
    balance_after = StrictDecimalField(**MONEY)
    note = StrictCharField()
    created_at = StrictDateTimeField()


class BalanceSerializer(serializers.Serializer):
    balance = StrictDecimalField(**MONEY, min_value=Decimal("0"))
    entries = BalanceEntrySerializer(many=True)


class VoucherPartnerSerializer(serializers.Serializer):
    id = StrictIntegerField()
    name = StrictCharField()
    is_active = StrictBooleanField()


class OrderVoucherInputSerializer(serializers.Serializer):
    """A voucher paying an order: what exceeds what is due goes to the customer's balance (no change is given)."""

    partner = StrictIntegerField(min_value=1)
    number = StrictCharField(max_length=50, min_length=1, help_text="As printed on the voucher; once per partner.")
    value = StrictDecimalField(
        max_digits=8,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("500"),
        help_text="The value printed on the voucher, 0.01 to 500 €.",
    )


class VoucherInputSerializer(OrderVoucherInputSerializer):
    """A voucher handed over without an order: its partner, number and value, and whose balance it credits."""

    customer = StrictIntegerField(min_value=1)


class VoucherSerializer(serializers.Serializer):
    id = StrictIntegerField()
    partner = StrictIntegerField(source="partner_id")
    number = StrictCharField()
    value = StrictDecimalField(max_digits=8, decimal_places=2)
    customer = StrictIntegerField(source="customer_id")
    paid = StrictDecimalField(**MONEY, help_text="The part that paid the order (0: all credited to the balance).")
    credited = StrictDecimalField(**MONEY, help_text="The part credited to the customer's balance.")
    balance = StrictDecimalField(**MONEY, help_text="The customer's balance after it.")
    received_at = StrictDateTimeField()


class StatementQuerySerializer(serializers.Serializer):
    month = StrictRegexField(MONTH_PATTERN)
