"""HTTP shapes of the online grocery. Input serializers only parse; the services decide. Output fields such as
status, prices and totals are never writable: the input serializers do not declare them, so sending them is ignored.
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from deliveries.models import DeliveryZone, PickupPoint
from deliveries.selectors import delivered_stop_list
from deliveries.serializers import DeliveryProofSerializer
from ecopole.core.fields import (
    QueryIntegerField,
    StrictBigIntegerField,
    StrictBooleanField,
    StrictCharField,
    StrictDateField,
    StrictDateTimeField,
    StrictDecimalField,
    StrictEmailField,
    StrictIntegerField,
    StrictRegexField,
    StrictURLField,
)
from ecopole.core.pagination import MAX_PAGE
from ecopole.core.permissions import is_staff_member
from ecopole.core.schema import model_label
from ecopole.core.serializers import StrictModelSerializer
from vending.ports import LockerState

from .filters import MAX_ID
from .models import (
    COUNTER_PAYMENT_CHOICES,
    MANUAL_PAYMENT_METHODS,
    CounterSale,
    CounterSaleLine,
    Fulfilment,
    Order,
    OrderEvent,
    OrderEventKind,
    OrderFlag,
    OrderLine,
    OrderStatus,
    PaymentMethod,
    PaymentStatus,
)

# --- Input ------------------------------------------------------------------------------------------------------


class LineInputSerializer(serializers.Serializer):
    product = StrictIntegerField(min_value=1, max_value=MAX_ID)
    quantity = StrictDecimalField(max_digits=10, decimal_places=3, min_value=Decimal("0.001"))


class AddressInputSerializer(serializers.Serializer):
    address = StrictCharField(max_length=255, help_text="Number and street, as typed (e.g. 12 rue des Jardins).")
    postcode = StrictCharField(max_length=10, required=False, allow_blank=True, default="")
    commune = StrictCharField(max_length=100)
    latitude = StrictDecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=Decimal("-90"),
        max_value=Decimal("90"),
        required=False,
        allow_null=True,
        help_text="Optional: without latitude and longitude the address is geocoded (Base Adresse Nationale).",
    )
    longitude = StrictDecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=Decimal("-180"),
        max_value=Decimal("180"),
        required=False,
        allow_null=True,
        help_text="Optional, with latitude.",
    )


class FulfilmentInputSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=Fulfilment.choices)
    point = StrictIntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="Pickup point id (type `pickup`)."
    )
    address = AddressInputSerializer(required=False, help_text="Delivery address (type `home`).")
    window = StrictIntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text=(
            "Optional, type `home`: the id of a two-hour delivery window of the address's zone on the delivery date "
            "(`GET /api/v1/deliveries/windows/`). A full window answers 409 `delivery_window_full`."
        ),
    )

    def validate(self, attrs):
        if attrs["type"] == Fulfilment.PICKUP and not attrs.get("point"):
            raise serializers.ValidationError({"point": _("Choose a pickup point.")})
        if attrs["type"] == Fulfilment.PICKUP and attrs.get("window"):
            raise serializers.ValidationError({"window": _("A delivery window is for home delivery only.")})
        if attrs["type"] == Fulfilment.HOME and not attrs.get("address"):
            raise serializers.ValidationError({"address": _("Give the delivery address.")})
        return attrs


class OrderPlaceSerializer(serializers.Serializer):
    lines = serializers.ListField(child=LineInputSerializer(), min_length=1, max_length=100)
    fulfilment = FulfilmentInputSerializer()
    delivery_date = StrictDateField()
    note = StrictCharField(max_length=500, required=False, allow_blank=True, default="")
    customer = StrictIntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text=(
            "Managers and preparers: the id of the customer the order is placed for (a customer who phones); the "
            "order's history says who placed it. Anyone else may only name themselves (403 `permission_denied`)."
        ),
    )


class OrderLinesSerializer(serializers.Serializer):
    lines = serializers.ListField(
        child=LineInputSerializer(),
        min_length=1,
        max_length=100,
        help_text="The order's whole new set of lines: a product left out is removed, a new one added.",
    )


class OrderCancelSerializer(serializers.Serializer):
    note = StrictCharField(max_length=255, required=False, allow_blank=True, default="")


class OrderTransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=OrderStatus.choices, help_text="The next status (`placed` never is).")
    note = StrictCharField(max_length=255, required=False, allow_blank=True, default="")


class PreparedLineSerializer(serializers.Serializer):
    line = StrictIntegerField(min_value=1, max_value=MAX_ID)
    prepared_quantity = StrictDecimalField(max_digits=10, decimal_places=3, min_value=Decimal("0"))


class OrderPreparedQuantitiesSerializer(serializers.Serializer):
    lines = serializers.ListField(child=PreparedLineSerializer(), min_length=1, max_length=200)

    def validate_lines(self, lines):
        """As the service takes them: {line id: prepared quantity}, each line at most once."""
        quantities = {}
        for line in lines:
            if line["line"] in quantities:
                raise serializers.ValidationError("Each line at most once.")
            quantities[line["line"]] = line["prepared_quantity"]
        return quantities


class OrderPaymentSerializer(serializers.Serializer):
    payment_status = serializers.ChoiceField(choices=PaymentStatus.choices)
    payment_method = serializers.ChoiceField(
        choices=[c for c in PaymentMethod.choices if c[0] in MANUAL_PAYMENT_METHODS],
        required=False,
        allow_blank=True,
        default="",
    )

    def validate(self, attrs):
        if attrs["payment_status"] == PaymentStatus.PAID and not attrs.get("payment_method"):
            raise serializers.ValidationError({"payment_method": _("Say how the order was paid.")})
        return attrs


PREPARATION_PAGE_SIZE = 100
PREPARATION_PAGE_SIZE_MAX = 1000


class PreparationListQuerySerializer(serializers.Serializer):
    date = StrictDateField(help_text="Delivery date (YYYY-MM-DD).")
    by = serializers.ChoiceField(
        choices=[("destination", "destination"), ("product", "product")],
        default="destination",
        help_text="`destination`: one row per pickup point or zone and product (default); `product`: the totals.",
    )
    destination_type = serializers.ChoiceField(
        choices=Fulfilment.choices, required=False, help_text="With `destination`: keep one pickup point or zone."
    )
    destination = QueryIntegerField(
        min_value=1, required=False, help_text="Pickup point id (pickup) or delivery zone id (home)."
    )

    # Read by the view's paginator (`PreparationPagination`); declared here for the schema, with its bounds.
    page = QueryIntegerField(min_value=1, max_value=MAX_PAGE, required=False, help_text="Page number.")
    page_size = QueryIntegerField(
        min_value=1,
        max_value=PREPARATION_PAGE_SIZE_MAX,
        required=False,
        help_text=f"Rows per page ({PREPARATION_PAGE_SIZE} by default).",
    )

    def validate(self, attrs):
        if ("destination_type" in attrs) != ("destination" in attrs):
            raise serializers.ValidationError(
                {"destination": _("Give both destination_type and destination, or neither.")}
            )
        return attrs

    def destination_filter(self) -> tuple[str, int] | None:
        data = self.validated_data
        return (data["destination_type"], data["destination"]) if "destination" in data else None


# --- Output -----------------------------------------------------------------------------------------------------


class PlaceRefSerializer(serializers.Serializer):
    id = StrictIntegerField()
    name = StrictCharField()


class CustomerRefSerializer(serializers.Serializer):
    id = StrictIntegerField()
    email = StrictEmailField()
    full_name = StrictCharField()


class VatRowSerializer(serializers.Serializer):
    rate = StrictDecimalField(max_digits=4, decimal_places=2)
    amount = StrictDecimalField(max_digits=10, decimal_places=2, help_text="Amount at this rate, VAT included.")
    vat = StrictDecimalField(max_digits=10, decimal_places=2)


# Plain serializers with explicit read-only fields: a ModelSerializer introspects its model on every request, which
# was most of the cost of serializing a new order. Labels come from the models (`model_label`), so the schema is the
# one the ModelSerializers gave. (Docstrings here would become schema descriptions, hence comments.)


def _money(model, name: str, max_digits: int = 10, **kwargs) -> StrictDecimalField:
    return StrictDecimalField(
        max_digits=max_digits, decimal_places=2, read_only=True, label=model_label(model, name), **kwargs
    )


def _quantity(name: str, **kwargs) -> StrictDecimalField:
    return StrictDecimalField(
        max_digits=10, decimal_places=3, read_only=True, label=model_label(OrderLine, name), **kwargs
    )


def _text(model, name: str) -> StrictCharField:
    return StrictCharField(read_only=True, label=model_label(model, name))


class OrderLineSerializer(serializers.Serializer):
    id = StrictBigIntegerField(read_only=True, label="ID")
    product = StrictIntegerField(source="product_id", read_only=True, label=model_label(OrderLine, "product"))
    product_name = _text(OrderLine, "product_name")
    unit = _text(OrderLine, "unit")
    unit_price = _money(OrderLine, "unit_price", max_digits=8)
    vat_rate = StrictDecimalField(
        max_digits=4, decimal_places=2, read_only=True, label=model_label(OrderLine, "vat_rate")
    )
    sold_by_weight = StrictBooleanField(read_only=True, label=model_label(OrderLine, "sold_by_weight"))
    quantity = _quantity("quantity")
    prepared_quantity = _quantity("prepared_quantity", allow_null=True)
    billed_quantity = StrictDecimalField(max_digits=10, decimal_places=3, read_only=True)
    line_total = _money(OrderLine, "line_total")
    vat_amount = _money(OrderLine, "vat_amount")
    deposit = _money(
        OrderLine, "deposit", max_digits=6, help_text="Deposit (consigne) per jar, copied when ordered; 0 without one."
    )
    deposit_amount = _money(
        OrderLine,
        "deposit_amount",
        help_text="`deposit` × `billed_quantity`: outside `line_total`, without VAT, added to the order's total.",
    )


class OrderEventSerializer(serializers.Serializer):
    id = StrictBigIntegerField(read_only=True, label="ID")
    kind = serializers.ChoiceField(
        choices=OrderEventKind.choices, read_only=True, label=model_label(OrderEvent, "kind")
    )
    from_value = _text(OrderEvent, "from_value")
    to_value = _text(OrderEvent, "to_value")
    actor = StrictIntegerField(
        source="actor_id", read_only=True, allow_null=True, label=model_label(OrderEvent, "actor")
    )
    actor_name = serializers.SerializerMethodField()
    note = _text(OrderEvent, "note")
    created_at = StrictDateTimeField(read_only=True, label=model_label(OrderEvent, "created_at"))

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


class OrderSerializer(serializers.Serializer):
    id = StrictBigIntegerField(read_only=True, label="ID")
    customer = CustomerRefSerializer(read_only=True)
    status = serializers.ChoiceField(choices=OrderStatus.choices, read_only=True, label=model_label(Order, "status"))
    fulfilment = serializers.ChoiceField(
        choices=Fulfilment.choices, read_only=True, label=model_label(Order, "fulfilment")
    )
    pickup_point = PlaceRefSerializer(read_only=True, allow_null=True)
    delivery_zone = PlaceRefSerializer(read_only=True, allow_null=True)
    delivery_address = _text(Order, "delivery_address")
    delivery_postcode = _text(Order, "delivery_postcode")
    delivery_commune = _text(Order, "delivery_commune")
    delivery_latitude = StrictDecimalField(
        max_digits=9, decimal_places=6, allow_null=True, read_only=True, label=model_label(Order, "delivery_latitude")
    )
    delivery_longitude = StrictDecimalField(
        max_digits=9, decimal_places=6, allow_null=True, read_only=True, label=model_label(Order, "delivery_longitude")
    )
    delivery_date = StrictDateField(read_only=True, label=model_label(Order, "delivery_date"))
    delivery_window = StrictIntegerField(
        source="delivery_window_id",
        read_only=True,
        allow_null=True,
        help_text="The chosen two-hour delivery window's id (home delivery), or null.",
    )
    cutoff_at = StrictDateTimeField(read_only=True, label=model_label(Order, "cutoff_at"))
    subtotal = _money(Order, "subtotal")
    delivery_fee = _money(Order, "delivery_fee", max_digits=8)
    vat_breakdown = VatRowSerializer(many=True, read_only=True)
    vat_total = _money(Order, "vat_total")
    deposit_total = _money(
        Order,
        "deposit_total",
        help_text="The lines' jar deposits (consigne): outside the VAT base, so not in `subtotal` nor `vat_breakdown`.",
    )
    total = _money(Order, "total", help_text="`subtotal` + `delivery_fee` + `deposit_total`: what the customer pays.")
    payment_status = serializers.ChoiceField(
        choices=PaymentStatus.choices, read_only=True, label=model_label(Order, "payment_status")
    )
    payment_method = serializers.ChoiceField(
        choices=PaymentMethod.choices, read_only=True, label=model_label(Order, "payment_method")
    )
    note = _text(Order, "note")
    flag = serializers.ChoiceField(choices=OrderFlag.choices, read_only=True, label=model_label(Order, "flag"))
    flagged_at = StrictDateTimeField(read_only=True, allow_null=True, label=model_label(Order, "flagged_at"))
    lines = OrderLineSerializer(many=True, read_only=True)
    created_at = StrictDateTimeField(read_only=True, label=model_label(Order, "created_at"))
    updated_at = StrictDateTimeField(read_only=True, label=model_label(Order, "updated_at"))


class OrderLockerSerializer(serializers.Serializer):
    """Where a click-and-collect order waits (or waited) at the vending machine. The code is never shown here."""

    machine = StrictIntegerField(source="compartment.machine_id")
    machine_name = StrictCharField(source="compartment.machine.name")
    place = StrictCharField(source="compartment.machine.place")
    compartment = StrictCharField(source="compartment.code")
    pickup_date = StrictDateField()
    valid_until = StrictDateTimeField(help_text="The code opens the locker until this instant.")
    state = serializers.ChoiceField(choices=LockerState.choices, read_only=True)
    opened_at = StrictDateTimeField(allow_null=True)


class OrderDetailSerializer(OrderSerializer):
    events = OrderEventSerializer(many=True, read_only=True)
    delivery_proofs = serializers.SerializerMethodField(
        help_text="The proofs of delivery of the rounds that delivered the order (who received it, photo, signature)."
    )

    @extend_schema_field(DeliveryProofSerializer(many=True))
    def get_delivery_proofs(self, order) -> list:
        stops = getattr(order, "delivered_stops", None)  # prefetched by selectors.order_get
        if stops is None:
            # A delivered stop leaves its orders ready or fulfilled: a new order (the 201 of a placement) asks nothing.
            undelivered = {OrderStatus.PLACED, OrderStatus.PREPARING, OrderStatus.OUT_FOR_DELIVERY}
            stops = [] if order.status in undelivered else delivered_stop_list(order_id=order.pk)
        return DeliveryProofSerializer([s for s in stops if s.has_proof], many=True).data

    locker = serializers.SerializerMethodField(
        help_text="The order's latest vending-machine locker (click and collect at the machine), or null."
    )

    @extend_schema_field(OrderLockerSerializer(allow_null=True))
    def get_locker(self, order) -> dict | None:
        reservations = order.locker_reservations.all()  # prefetched, newest first (selectors.order_get)
        return OrderLockerSerializer(reservations[0]).data if reservations else None


class OrderLockerLoadSerializer(serializers.Serializer):
    compartment = StrictRegexField(
        r"^[A-Za-z0-9-]{1,8}$", max_length=8, help_text="The locker's code on the machine, e.g. `B4`."
    )


class OpeningSerializer(serializers.Serializer):
    weekday = StrictIntegerField(min_value=0, max_value=6, help_text="0 is Monday.")
    opens = StrictCharField(help_text="HH:MM")
    closes = StrictCharField(help_text="HH:MM")


class PickupPointSerializer(StrictModelSerializer):
    opening_hours = OpeningSerializer(many=True, read_only=True)

    class Meta:
        model = PickupPoint
        fields = ["id", "name", "slug", "kind", "address", "postcode", "commune", "latitude", "longitude"]
        fields = [*fields, "opening_hours", "is_depot"]
        read_only_fields = fields


class DeliveryZoneSerializer(StrictModelSerializer):
    communes = serializers.ListField(child=StrictCharField(), read_only=True)

    class Meta:
        model = DeliveryZone
        fields = ["id", "name", "slug", "communes", "delivery_fee", "minimum_order", "free_delivery_threshold"]
        read_only_fields = fields


class OpenDateSerializer(serializers.Serializer):
    date = StrictDateField()
    cutoff_at = StrictDateTimeField(help_text="Orders for this date close at this instant.")


class DeliveryPlaceSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=Fulfilment.choices)
    pickup_point = PickupPointSerializer(allow_null=True)
    zone = DeliveryZoneSerializer(allow_null=True)
    dates = OpenDateSerializer(many=True)


class PreparationRowSerializer(serializers.Serializer):
    destination_type = serializers.ChoiceField(
        choices=[*Fulfilment.choices, ("total", "total")], help_text="`total`: the product over all destinations."
    )
    destination_id = StrictIntegerField(
        allow_null=True, help_text="Pickup point id (pickup) or delivery zone id (home); null for a total."
    )
    destination = StrictCharField(allow_null=True, help_text="Its name; null for a total.")
    product = StrictIntegerField()
    name = StrictCharField()
    unit = StrictCharField()
    quantity = StrictDecimalField(max_digits=12, decimal_places=3, help_text="Ordered quantity (estimates).")
    orders = StrictIntegerField(help_text="Number of orders with this product.")


class PreparationDestinationSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=Fulfilment.choices)
    id = StrictIntegerField(help_text="Pickup point id (pickup) or delivery zone id (home).")
    name = StrictCharField()
    orders_count = StrictIntegerField()
    products_count = StrictIntegerField(help_text="Products to prepare for it: its rows in the list.")


class PreparationListSerializer(serializers.Serializer):
    """One page of the preparation list, with the date's destinations (a dozen) and its number of orders."""

    date = StrictDateField()
    by = serializers.ChoiceField(choices=[("destination", "destination"), ("product", "product")])
    orders_count = StrictIntegerField(help_text="Orders of the date, not cancelled, all destinations.")
    destinations = PreparationDestinationSerializer(many=True, help_text="Every destination of the date.")
    count = StrictIntegerField(help_text="Rows in all pages.")
    next = StrictURLField(allow_null=True)
    previous = StrictURLField(allow_null=True)
    results = PreparationRowSerializer(many=True)


