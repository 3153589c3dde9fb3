import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

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


class OpeningPeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = OpeningPeriod
        fields = ["weekday", "opens_at", "closes_at"]


class CompartmentProductSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    unit = serializers.CharField()
    organic = serializers.BooleanField()


class PublicCompartmentSerializer(serializers.ModelSerializer):
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

    @extend_schema_field(serializers.DecimalField(**QTY))
    def get_quantity(self, obj) -> str:
        return str(obj.quantity if self._on_sale(obj) else Decimal("0.000"))

    @extend_schema_field(serializers.DecimalField(allow_null=True, **MONEY))
    def get_price(self, obj) -> str | None:
        return str(obj.price) if self._on_sale(obj) and obj.price is not None else None

    def get_available(self, obj) -> bool:
        return self._on_sale(obj)


class PublicMachineSerializer(serializers.ModelSerializer):
    opening_hours = OpeningPeriodSerializer(source="opening_periods", many=True)
    is_open_now = serializers.SerializerMethodField()
    compartments = PublicCompartmentSerializer(many=True)
    pickup_point = serializers.IntegerField(
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
    transaction_id = serializers.RegexField(r"^[A-Za-z0-9_.:\-]{1,64}$", max_length=64)
    compartment = serializers.CharField(max_length=8)
    quantity = serializers.DecimalField(min_value=Decimal("0.001"), **QTY)
    amount = serializers.DecimalField(min_value=Decimal("0"), **MONEY)
    sold_at = serializers.DateTimeField(validators=[plausible_moment])


class SaleSerializer(serializers.ModelSerializer):
    compartment = serializers.CharField(source="compartment_code")
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
    kind = serializers.CharField()
    details = serializers.DictField(help_text="What was reported and why it is doubted (`reason`).")


class FlaggedSaleSerializer(SaleSerializer):
    machine = serializers.IntegerField(source="machine_id")
    anomalies = SaleAnomalySerializer(many=True, source="anomalies.all")

    class Meta(SaleSerializer.Meta):
        fields = [*SaleSerializer.Meta.fields, "machine", "anomalies", "reviewed_at"]


class SaleAcceptInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class CountLineSerializer(serializers.Serializer):
    compartment = serializers.CharField(max_length=8)
    quantity = serializers.DecimalField(min_value=Decimal("0"), **QTY)


class InventoryInputSerializer(serializers.Serializer):
    count_id = serializers.RegexField(r"^[A-Za-z0-9_.:\-]{1,64}$", max_length=64)
    counted_at = serializers.DateTimeField(validators=[plausible_moment])
    lines = CountLineSerializer(many=True, allow_empty=False, max_length=200)


class AdjustmentSerializer(serializers.Serializer):
    compartment = serializers.CharField(source="compartment.code")
    quantity = serializers.DecimalField(**QTY)


class InventorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    count_id = serializers.CharField()
    counted_at = serializers.DateTimeField(validators=[plausible_moment])
    adjustments = AdjustmentSerializer(many=True, source="movements.all")
    anomalies = serializers.IntegerField(source="anomalies.count")


class UnlockInputSerializer(serializers.Serializer):
    compartment = serializers.CharField(max_length=8)
    code = serializers.RegexField(r"^\d{6}$", max_length=6)


class UnlockSerializer(serializers.Serializer):
    compartment = serializers.CharField(source="compartment.code")
    open = serializers.SerializerMethodField()
    order_id = serializers.IntegerField()
    opened_at = serializers.DateTimeField()

    def get_open(self, obj) -> bool:
        return True


# --- staff endpoints ---------------------------------------------------------------------------------------------


class MachineKeySerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Shown once: store it in the machine now.")
    prefix = serializers.CharField()
    rotated_at = serializers.DateTimeField()


class CompartmentStateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Compartment
        fields = ["id", "code", "kind", "product", "quantity", "capacity", "price", "filled_at"]


class RefillInputSerializer(serializers.Serializer):
    compartment = serializers.CharField(max_length=8)
    product = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    quantity = serializers.DecimalField(min_value=Decimal("0.001"), **QTY)
    price = serializers.DecimalField(min_value=Decimal("0.01"), required=False, allow_null=True, **MONEY)
    refill_request = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False, allow_null=True)


class RefillSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    product = serializers.IntegerField(source="product_id")
    quantity = serializers.DecimalField(**QTY)
    price = serializers.DecimalField(**MONEY)
    created_at = serializers.DateTimeField()
    compartment = CompartmentStateSerializer()


class RemovalInputSerializer(serializers.Serializer):
    compartment = serializers.CharField(max_length=8)
    quantity = serializers.DecimalField(
        min_value=Decimal("0.001"), required=False, allow_null=True, help_text="Everything when omitted.", **QTY
    )
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class RemovalSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    quantity = serializers.DecimalField(**QTY)
    compartment = CompartmentStateSerializer()


class RefillRequestLineSerializer(serializers.ModelSerializer):
    compartment = serializers.CharField(source="compartment.code")
    product_name = serializers.CharField(source="product.name", default="")

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


class RefillRequestSerializer(serializers.ModelSerializer):
    machine_name = serializers.CharField(source="machine.name")
    latitude = serializers.DecimalField(source="machine.latitude", max_digits=9, decimal_places=6)
    longitude = serializers.DecimalField(source="machine.longitude", max_digits=9, decimal_places=6)
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
        self.fields["from"] = serializers.DateField(validators=[plausible_day])
        self.fields["to"] = serializers.DateField(validators=[plausible_day])


class _ProductLine(serializers.Serializer):
    product = serializers.IntegerField(allow_null=True)
    product_name = serializers.CharField()
    quantity = serializers.DecimalField(**QTY)


class ReportSalesByProductSerializer(_ProductLine):
    count = serializers.IntegerField()
    amount_incl_vat = serializers.DecimalField(**MONEY)


class ReportSalesByDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    count = serializers.IntegerField()
    quantity = serializers.DecimalField(**QTY)
    amount_incl_vat = serializers.DecimalField(**MONEY)


class ReportVatLineSerializer(serializers.Serializer):
    vat_rate = serializers.DecimalField(max_digits=4, decimal_places=2)
    amount_incl_vat = serializers.DecimalField(**MONEY)
    vat = serializers.DecimalField(**MONEY)
    amount_excl_vat = serializers.DecimalField(**MONEY)


class ReportRevenueSerializer(serializers.Serializer):
    amount_incl_vat = serializers.DecimalField(**MONEY)
    vat = serializers.DecimalField(**MONEY)
    amount_excl_vat = serializers.DecimalField(**MONEY)
    by_vat_rate = ReportVatLineSerializer(many=True)


class ReportLossSerializer(_ProductLine):
    value = serializers.DecimalField(**MONEY, help_text="At the machine price, incl. VAT.")


class ReportAnomalySerializer(serializers.Serializer):
    kind = serializers.CharField()
    compartment = serializers.CharField(help_text="The compartment code, as the machine reported it.")
    count = serializers.IntegerField()


class ReportHeldBackSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    amount_incl_vat = serializers.DecimalField(**MONEY)


class MachineReportSerializer(serializers.Serializer):
    machine = serializers.IntegerField()
    machine_name = serializers.CharField()
    sales_count = serializers.IntegerField()
    sales_by_product = ReportSalesByProductSerializer(many=True)
    sales_by_day = ReportSalesByDaySerializer(many=True)
    revenue = ReportRevenueSerializer(help_text="Trusted and accepted sales only.")
    held_back = ReportHeldBackSerializer(
        help_text="Flagged sales of the period, out of revenue until staff accept them."
    )
    losses = ReportLossSerializer(many=True)
    adjustments = ReportLossSerializer(many=True)
    anomalies = ReportAnomalySerializer(many=True)
    fill_rate_now = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True, help_text="%")
    sell_through = serializers.DecimalField(
        max_digits=7, decimal_places=1, allow_null=True, help_text="% of the units refilled in the period that sold."
    )
    refilled_quantity = serializers.DecimalField(**QTY, help_text="Units put in by refills recorded in the period.")
    sold_quantity = serializers.DecimalField(
        **QTY, help_text="Units of every sale dated in the period, flagged ones included (they left the machine)."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = serializers.DateField()
        self.fields["to"] = serializers.DateField()
