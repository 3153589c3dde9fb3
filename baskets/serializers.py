"""HTTP shapes of the cabas bio. Input serializers only parse; the services decide. Prices, statuses, the owner and
the solidarity flag are never writable: no input serializer declares them, so sending them changes nothing."""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ecopole.core.fields import (  # noqa: F401 (WEEK_PATTERN: the apis import it here)
    MONTH_PATTERN,
    WEEK_PATTERN,
    StrictBooleanField,
    StrictCharField,
    StrictDateField,
    StrictDateTimeField,
    StrictDecimalField,
    StrictIntegerField,
    StrictRegexField,
)
from ecopole.core.serializers import StrictModelSerializer
from orders.filters import MAX_ID
from orders.models import Fulfilment
from orders.serializers import AddressInputSerializer, CustomerRefSerializer, PlaceRefSerializer

from .models import (
    SOLIDARITY_MESSAGE_MAX_LENGTH,
    BasketComposition,
    BasketDelivery,
    BasketDeliveryStatus,
    BasketFrequency,
    BasketOffer,
    BasketRun,
    BasketSubscription,
    SolidarityEligibility,
    SolidarityRequest,
    SolidarityRequestStatus,
    SolidaritySituation,
)
from .services.calendar import distribution_date, iso_week_parse

MONTH_RE = re.compile(MONTH_PATTERN)

# --- Input ------------------------------------------------------------------------------------------------------


class WeekField(StrictCharField):
    """An ISO week written 2026-W49, parsed to its Monday."""

    default_error_messages = {"invalid_week": _("A week is written like 2026-W49.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 8)
        super().__init__(**kwargs)

    def run_validation(self, data=serializers.empty):
        value = super().run_validation(data)  # a string, length checked
        try:
            return iso_week_parse(value)
        except ValueError:
            self.fail("invalid_week")


class WeekQuerySerializer(serializers.Serializer):
    week = WeekField(required=False)


class CompositionLineInputSerializer(serializers.Serializer):
    product = StrictIntegerField(min_value=1, max_value=MAX_ID)
    quantity = StrictDecimalField(
        max_digits=10, decimal_places=3, min_value=Decimal("0.001"), help_text='Quantity per basket, e.g. "1.500".'
    )


class CompositionSetSerializer(serializers.Serializer):
    lines = serializers.ListField(child=CompositionLineInputSerializer(), min_length=1, max_length=50)
    note = StrictCharField(max_length=500, required=False, allow_blank=True, default="")


class CompositionPublishSerializer(serializers.Serializer):
    force = StrictBooleanField(
        required=False,
        default=False,
        help_text="Publish even if the stock cannot cover the expected baskets (the shortages are returned).",
    )


class BasketPlaceInputSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=Fulfilment.choices)
    point = StrictIntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text="Pickup point id (type `pickup`); default: the Ilôt Jacquard antenna.",
    )
    address = AddressInputSerializer(required=False, help_text="Delivery address (type `home`).")

    def validate(self, attrs):
        if attrs["type"] == Fulfilment.HOME and not attrs.get("address"):
            raise serializers.ValidationError({"address": _("Give the delivery address.")})
        return attrs


class SubscriptionCreateSerializer(serializers.Serializer):
    offer = StrictIntegerField(min_value=1, max_value=MAX_ID)
    frequency = serializers.ChoiceField(choices=BasketFrequency.choices, required=False, default=BasketFrequency.WEEKLY)
    fulfilment = BasketPlaceInputSerializer(
        required=False, help_text="Where to get the baskets; default: pickup at the Ilôt Jacquard antenna."
    )
    start_date = StrictDateField(
        required=False, help_text="First basket on the first distribution from this date; default: the next open one."
    )


class SkipSerializer(serializers.Serializer):
    date = StrictDateField(help_text="A distribution date of the subscription.")