# --- Counter sales ----------------------------------------------------------------------------------------------


class CounterSaleInputSerializer(serializers.Serializer):
    lines = serializers.ListField(child=LineInputSerializer(), min_length=1, max_length=100)
    payment_method = serializers.ChoiceField(
        choices=COUNTER_PAYMENT_CHOICES,
        help_text="How the walk-in customer paid, on the spot.",
    )


class CounterSaleLineSerializer(serializers.Serializer):
    product = StrictIntegerField(source="product_id", read_only=True, label=model_label(CounterSaleLine, "product"))
    product_name = _text(CounterSaleLine, "product_name")
    unit = _text(CounterSaleLine, "unit")
    unit_price = _money(CounterSaleLine, "unit_price", max_digits=8)
    vat_rate = StrictDecimalField(
        max_digits=4, decimal_places=2, read_only=True, label=model_label(CounterSaleLine, "vat_rate")
    )
    quantity = StrictDecimalField(
        max_digits=10, decimal_places=3, read_only=True, label=model_label(CounterSaleLine, "quantity")
    )
    line_total = _money(CounterSaleLine, "line_total")
    vat_amount = _money(CounterSaleLine, "vat_amount")
    deposit = _money(CounterSaleLine, "deposit", max_digits=6, help_text="Deposit (consigne) per jar; 0 without one.")
    deposit_amount = _money(
        CounterSaleLine, "deposit_amount", help_text="`deposit` × `quantity`: outside `line_total`, without VAT."
    )


class CounterSaleSerializer(serializers.Serializer):
    id = StrictIntegerField(read_only=True, label="ID")
    seller = StrictIntegerField(source="seller_id", read_only=True, label=model_label(CounterSale, "seller"))
    payment_method = _text(CounterSale, "payment_method")
    subtotal = _money(CounterSale, "subtotal")
    vat_total = _money(CounterSale, "vat_total")
    vat_breakdown = VatRowSerializer(many=True, read_only=True)
    deposit_total = _money(
        CounterSale, "deposit_total", help_text="The jars' deposits: outside the VAT base, not in `vat_breakdown`."
    )
    total = _money(CounterSale, "total", help_text="`subtotal` + `deposit_total`: what the customer paid.")
    created_at = StrictDateTimeField(read_only=True, label=model_label(CounterSale, "created_at"))
    lines = CounterSaleLineSerializer(many=True, read_only=True)
