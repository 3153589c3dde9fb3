"""Input and output shapes of the workshop API. Status, prices, totals and owner are output-only."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ecopole.core.fields import (
    MONTH_PATTERN,
    TEXT_MAX_LENGTH,
    StrictBooleanField,
    StrictCharField,
    StrictDateField,
    StrictDateTimeField,
    StrictDecimalField,
    StrictIntegerField,
    StrictRegexField,
    column_bounds,
)
from ecopole.core.serializers import StrictModelSerializer

from .models import (
    Booking,
    BookingEvent,
    BookingStatus,
    Equipment,
    Lot,
    LotInput,
    LotRecall,
    LotUnit,
    Process,
    Statement,
)


class ProducerBriefSerializer(serializers.Serializer):
    id = StrictIntegerField()
    name = StrictCharField()
    slug = StrictCharField()


class EquipmentSerializer(StrictModelSerializer):
    class Meta:
        model = Equipment
        fields = [
            "id",
            "name",
            "slug",
            "kind",
            "description",
            "hourly_rate",
            "consumable_rate",
            "consumable_unit",
            "cleaning_buffer_minutes",
            "slot_minutes",
            "capacity",
        ]
        read_only_fields = fields


class EquipmentBriefSerializer(serializers.Serializer):
    id = StrictIntegerField()
    name = StrictCharField()
    slug = StrictCharField()


# --- Availability --------------------------------------------------------------------------------------------------


# Comma-separated equipment ids or slugs, ASCII only ("²".isdigit() is True, but no id).
EQUIPMENT_REFS_PATTERN = r"^\s*[-a-zA-Z0-9_]{1,50}\s*(,\s*[-a-zA-Z0-9_]{1,50}\s*){0,19}$"
BOOKING_STATUSES_PATTERN = rf"^({'|'.join(BookingStatus.values)})(,({'|'.join(BookingStatus.values)}))*$"


class AvailabilityQuerySerializer(serializers.Serializer):
    equipment = StrictRegexField(EQUIPMENT_REFS_PATTERN, max_length=500, required=False)
    from_date = StrictDateField(required=False)
    to_date = StrictDateField(required=False)
    # Query strings are strings: parsed here, since the project's strict JSON types refuse "true" for a BooleanField.
    include_taken = serializers.ChoiceField(choices=["true", "false", "1", "0"], required=False, default="false")

    def validate_include_taken(self, value) -> bool:
        return value in {"true", "1"}


class AvailabilitySlotSerializer(serializers.Serializer):
    starts_at = StrictDateTimeField()
    ends_at = StrictDateTimeField()
    available = StrictBooleanField()
    capacity_left = StrictIntegerField(allow_null=True, help_text="Jars left (shared equipment only).")


class AvailabilityEquipmentSerializer(serializers.Serializer):
    equipment = EquipmentBriefSerializer()
    slot_minutes = StrictIntegerField(source="equipment.slot_minutes")
    cleaning_buffer_minutes = StrictIntegerField(source="equipment.cleaning_buffer_minutes")
    capacity = StrictIntegerField(source="equipment.capacity", allow_null=True)
    slots = AvailabilitySlotSerializer(many=True)


class AvailabilitySerializer(serializers.Serializer):
    from_date = StrictDateField()
    to_date = StrictDateField()
    timezone = StrictCharField()
    equipment = AvailabilityEquipmentSerializer(many=True)


# --- Bookings ------------------------------------------------------------------------------------------------------


class BookingCreateSerializer(serializers.Serializer):
    equipment = serializers.ListField(
        child=StrictIntegerField(min_value=1), min_length=1, max_length=10, help_text="Equipment ids."
    )
    starts_at = StrictDateTimeField()
    ends_at = StrictDateTimeField()
    process = serializers.ChoiceField(choices=Process.choices)
    raw_product = StrictIntegerField(required=False, allow_null=True, help_text="A catalogue product id.")
    raw_product_name = StrictCharField(required=False, allow_blank=True, max_length=150)
    raw_quantity_kg = StrictDecimalField(max_digits=10, decimal_places=3, min_value=Decimal("0.001"))
    expected_output = StrictCharField(required=False, allow_blank=True, max_length=200, default="")
    jars = StrictIntegerField(required=False, allow_null=True, **column_bounds(Booking, "jars", min_value=1))
    organic = StrictBooleanField(required=False, default=False)
    needs_technician = StrictBooleanField(required=False, default=False)
    notes = StrictCharField(required=False, allow_blank=True, default="", max_length=2000)
    waitlist = StrictBooleanField(
        required=False, default=False, help_text="Queue on the waiting list if the slot is taken."
    )
    producer = StrictIntegerField(
        required=False, allow_null=True, help_text="Staff only: the producer booked for (ignored for producers)."
    )

    def validate(self, attrs):
        if attrs["ends_at"] <= attrs["starts_at"]:
            raise serializers.ValidationError({"ends_at": [_("The end must be after the start.")]})
        if not attrs.get("raw_product") and not attrs.get("raw_product_name"):
            raise serializers.ValidationError({"raw_product_name": [_("Say which raw product you bring.")]})
        return attrs


class BookingEventSerializer(StrictModelSerializer):
    from_status = StrictCharField(help_text="Empty for the creation.")
    to_status = StrictCharField()
    actor = serializers.SerializerMethodField()

    class Meta:
        model = BookingEvent
        fields = ["from_status", "to_status", "actor", "at", "note"]

    @extend_schema_field(StrictCharField(allow_null=True))
    def get_actor(self, event) -> str | None:
        return str(event.actor) if event.actor_id else None


class BillingLineSerializer(serializers.Serializer):
    kind = StrictCharField()
    description = StrictCharField()
    quantity = StrictDecimalField(max_digits=10, decimal_places=3)
    unit_price = StrictDecimalField(max_digits=8, decimal_places=2)
    amount = StrictDecimalField(max_digits=10, decimal_places=2)
    billed_on = StrictDateField()


class BookingSerializer(StrictModelSerializer):
    producer = ProducerBriefSerializer()
    equipment = serializers.SerializerMethodField()
    hours = StrictDecimalField(max_digits=6, decimal_places=2)

    class Meta:
        model = Booking
        fields = [
            "id",
            "producer",
            "status",
            "starts_at",
            "ends_at",
            "hours",
            "equipment",
            "process",
            "raw_product",
            "raw_product_name",
            "raw_quantity_kg",
            "expected_output",
            "jars",
            "organic",
            "needs_technician",
            "notes",
            "hold_expires_at",
            "hours_used",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(EquipmentBriefSerializer(many=True))
    def get_equipment(self, booking):
        return [
            {"id": line.equipment_id, "name": line.equipment.name, "slug": line.equipment.slug}
            for line in booking.lines.all()
        ]


class BookingDetailSerializer(BookingSerializer):
    events = BookingEventSerializer(many=True)
    billing_lines = BillingLineSerializer(many=True)
    lots = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta(BookingSerializer.Meta):
        fields = [*BookingSerializer.Meta.fields, "events", "billing_lines", "lots"]
        read_only_fields = fields


class BookingListQuerySerializer(serializers.Serializer):
    status = StrictCharField(required=False, max_length=200)
    from_date = StrictDateField(required=False)
    to_date = StrictDateField(required=False)

    def validate_status(self, value):
        wrong = [s for s in value.split(",") if s not in BookingStatus.values]
        if wrong:
            raise serializers.ValidationError(_("Unknown status: %(status)s") % {"status": ", ".join(wrong)})
        return value


class RawInputSerializer(serializers.Serializer):
    name = StrictCharField(max_length=150)
    quantity_kg = StrictDecimalField(max_digits=10, decimal_places=3, min_value=Decimal("0.001"))
    raw_product = StrictIntegerField(required=False, allow_null=True)
    origin = StrictCharField(required=False, allow_blank=True, max_length=150, default="")


class OutputSerializer(serializers.Serializer):
    description = StrictCharField(max_length=200)
    quantity = StrictDecimalField(max_digits=10, decimal_places=3, min_value=Decimal("0.001"))
    unit = serializers.ChoiceField(choices=LotUnit.choices, default=LotUnit.JAR)
    product = StrictIntegerField(
        required=False, allow_null=True, help_text="Catalogue product of the producer: the jars go into its stock."
    )
    container = StrictCharField(required=False, allow_blank=True, max_length=50, default="")
    inputs = RawInputSerializer(many=True, required=False, default=list, max_length=50)


class BookingCompleteSerializer(serializers.Serializer):
    hours_used = StrictDecimalField(
        max_digits=6, decimal_places=2, min_value=Decimal("0.25"), required=False, allow_null=True
    )
    outputs = OutputSerializer(many=True, allow_empty=False, max_length=50)


# --- Lots ----------------------------------------------------------------------------------------------------------


class LotSerializer(StrictModelSerializer):
    producer = ProducerBriefSerializer()
    booking = StrictIntegerField(source="booking_id")

    class Meta:
        model = Lot
        fields = [
            "code",
            "producer",
            "booking",
            "process",
            "product",
            "description",
            "quantity",
            "unit",
            "container",
            "production_date",
            "best_before",
            "organic",
        ]
        read_only_fields = fields


class LotInputSerializer(StrictModelSerializer):
    raw_product_name = StrictCharField(source="raw_product.name", default=None)

    class Meta:
        model = LotInput
        fields = ["name", "quantity_kg", "origin", "raw_product", "raw_product_name"]


class StockMovementTraceSerializer(serializers.Serializer):
    id = StrictIntegerField()
    product = StrictIntegerField(source="product_id")
    quantity = StrictDecimalField(max_digits=12, decimal_places=3)
    reason = StrictCharField()
    created_at = StrictDateTimeField()
    source_type = serializers.SerializerMethodField()
    source_id = StrictIntegerField(allow_null=True)

    @extend_schema_field(StrictCharField(allow_null=True))
    def get_source_type(self, movement) -> str | None:
        if movement.source_type_id is None:
            return None
        return f"{movement.source_type.app_label}.{movement.source_type.model}"


class LotBookingSerializer(serializers.Serializer):
    id = StrictIntegerField()
    starts_at = StrictDateTimeField()
    ends_at = StrictDateTimeField()
    equipment = serializers.SerializerMethodField()

    @extend_schema_field(EquipmentBriefSerializer(many=True))
    def get_equipment(self, booking):
        return [
            {"id": line.equipment_id, "name": line.equipment.name, "slug": line.equipment.slug}
            for line in booking.lines.all()
        ]


class LotTraceSerializer(serializers.Serializer):
    lot = LotSerializer()
    booking = LotBookingSerializer(source="lot.booking")
    inputs = LotInputSerializer(many=True)
    stock_entries = StockMovementTraceSerializer(many=True)
    product_movements_after = StockMovementTraceSerializer(many=True)
    other_lots_of_product = serializers.ListField(child=StrictCharField())


# --- Statements and calendar feeds ---------------------------------------------------------------------------------


class StatementSerializer(StrictModelSerializer):
    producer = ProducerBriefSerializer()
    month = StrictDateField(format="%Y-%m", read_only=True)  # "2026-12"

    class Meta:
        model = Statement
        fields = ["id", "producer", "month", "total", "created_at", "emailed_at"]
        read_only_fields = fields


class StatementLineSerializer(serializers.Serializer):
    date = StrictDateField()
    booking = StrictIntegerField()
    kind = StrictCharField()
    kind_label = StrictCharField()
    description = StrictCharField()
    quantity = StrictDecimalField(max_digits=10, decimal_places=3)
    unit_price = StrictDecimalField(max_digits=8, decimal_places=2)
    amount = StrictDecimalField(max_digits=10, decimal_places=2)


class StatementDetailSerializer(StatementSerializer):
    lines = StatementLineSerializer(many=True, source="data.lines")

    class Meta(StatementSerializer.Meta):
        fields = [*StatementSerializer.Meta.fields, "lines"]
        read_only_fields = fields


class StatementListQuerySerializer(serializers.Serializer):
    month = StrictRegexField(MONTH_PATTERN, required=False)


class CalendarFeedQuerySerializer(serializers.Serializer):
    producer = StrictRegexField(
        r"^[0-9]{1,18}$", required=False, help_text="Staff: a producer's feed (else the workshop's)."
    )

    def validate_producer(self, value) -> int:
        return int(value)


class CalendarFeedSerializer(serializers.Serializer):
    url = StrictCharField(allow_null=True)
    scope = StrictCharField()
    producer = StrictIntegerField(allow_null=True)
    created_at = StrictDateTimeField(allow_null=True)


# --- Recalls -------------------------------------------------------------------------------------------------------


class LotRecallBodySerializer(serializers.Serializer):
    reason = StrictCharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="")


class LotRecallSerializer(StrictModelSerializer):
    lot = StrictCharField(source="lot.code")

    class Meta:
        model = LotRecall
        fields = ["lot", "status", "reason", "requested_at", "confirmed_at", "blocked_quantity"]
        read_only_fields = fields


class LotRecallRowSerializer(serializers.Serializer):
    channel = StrictCharField()
    reference = StrictCharField()
    customer_id = StrictIntegerField(allow_null=True)
    customer_name = StrictCharField(allow_blank=True)
    customer_email = StrictCharField(allow_blank=True)
    quantity = StrictDecimalField(max_digits=12, decimal_places=3)
    at = StrictCharField(allow_blank=True)


class LotRecallReportSerializer(serializers.Serializer):
    """The stored report: who got how much and when. `left_stock` = the rows + `other` (what left the ledger)."""

    produced = StrictDecimalField(max_digits=12, decimal_places=3)
    blocked_in_stock = StrictDecimalField(max_digits=12, decimal_places=3)
    left_stock = StrictDecimalField(max_digits=12, decimal_places=3)
    vending_not_attributable = StrictDecimalField(max_digits=12, decimal_places=3)
    other = StrictDecimalField(max_digits=12, decimal_places=3)
    customers = StrictIntegerField()
    rows = LotRecallRowSerializer(many=True)


class LotRecallDetailSerializer(LotRecallSerializer):
    report = LotRecallReportSerializer(allow_null=True)

    class Meta(LotRecallSerializer.Meta):
        fields = [*LotRecallSerializer.Meta.fields, "report"]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not instance.report:
            data["report"] = None
        return data
