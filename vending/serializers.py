import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ecopole.core.fields import (
    StrictBooleanField,
    StrictCharField,
    StrictDateField,
    StrictDateTimeField,
    StrictDecimalField,
    StrictIntegerField,
    StrictRegexField,
)
from ecopole.core.serializers import StrictModelSerializer

from .models import (
    Compartment,
    Machine,
    OpeningPeriod,
    RefillRequest,
    RefillRequestLine,
    RefillRequestStatus,
    Sale,
    SaleReview,
)

QTY = {"max_digits": 12, "decimal_places": 3}
MONEY = {"max_digits": 10, "decimal_places": 2}
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)


def plausible_moment(value: dt.datetime) -> dt.datetime:
    """A machine's clock can be wrong, but not by centuries (and such dates would overflow time zone maths)."""
    if not EARLIEST <= value < LATEST:
        raise serializers.ValidationError(_("Expected a date between 2000 and 2099."))
    return value


def plausible_day(value: dt.date) -> dt.date:
    if not EARLIEST.date() <= value < LATEST.date():
        raise serializers.ValidationError(_("Expected a date between 2000 and 2099."))
    return value


# --- public view -------------------------------------------------------------------------------------------------


class OpeningPeriodSerializer(StrictModelSerializer):
    class Meta:
        model = OpeningPeriod
        fields = ["weekday", "opens_at", "closes_at"]


class CompartmentProductSerializer(serializers.Serializer):
    id = StrictIntegerField()
    name = StrictCharField()
    slug = StrictCharField()
    unit = StrictCharField()
    organic = StrictBooleanField()


class PublicCompartmentSerializer(StrictModelSerializer):
    """What a passer-by sees of a compartment. A locker holding a click-and-collect order looks exactly like an
    empty one (no product, quantity 0, no price): the public must not learn which lockers hold an order."""

    product = serializers.SerializerMethodField()
    quantity = serializers.SerializerMethodField()
    price = serializers.SerializerMethodField()
    available = serializers.SerializerMethodField()

    class Meta:
        model = Compartment
        fields = ["code", "kind", "product", "quantity", "price", "available"]

    @staticmethod
    def _on_sale(obj) -> bool:
        return bool(obj.product_id and obj.quantity > 0 and not obj.reserved)

    @extend_schema_field(CompartmentProductSerializer(allow_null=True))
    def get_product(self, obj):
        return CompartmentProductSerializer(obj.product).data if self._on_sale(obj) else None

    @extend_schema_field(StrictDecimalField(**QTY))
    def get_quantity(self, obj) -> str:
        return str(obj.quantity if self._on_sale(obj) else Decimal("0.000"))

    @extend_schema_field(StrictDecimalField(allow_null=True, **MONEY))
    def get_price(self, obj) -> str | None:
        return str(obj.price) if self._on_sale(obj) and obj.price is not None else None

    def get_available(self, obj) -> bool:
        return self._on_sale(obj)


class PublicMachineSerializer(StrictModelSerializer):
    opening_hours = OpeningPeriodSerializer(source="opening_periods", many=True)
    is_open_now = serializers.SerializerMethodField()
    compartments = PublicCompartmentSerializer(many=True)
    pickup_point = StrictIntegerField(
        source="pickup_point_id",
        allow_null=True,
        read_only=True,
        help_text="The pickup point to choose when ordering online to collect the order from one of its lockers.",
    )

    class Meta:
        model = Machine
        fields = [
            "id",
            "name",
            "slug",
            "place",
            "address",
            "commune",
            "latitude",
            "longitude",
            "open_all_day",
            "opening_hours",
            "is_open_now",
            "pickup_point",
            "compartments",
        ]

    def get_is_open_now(self, obj) -> bool:
        return obj.is_open_at(timezone.now())


# --- machine endpoints -------------------------------------------------------------------------------------------


class SaleInputSerializer(serializers.Serializer):
    transaction_id = StrictRegexField(r"^[A-Za-z0-9_.:\-]{1,64}$", max_length=64)
    compartment = StrictCharField(max_length=8)
    quantity = StrictDecimalField(min_value=Decimal("0.001"), **QTY)
    amount = StrictDecimalField(min_value=Decimal("0"), **MONEY)
    sold_at = StrictDateTimeField(validators=[plausible_moment])