class PauseSerializer(serializers.Serializer):
    start_date = StrictDateField()
    end_date = StrictDateField()

    def validate(self, attrs):
        if attrs["end_date"] < attrs["start_date"]:
            raise serializers.ValidationError({"end_date": _("The end of the pause comes after its start.")})
        return attrs


class EmptySerializer(serializers.Serializer):
    pass


class SubscriptionChangeSerializer(serializers.Serializer):
    offer = StrictIntegerField(min_value=1, max_value=MAX_ID, required=False, help_text="Another size.")
    frequency = serializers.ChoiceField(choices=BasketFrequency.choices, required=False)
    fulfilment = BasketPlaceInputSerializer(required=False)


class GenerateSerializer(serializers.Serializer):
    date = StrictDateField(help_text="Distribution date.")
    offer = StrictIntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="One offer; default: every offer distributed that day."
    )
    force = StrictBooleanField(
        required=False, default=False, help_text="Generate even before the cutoff (subscribers can no longer change)."
    )


class DeliveryStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=BasketDeliveryStatus.choices)


class DateQuerySerializer(serializers.Serializer):
    date = StrictDateField()


class MonthField(StrictCharField):
    default_error_messages = {"invalid_month": _("A month is written like 2026-11.")}

    def run_validation(self, data=serializers.empty):
        from datetime import date

        value = super().run_validation(data)  # a string, length checked
        match = MONTH_RE.match(value)
        if not match:
            self.fail("invalid_month")
        return date(int(value[:4]), int(value[5:7]), 1)


class StatementQuerySerializer(serializers.Serializer):
    month = MonthField(max_length=7)
    # Query parameters are strings (the strict JSON integer does not apply): digits, parsed by the view.
    customer = StrictRegexField(r"^[1-9][0-9]{0,17}$", required=False, help_text="Staff: whose statement.")


ID_QUERY_SCHEMA = {"type": "integer", "format": "int64", "minimum": 1, "maximum": 10**18 - 1}


class SolidarityGrantSerializer(serializers.Serializer):
    customer = StrictIntegerField(min_value=1, max_value=MAX_ID)
    valid_until = StrictDateField(help_text="Last distribution date at the solidarity price (a past date revokes).")
    note = StrictCharField(max_length=255, required=False, allow_blank=True, default="")


class SolidarityRequestCreateSerializer(serializers.Serializer):
    message = StrictCharField(
        max_length=SOLIDARITY_MESSAGE_MAX_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=True,
        help_text="A few words on the customer's situation (at most 2000 characters). This or `situation`.",
    )
    situation = serializers.ChoiceField(
        choices=SolidaritySituation.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="A declared situation, optional: nothing finer is asked.",
    )


class SolidarityRequestDecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["grant", "refuse"])
    valid_until = StrictDateField(
        required=False, help_text="Grant: last date at the solidarity price (default: a year from today)."
    )
    reason = StrictCharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text="Refuse: required, sent to the customer. Grant: an optional note, sent too.",
    )


# --- Output -----------------------------------------------------------------------------------------------------


class OfferSerializer(StrictModelSerializer):
    class Meta:
        model = BasketOffer
        fields = [
            "id",
            "name",
            "slug",
            "size",
            "description",
            "price",
            "solidarity_price",
            "indicative_weight",
            "distribution_weekday",
        ]
        read_only_fields = fields


class OfferRefSerializer(serializers.Serializer):
    id = StrictIntegerField()
    name = StrictCharField()
    size = StrictCharField()


class CompositionLineSerializer(serializers.Serializer):
    product = StrictIntegerField(source="product_id")
    product_name = StrictCharField(source="product.name")
    unit = StrictCharField(source="product.unit")
    quantity = StrictDecimalField(max_digits=10, decimal_places=3)


