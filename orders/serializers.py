"""HTTP shapes of the online grocery. Input serializers only parse; the services decide. Output fields such as
status, prices and totals are never writable: the input serializers do not declare them, so sending them is ignored.
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from deliveries.models import DeliveryZone, PickupPoint
from ecopole.core.permissions import is_staff_member

from .filters import MAX_ID
from .models import Fulfilment, Order, OrderEvent, OrderLine, OrderStatus, PaymentMethod, PaymentStatus

# --- Input ------------------------------------------------------------------------------------------------------


class LineInputSerializer(serializers.Serializer):
    product = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    quantity = serializers.DecimalField(max_digits=10, decimal_places=3, min_value=Decimal("0.001"))


class AddressInputSerializer(serializers.Serializer):
    address = serializers.CharField(max_length=255)
    postcode = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
    commune = serializers.CharField(max_length=100)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=Decimal("-90"), max_value=Decimal("90")
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=Decimal("-180"), max_value=Decimal("180")
    )


class FulfilmentInputSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=Fulfilment.choices)
    point = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="Pickup point id (type `pickup`)."
    )
    address = AddressInputSerializer(required=False, help_text="Delivery address (type `home`).")

    def validate(self, attrs):
        if attrs["type"] == Fulfilment.PICKUP and not attrs.get("point"):
            raise serializers.ValidationError({"point": _("Choose a pickup point.")})
        if attrs["type"] == Fulfilment.HOME and not attrs.get("address"):
            raise serializers.ValidationError({"address": _("Give the delivery address.")})
        return attrs


class OrderPlaceSerializer(serializers.Serializer):
    lines = serializers.ListField(child=LineInputSerializer(), min_length=1, max_length=100)
    fulfilment = FulfilmentInputSerializer()
    delivery_date = serializers.DateField()
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class OrderCancelSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class OrderTransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=OrderStatus.choices, help_text="The next status (`placed` never is).")
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class PreparedLineSerializer(serializers.Serializer):
    line = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    prepared_quantity = serializers.DecimalField(max_digits=10, decimal_places=3, min_value=Decimal("0"))


class OrderPreparedQuantitiesSerializer(serializers.Serializer):
    lines = serializers.ListField(child=PreparedLineSerializer(), min_length=1, max_length=200)


class OrderPaymentSerializer(serializers.Serializer):
    payment_status = serializers.ChoiceField(choices=PaymentStatus.choices)
    payment_method = serializers.ChoiceField(
        choices=[c for c in PaymentMethod.choices if c[0]], required=False, allow_blank=True, default=""
    )

    def validate(self, attrs):
        if attrs["payment_status"] == PaymentStatus.PAID and not attrs.get("payment_method"):
            raise serializers.ValidationError({"payment_method": _("Say how the order was paid.")})
        return attrs


class PreparationListQuerySerializer(serializers.Serializer):
    date = serializers.DateField()


# --- Output -----------------------------------------------------------------------------------------------------


class PlaceRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CustomerRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()


class VatRowSerializer(serializers.Serializer):
    rate = serializers.DecimalField(max_digits=4, decimal_places=2)
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, help_text="Amount at this rate, VAT included.")
    vat = serializers.DecimalField(max_digits=10, decimal_places=2)


class OrderLineSerializer(serializers.ModelSerializer):
    billed_quantity = serializers.DecimalField(max_digits=10, decimal_places=3, read_only=True)

    class Meta:
        model = OrderLine
        fields = [
            "id",
            "product",
            "product_name",
            "unit",
            "unit_price",
            "vat_rate",
            "sold_by_weight",
            "quantity",
            "prepared_quantity",
            "billed_quantity",
            "line_total",
            "vat_amount",
        ]
        read_only_fields = fields


class OrderEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = OrderEvent
        fields = ["id", "kind", "from_value", "to_value", "actor", "actor_name", "note", "created_at"]
        read_only_fields = fields

    def get_actor_name(self, event) -> str:
        # A customer sees their own name, not a staff member's (personal data): staff see everyone's.
        if event.actor is None:
            return ""
        if event.actor_id != event.order.customer_id:
            # Asked only then: it costs a query for the viewer's groups.
            request = self.context.get("request")
            if not (request is not None and is_staff_member(request.user)):
                return ""
        return event.actor.get_full_name()


class OrderSerializer(serializers.ModelSerializer):
    customer = CustomerRefSerializer(read_only=True)
    pickup_point = PlaceRefSerializer(read_only=True, allow_null=True)
    delivery_zone = PlaceRefSerializer(read_only=True, allow_null=True)
    vat_breakdown = VatRowSerializer(many=True, read_only=True)
    lines = OrderLineSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "customer",
            "status",
            "fulfilment",
            "pickup_point",
            "delivery_zone",
            "delivery_address",
            "delivery_postcode",
            "delivery_commune",
            "delivery_latitude",
            "delivery_longitude",
            "delivery_date",
            "cutoff_at",
            "subtotal",
            "delivery_fee",
            "vat_breakdown",
            "vat_total",
            "total",
            "payment_status",
            "payment_method",
            "note",
            "lines",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class OrderDetailSerializer(OrderSerializer):
    events = OrderEventSerializer(many=True, read_only=True)

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "events"]
        read_only_fields = fields


class OpeningSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(min_value=0, max_value=6, help_text="0 is Monday.")
    opens = serializers.CharField(help_text="HH:MM")
    closes = serializers.CharField(help_text="HH:MM")


class PickupPointSerializer(serializers.ModelSerializer):
    opening_hours = OpeningSerializer(many=True, read_only=True)

    class Meta:
        model = PickupPoint
        fields = ["id", "name", "slug", "kind", "address", "postcode", "commune", "latitude", "longitude"]
        fields = [*fields, "opening_hours", "is_depot"]
        read_only_fields = fields


class DeliveryZoneSerializer(serializers.ModelSerializer):
    communes = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = DeliveryZone
        fields = ["id", "name", "slug", "communes", "delivery_fee", "minimum_order", "free_delivery_threshold"]
        read_only_fields = fields


class OpenDateSerializer(serializers.Serializer):
    date = serializers.DateField()
    cutoff_at = serializers.DateTimeField(help_text="Orders for this date close at this instant.")


class DeliveryPlaceSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=Fulfilment.choices)
    pickup_point = PickupPointSerializer(allow_null=True)
    zone = DeliveryZoneSerializer(allow_null=True)
    dates = OpenDateSerializer(many=True)


class PreparationProductSerializer(serializers.Serializer):
    product = serializers.IntegerField()
    name = serializers.CharField()
    unit = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3, help_text="Ordered quantity (estimates).")
    orders = serializers.IntegerField(help_text="Number of orders with this product.")


class PreparationDestinationSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=Fulfilment.choices)
    id = serializers.IntegerField(help_text="Pickup point id (pickup) or delivery zone id (home).")
    name = serializers.CharField()
    orders_count = serializers.IntegerField()
    products = PreparationProductSerializer(many=True)


class PreparationListSerializer(serializers.Serializer):
    date = serializers.DateField()
    orders_count = serializers.IntegerField()
    products = PreparationProductSerializer(many=True)
    destinations = PreparationDestinationSerializer(many=True)