class SaleSerializer(StrictModelSerializer):
    compartment = StrictCharField(source="compartment_code")
    anomaly = serializers.SerializerMethodField()

    class Meta:
        model = Sale
        fields = [
            "id",
            "transaction_id",
            "compartment",
            "quantity",
            "recorded_quantity",
            "amount",
            "sold_at",
            "received_at",
            "anomaly",
            "review",
        ]

    def get_anomaly(self, obj) -> bool:
        return obj.recorded_quantity < obj.quantity or obj.compartment_id is None or obj.review != SaleReview.OK


class SaleAnomalySerializer(serializers.Serializer):
    kind = StrictCharField()
    details = serializers.DictField(help_text="What was reported and why it is doubted (`reason`).")


class FlaggedSaleSerializer(SaleSerializer):
    machine = StrictIntegerField(source="machine_id")
    anomalies = SaleAnomalySerializer(many=True, source="anomalies.all")

    class Meta(SaleSerializer.Meta):
        fields = [*SaleSerializer.Meta.fields, "machine", "anomalies", "reviewed_at"]


class SaleAcceptInputSerializer(serializers.Serializer):
    note = StrictCharField(max_length=255, required=False, allow_blank=True, default="")


class CountLineSerializer(serializers.Serializer):
    compartment = StrictCharField(max_length=8)
    quantity = StrictDecimalField(min_value=Decimal("0"), **QTY)


class InventoryInputSerializer(serializers.Serializer):
    count_id = StrictRegexField(r"^[A-Za-z0-9_.:\-]{1,64}$", max_length=64)
    counted_at = StrictDateTimeField(validators=[plausible_moment])
    lines = CountLineSerializer(many=True, allow_empty=False, max_length=200)


class AdjustmentSerializer(serializers.Serializer):
    compartment = StrictCharField(source="compartment.code")
    quantity = StrictDecimalField(**QTY)


class InventorySerializer(serializers.Serializer):
    id = StrictIntegerField()
    count_id = StrictCharField()
    counted_at = StrictDateTimeField(validators=[plausible_moment])
    adjustments = AdjustmentSerializer(many=True, source="movements.all")
    anomalies = StrictIntegerField(source="anomalies.count")


class UnlockInputSerializer(serializers.Serializer):
    compartment = StrictCharField(max_length=8)
    code = StrictRegexField(r"^\d{6}$", max_length=6)


class UnlockSerializer(serializers.Serializer):
    compartment = StrictCharField(source="compartment.code")
    open = serializers.SerializerMethodField()
    order_id = StrictIntegerField()
    opened_at = StrictDateTimeField()

    def get_open(self, obj) -> bool:
        return True


# --- staff endpoints ---------------------------------------------------------------------------------------------


class MachineKeySerializer(serializers.Serializer):
    key = StrictCharField(help_text="Shown once: store it in the machine now.")
    prefix = StrictCharField()
    rotated_at = StrictDateTimeField()


class CompartmentStateSerializer(StrictModelSerializer):
    class Meta:
        model = Compartment
        fields = ["id", "code", "kind", "product", "quantity", "capacity", "price", "filled_at"]


class RefillInputSerializer(serializers.Serializer):
    compartment = StrictCharField(max_length=8)
    product = StrictIntegerField(min_value=1, max_value=2**63 - 1)
    quantity = StrictDecimalField(min_value=Decimal("0.001"), **QTY)
    price = StrictDecimalField(min_value=Decimal("0.01"), required=False, allow_null=True, **MONEY)
    refill_request = StrictIntegerField(min_value=1, max_value=2**63 - 1, required=False, allow_null=True)


class RefillSerializer(serializers.Serializer):
    id = StrictIntegerField()
    product = StrictIntegerField(source="product_id")
    quantity = StrictDecimalField(**QTY)
    price = StrictDecimalField(**MONEY)
    created_at = StrictDateTimeField()
    compartment = CompartmentStateSerializer()


class RemovalInputSerializer(serializers.Serializer):
    compartment = StrictCharField(max_length=8)
    quantity = StrictDecimalField(
        min_value=Decimal("0.001"), required=False, allow_null=True, help_text="Everything when omitted.", **QTY
    )
    note = StrictCharField(max_length=255, required=False, allow_blank=True, default="")