class CompositionSerializer(StrictModelSerializer):
    week = StrictCharField(source="iso_week", read_only=True)
    distribution_date = serializers.SerializerMethodField()
    lines = CompositionLineSerializer(many=True, read_only=True)

    class Meta:
        model = BasketComposition
        fields = ["id", "offer", "week", "week_start", "distribution_date", "status", "note", "published_at", "lines"]
        read_only_fields = fields

    def get_distribution_date(self, composition) -> str:
        return distribution_date(
            week_start=composition.week_start, weekday=composition.offer.distribution_weekday
        ).isoformat()


class ShortageSerializer(serializers.Serializer):
    product = StrictIntegerField()
    product_name = StrictCharField()
    required = StrictDecimalField(max_digits=14, decimal_places=3)
    available = StrictDecimalField(max_digits=14, decimal_places=3)
    missing = StrictDecimalField(max_digits=14, decimal_places=3)


class PublicationSerializer(serializers.Serializer):
    composition = CompositionSerializer()
    baskets_expected = StrictIntegerField()
    shortages = ShortageSerializer(many=True, help_text="Empty unless published with `force`.")


class PauseOutSerializer(serializers.Serializer):
    start_date = StrictDateField()
    end_date = StrictDateField()


class UpcomingSerializer(serializers.Serializer):
    date = StrictDateField()
    week = StrictCharField()
    state = serializers.ChoiceField(
        choices=["basket", "skipped", "paused", "closed"],
        help_text="closed: a public holiday or a closure of the Ecopôle, no basket that day.",
    )
    closed_reason = StrictCharField(allow_null=True, help_text="Why the day is closed (null when open).")
    cutoff_at = StrictDateTimeField(help_text="Skip, pause or change this basket until this instant.")


class SubscriptionSerializer(StrictModelSerializer):
    customer = CustomerRefSerializer(read_only=True)
    offer = OfferRefSerializer(read_only=True)
    pickup_point = PlaceRefSerializer(read_only=True, allow_null=True)
    delivery_zone = PlaceRefSerializer(read_only=True, allow_null=True)
    price = serializers.SerializerMethodField(help_text="Price of a basket today (solidarity price if eligible).")
    solidarity = serializers.SerializerMethodField()
    skips = serializers.SerializerMethodField()
    pauses = serializers.SerializerMethodField()

    class Meta:
        model = BasketSubscription
        fields = [
            "id",
            "customer",
            "offer",
            "frequency",
            "start_date",
            "status",
            "fulfilment",
            "pickup_point",
            "delivery_zone",
            "delivery_address",
            "delivery_postcode",
            "delivery_commune",
            "price",
            "solidarity",
            "skips",
            "pauses",
            "cancelled_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_solidarity(self, subscription) -> bool:
        return bool(getattr(subscription, "solidarity_now", False))

    @staticmethod
    def _money(value) -> str:
        return f"{value:.2f}"

    @extend_schema_field(StrictDecimalField(max_digits=8, decimal_places=2))
    def get_price(self, subscription) -> str:
        offer = subscription.offer
        return self._money(offer.solidarity_price if self.get_solidarity(subscription) else offer.price)

    def get_skips(self, subscription) -> list[str]:
        return [s.date.isoformat() for s in getattr(subscription, "upcoming_skips", [])]

    def get_pauses(self, subscription) -> list[dict]:
        return PauseOutSerializer(getattr(subscription, "upcoming_pauses", []), many=True).data


class SubscriptionDetailSerializer(SubscriptionSerializer):
    upcoming = serializers.SerializerMethodField()

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "upcoming"]
        read_only_fields = fields

    def get_upcoming(self, subscription) -> list[dict]:
        from .services.subscriptions import upcoming_distributions

        return UpcomingSerializer(upcoming_distributions(subscription=subscription), many=True).data


class RunSerializer(StrictModelSerializer):
    offer = OfferRefSerializer(read_only=True)

    class Meta:
        model = BasketRun
        fields = ["id", "offer", "date", "status", "deliveries_count", "solidarity_count", "last_error", "generated_at"]
        read_only_fields = fields


