from decimal import Decimal

from rest_framework import serializers

from ecopole.core.fields import StrictCharField, StrictDateTimeField, StrictDecimalField, StrictIntegerField

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