class RemovalSerializer(serializers.Serializer):
    id = StrictIntegerField(allow_null=True)
    quantity = StrictDecimalField(**QTY)
    compartment = CompartmentStateSerializer()


class RefillRequestLineSerializer(StrictModelSerializer):
    compartment = StrictCharField(source="compartment.code")
    product_name = StrictCharField(source="product.name", default="")

    class Meta:
        model = RefillRequestLine
        fields = [
            "compartment",
            "product",
            "product_name",
            "reason",
            "current_quantity",
            "remove_quantity",
            "suggested_quantity",
        ]


class RefillRequestSerializer(StrictModelSerializer):
    machine_name = StrictCharField(source="machine.name")
    latitude = StrictDecimalField(source="machine.latitude", max_digits=9, decimal_places=6)
    longitude = StrictDecimalField(source="machine.longitude", max_digits=9, decimal_places=6)
    lines = RefillRequestLineSerializer(many=True)

    class Meta:
        model = RefillRequest
        fields = ["id", "machine", "machine_name", "date", "status", "load_kg", "latitude", "longitude", "lines"]


class RefillRequestFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=RefillRequestStatus.choices, required=False)


# --- report ------------------------------------------------------------------------------------------------------


class ReportQuerySerializer(serializers.Serializer):
    # `from` is a Python keyword: the field names are set in __init__.
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = StrictDateField(validators=[plausible_day])
        self.fields["to"] = StrictDateField(validators=[plausible_day])


class _ProductLine(serializers.Serializer):
    product = StrictIntegerField(allow_null=True)
    product_name = StrictCharField()
    quantity = StrictDecimalField(**QTY)


class ReportSalesByProductSerializer(_ProductLine):
    count = StrictIntegerField()
    amount_incl_vat = StrictDecimalField(**MONEY)


class ReportSalesByDaySerializer(serializers.Serializer):
    date = StrictDateField()
    count = StrictIntegerField()
    quantity = StrictDecimalField(**QTY)
    amount_incl_vat = StrictDecimalField(**MONEY)


class ReportVatLineSerializer(serializers.Serializer):
    vat_rate = StrictDecimalField(max_digits=4, decimal_places=2)
    amount_incl_vat = StrictDecimalField(**MONEY)
    vat = StrictDecimalField(**MONEY)
    amount_excl_vat = StrictDecimalField(**MONEY)


class ReportRevenueSerializer(serializers.Serializer):
    amount_incl_vat = StrictDecimalField(**MONEY)
    vat = StrictDecimalField(**MONEY)
    amount_excl_vat = StrictDecimalField(**MONEY)
    by_vat_rate = ReportVatLineSerializer(many=True)


class ReportLossSerializer(_ProductLine):
    value = StrictDecimalField(**MONEY, help_text="At the machine price, incl. VAT.")


class ReportAnomalySerializer(serializers.Serializer):
    kind = StrictCharField()
    compartment = StrictCharField(help_text="The compartment code, as the machine reported it.")
    count = StrictIntegerField()


class ReportHeldBackSerializer(serializers.Serializer):
    count = StrictIntegerField()
    amount_incl_vat = StrictDecimalField(**MONEY)


class MachineReportSerializer(serializers.Serializer):
    machine = StrictIntegerField()
    machine_name = StrictCharField()
    sales_count = StrictIntegerField()
    sales_by_product = ReportSalesByProductSerializer(many=True)
    sales_by_day = ReportSalesByDaySerializer(many=True)
    revenue = ReportRevenueSerializer(help_text="Trusted and accepted sales only.")
    held_back = ReportHeldBackSerializer(
        help_text="Flagged sales of the period, out of revenue until staff accept them."
    )
    losses = ReportLossSerializer(many=True)
    adjustments = ReportLossSerializer(many=True)
    anomalies = ReportAnomalySerializer(many=True)
    fill_rate_now = StrictDecimalField(max_digits=5, decimal_places=1, allow_null=True, help_text="%")
    sell_through = StrictDecimalField(
        max_digits=7, decimal_places=1, allow_null=True, help_text="% of the units refilled in the period that sold."
    )
    refilled_quantity = StrictDecimalField(**QTY, help_text="Units put in by refills recorded in the period.")
    sold_quantity = StrictDecimalField(
        **QTY, help_text="Units of every sale dated in the period, flagged ones included (they left the machine)."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = StrictDateField()
        self.fields["to"] = StrictDateField()