class SheetCountSerializer(serializers.Serializer):
    offer = StrictIntegerField()
    name = StrictCharField()
    size = StrictCharField()
    count = StrictIntegerField()


class SheetBasketSerializer(serializers.Serializer):
    id = StrictIntegerField()
    customer = StrictIntegerField()
    customer_name = StrictCharField()
    offer = StrictIntegerField()
    offer_name = StrictCharField()
    size = StrictCharField()
    address = StrictCharField(allow_blank=True)
    commune = StrictCharField(allow_blank=True)
    price = StrictDecimalField(max_digits=8, decimal_places=2, allow_null=True, help_text="Managers only.")
    solidarity = StrictBooleanField(allow_null=True, help_text="Managers only (null for other staff).")
    delivery_fee = StrictDecimalField(max_digits=8, decimal_places=2)
    status = serializers.ChoiceField(choices=BasketDeliveryStatus.choices)


class SheetPlaceSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=Fulfilment.choices)
    id = StrictIntegerField(help_text="Pickup point id (pickup) or delivery zone id (home).")
    name = StrictCharField()
    baskets_count = StrictIntegerField()
    counts = SheetCountSerializer(many=True, help_text="Number of baskets of each offer (size).")
    baskets = SheetBasketSerializer(many=True)


class PickupSheetSerializer(serializers.Serializer):
    date = StrictDateField()
    baskets_count = StrictIntegerField()
    runs = RunSerializer(many=True)
    places = SheetPlaceSerializer(many=True)


class DeliverySerializer(StrictModelSerializer):
    offer = OfferRefSerializer(read_only=True)
    pickup_point = PlaceRefSerializer(read_only=True, allow_null=True)
    delivery_zone = PlaceRefSerializer(read_only=True, allow_null=True)
    total = StrictDecimalField(max_digits=9, decimal_places=2, read_only=True)

    class Meta:
        model = BasketDelivery
        fields = [
            "id",
            "subscription",
            "date",
            "offer",
            "fulfilment",
            "pickup_point",
            "delivery_zone",
            "price",
            "solidarity",
            "delivery_fee",
            "total",
            "status",
            "round_status",
        ]
        read_only_fields = fields


class BasketStatementSerializer(serializers.Serializer):
    customer = CustomerRefSerializer()
    month = StrictCharField()
    baskets_count = StrictIntegerField()
    total = StrictDecimalField(max_digits=10, decimal_places=2)
    deliveries = DeliverySerializer(many=True)


class GenerationRunSerializer(serializers.Serializer):
    offer = StrictIntegerField(source="offer_id")
    date = StrictDateField()
    run = StrictIntegerField(source="run_id")
    created = StrictIntegerField(help_text="Baskets created by this call.")
    solidarity = StrictIntegerField(help_text="Of which at the solidarity price.")
    already_done = StrictBooleanField(help_text="The baskets of this offer and date existed already.")


class GenerationSerializer(serializers.Serializer):
    date = StrictDateField()
    created = StrictIntegerField()
    runs = GenerationRunSerializer(many=True)


class EligibilitySerializer(StrictModelSerializer):
    customer = CustomerRefSerializer(read_only=True)
    granted_by = StrictIntegerField(source="granted_by_id", read_only=True, allow_null=True)

    class Meta:
        model = SolidarityEligibility
        fields = ["id", "customer", "valid_until", "granted_by", "note", "updated_at"]
        read_only_fields = fields


class SolidarityRequestSerializer(StrictModelSerializer):
    customer = CustomerRefSerializer(read_only=True)
    status = serializers.ChoiceField(choices=SolidarityRequestStatus.choices, read_only=True)
    decided_by = StrictIntegerField(source="decided_by_id", read_only=True, allow_null=True)

    class Meta:
        model = SolidarityRequest
        fields = [
            "id",
            "customer",
            "situation",
            "message",
            "status",
            "valid_until",
            "reason",
            "decided_by",
            "decided_at",
            "created_at",
        ]
        read_only_fields = fields
