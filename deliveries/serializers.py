"""HTTP shapes of delivery rounds. Input serializers only parse; the services decide. Status, times, loads and
distances are computed: no input serializer declares them, so sending them changes nothing."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ecopole.core.fields import (
    QueryIntegerField,
    StrictBooleanField,
    StrictCharField,
    StrictDateField,
    StrictDateTimeField,
    StrictIntegerField,
)
from ecopole.core.serializers import StrictModelSerializer

from .models import DeliveryWindow, FailedResolution, FailureReason, PlanningJobStatus, Round, Stop
from .proofs import RECEIVED_BY_MAX

MAX_ID = 2**31 - 1

# --- Input ------------------------------------------------------------------------------------------------------


class RoundPlanInputSerializer(serializers.Serializer):
    date = StrictDateField(help_text="Delivery date to plan (YYYY-MM-DD).")


class RoundListQuerySerializer(serializers.Serializer):
    date = StrictDateField(required=False)


class StopDeliverInputSerializer(serializers.Serializer):
    """The optional proof of delivery (multipart/form-data): who received it and a photo or a signature (PNG)."""

    received_by = StrictCharField(
        max_length=RECEIVED_BY_MAX, required=False, allow_blank=True, default="", help_text="Who received it."
    )
    photo = serializers.FileField(
        required=False, help_text="A JPEG, PNG or WebP photo; its content is checked (DELIVERY_PROOF_MAX_BYTES)."
    )
    signature = serializers.FileField(required=False, help_text="The signature drawn on the driver's phone, as PNG.")


class StopFailInputSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=FailureReason.choices)
    note = StrictCharField(max_length=255, required=False, allow_blank=True, default="")


class StopResolveInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=FailedResolution.choices)
    pickup_point = StrictIntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="Pickup point id (action `pickup_point`)."
    )

    def validate(self, attrs):
        if attrs["action"] == FailedResolution.PICKUP_POINT and not attrs.get("pickup_point"):
            raise serializers.ValidationError({"pickup_point": _("Choose a pickup point.")})
        return attrs


class RoundReorderInputSerializer(serializers.Serializer):
    stops = serializers.ListField(
        child=StrictIntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=500,
        help_text="Every stop id of the round, in the new order.",
    )


class RoundLockInputSerializer(serializers.Serializer):
    locked = StrictBooleanField()


class StopMoveInputSerializer(serializers.Serializer):
    round = StrictIntegerField(
        min_value=1, max_value=MAX_ID, help_text="The round the stop goes to (its own round: a reorder)."
    )
    position = StrictIntegerField(
        min_value=1, max_value=500, help_text="Its place in that round, 1 for the first; past the end: last."
    )


class DeliveryWindowQuerySerializer(serializers.Serializer):
    date = StrictDateField(required=False, help_text="YYYY-MM-DD")
    zone = QueryIntegerField(min_value=1, max_value=MAX_ID, required=False, help_text="Delivery zone id.")


class DeliveryWindowInputSerializer(serializers.Serializer):
    zone = StrictIntegerField(min_value=1, max_value=MAX_ID)
    date = StrictDateField()
    start = serializers.TimeField(help_text="When the two-hour window opens (HH:MM, Europe/Paris).")
    capacity = StrictIntegerField(min_value=0, max_value=10000, help_text="How many customers it takes.")


class DeliveryWindowCapacitySerializer(serializers.Serializer):
    capacity = StrictIntegerField(min_value=0, max_value=10000)


class DeliveryWindowSerializer(StrictModelSerializer):
    remaining = StrictIntegerField(read_only=True, help_text="Places left.")

    class Meta:
        model = DeliveryWindow
        fields = ["id", "zone", "date", "start", "end", "capacity", "taken", "remaining"]
        read_only_fields = fields


class RoundDriverInputSerializer(serializers.Serializer):
    driver = StrictIntegerField(min_value=1, max_value=MAX_ID, allow_null=True, help_text="A driver's user id.")


# --- Output -----------------------------------------------------------------------------------------------------


class HandoverItemSerializer(serializers.Serializer):
    name = StrictCharField()
    quantity = StrictCharField(help_text="Decimal written as a string.")
    unit = StrictCharField()


class HandoverSerializer(serializers.Serializer):
    """One shape for every source (`deliveries.ports.Handover`)."""

    source = StrictCharField(
        help_text="Who delivers it: `grocery` (an order), `baskets` (a cabas delivery), `vending` (a refill request)."
    )
    id = StrictIntegerField(help_text="Its id in that source: the order, basket delivery or refill request.")
    customer = StrictCharField()
    phone = StrictCharField(default="", help_text="The customer's phone, for the driver (may be empty).")
    items = HandoverItemSerializer(many=True)


class VehicleRefSerializer(serializers.Serializer):
    id = StrictIntegerField()
    name = StrictCharField()
    kind = StrictCharField()


class DriverRefSerializer(serializers.Serializer):
    id = StrictIntegerField()
    full_name = StrictCharField()


class DeliveryProofSerializer(serializers.Serializer):
    """A stop's proof of delivery. The files are not public: their URLs answer the staff who can see the round and
    the customers of the stop's orders (session or token), 404 to anybody else."""

    stop = StrictIntegerField(source="pk")
    received_by = StrictCharField(help_text="The name of who received the delivery.")
    delivered_at = StrictDateTimeField(source="completed_at")
    photo_url = serializers.SerializerMethodField(help_text="The photo (JPEG), or null.")
    signature_url = serializers.SerializerMethodField(help_text="The signature drawn on the driver's phone (PNG).")

    def get_photo_url(self, stop) -> str | None:
        return proof_url(stop, "photo") if stop.proof_photo else None

    def get_signature_url(self, stop) -> str | None:
        return proof_url(stop, "signature") if stop.proof_signature else None


def proof_url(stop, part: str) -> str:
    return reverse("driver:proof", kwargs={"stop_id": stop.pk, "part": part})


class StopSerializer(StrictModelSerializer):
    orders = serializers.SerializerMethodField()
    proof = serializers.SerializerMethodField(help_text="The proof of delivery, or null.")
    handover = HandoverSerializer(many=True, read_only=True)
    is_late = serializers.SerializerMethodField(help_text="The planned arrival is after the window closes.")

    class Meta:
        model = Stop
        fields = [
            "id",
            "sequence",
            "kind",
            "label",
            "pickup_point",
            "orders",
            "address",
            "postcode",
            "commune",
            "latitude",
            "longitude",
            "window_start",
            "window_end",
            "service_minutes",
            "arrival_at",
            "departure_at",
            "is_late",
            "load_kg",
            "load_crates",
            "handover",
            "status",
            "failure_reason",
            "failure_note",
            "resolution",
            "completed_at",
            "proof",
        ]
        read_only_fields = fields

    @extend_schema_field(DeliveryProofSerializer(allow_null=True))
    def get_proof(self, stop):
        return DeliveryProofSerializer(stop).data if stop.status == "delivered" and stop.has_proof else None

    def get_orders(self, stop) -> list[int]:
        return [order.pk for order in stop.orders.all()]

    def get_is_late(self, stop) -> bool:
        if stop.window_end is None:
            return False
        return timezone.localtime(stop.arrival_at).time() > stop.window_end


class RoundSerializer(StrictModelSerializer):
    vehicle = VehicleRefSerializer(read_only=True)
    driver = serializers.SerializerMethodField()
    stops = StopSerializer(many=True, read_only=True)

    class Meta:
        model = Round
        fields = [
            "id",
            "date",
            "vehicle",
            "driver",
            "status",
            "is_locked",
            "distance_km",
            "load_kg",
            "load_crates",
            "planned_start",
            "planned_end",
            "started_at",
            "finished_at",
            "stops",
        ]
        read_only_fields = fields

    @extend_schema_field(DriverRefSerializer(allow_null=True))
    def get_driver(self, round_):
        if round_.driver is None:
            return None
        return {"id": round_.driver.pk, "full_name": round_.driver.get_full_name()}


class UnassignedSerializer(serializers.Serializer):
    source_key = StrictCharField(help_text='What was not planned, e.g. "order:12" or "point:3".')
    label = StrictCharField()
    reason = StrictCharField(
        help_text="no_vehicle_can_serve_commune, capacity_exceeded, time_window_unreachable, not_selected_by_solver "
        "or fleet_capacity_insufficient (the whole fleet cannot carry the day's orders: `detail` says what it lacks)."
    )
    detail = StrictCharField(
        required=False, help_text="For the planner, in French: e.g. the fleet's missing capacity in kg and crates."
    )


class PlanningJobSerializer(serializers.Serializer):
    id = StrictIntegerField()
    date = StrictDateField()
    status = serializers.ChoiceField(
        choices=PlanningJobStatus.choices,
        help_text="queued → running → done, or failed (see `error_code`). Poll until done or failed.",
    )
    rounds = serializers.SerializerMethodField(help_text="The rounds planned by this job (once done).")
    kept = serializers.SerializerMethodField(help_text="Started, finished or locked rounds left as they were.")
    unassigned = UnassignedSerializer(many=True, help_text="Stops the solver could not place, with the reason.")
    attempts = StrictIntegerField(help_text="Solver runs: more than one when the inputs changed meanwhile.")
    error_code = StrictCharField(
        help_text="Why the job failed: `planning_inputs_changed` (orders, rounds or vehicles kept changing while "
        "planning: plan again), `no_depot`, `planning_job_lost` (no worker ran it in time), `planning_error`."
    )
    error_detail = StrictCharField()
    created_at = StrictDateTimeField()
    started_at = StrictDateTimeField(allow_null=True)
    finished_at = StrictDateTimeField(allow_null=True)

    @extend_schema_field(RoundSerializer(many=True))
    def get_rounds(self, job) -> list:
        rounds = self.context.get("rounds") or []
        return RoundSerializer(rounds, many=True).data

    @extend_schema_field(serializers.ListField(child=StrictIntegerField()))
    def get_kept(self, job) -> list[int]:
        return list((job.result or {}).get("kept", []))
