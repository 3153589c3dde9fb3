"""Where and when customers get their orders: pickup points, home-delivery zones and the weekly delivery days; the
fleet (vehicles) and the delivery rounds with their stops and history.

The pure routing solver the planner calls lives in `routing/` (no Django import).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ecopole.core.models import HistoryEvent

from .proofs import proof_storage, proof_upload_to


class Weekday(models.IntegerChoices):
    """Python's numbering (`date.weekday()`): Monday is 0."""

    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class PickupPointKind(models.TextChoices):
    DEPOT = "depot", _("Depot")
    ANTENNA = "antenna", _("Antenna")
    RELAY = "relay", _("Relay point")
    VENDING_MACHINE = "vending_machine", _("Vending machine")


class PickupPoint(models.Model):
    """Point de retrait / point relais: where a customer collects an order.

    `opening_hours` is a list of `{"weekday": 0-6, "opens": "HH:MM", "closes": "HH:MM"}` (several per day allowed).
    The drop-off window is when a round may deliver the orders to the point. The depot (`is_depot`) is where rounds
    start: the Ecopôle at Vieille-Église. A vending machine can be a pickup point (`kind`).
    """

    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=PickupPointKind.choices, default=PickupPointKind.RELAY)
    address = models.CharField(_("address"), max_length=255)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    commune = models.CharField(_("commune"), max_length=100)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))],
    )
    opening_hours = models.JSONField(_("opening hours"), default=list, blank=True)
    dropoff_start = models.TimeField(_("drop-off window start"), null=True, blank=True)
    dropoff_end = models.TimeField(_("drop-off window end"), null=True, blank=True)
    is_depot = models.BooleanField(_("depot"), default=False, help_text=_("Rounds start and end here."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("pickup point")
        verbose_name_plural = _("pickup points")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["is_depot"], condition=Q(is_depot=True), name="pickup_point_one_depot"),
            models.CheckConstraint(
                condition=Q(dropoff_start__isnull=True)
                | Q(dropoff_end__isnull=True)
                | Q(dropoff_end__gt=models.F("dropoff_start")),
                name="pickup_point_dropoff_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from .services.places import opening_hours_validate

        try:
            self.opening_hours = opening_hours_validate(self.opening_hours)
        except ValueError as exc:
            raise ValidationError({"opening_hours": str(exc)}) from exc


class DeliveryZone(models.Model):
    """Zone de livraison à domicile: a set of communes with a fee, a minimum order and a free-delivery threshold.

    `communes` is a JSON list of commune names; matching ignores case,
    accents, hyphens and apostrophes (see `services.places.commune_normalise`).
    """

    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    communes = models.JSONField(_("communes"), default=list)
    delivery_fee = models.DecimalField(_("delivery fee incl. VAT"), max_digits=8, decimal_places=2, default=Decimal(0))
    minimum_order = models.DecimalField(_("minimum order"), max_digits=8, decimal_places=2, default=Decimal(0))
    free_delivery_threshold = models.DecimalField(
        _("free delivery from"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Orders whose subtotal reaches this amount are delivered free. Empty: never free."),
    )
    # The area a home address of the zone must fall in (a latitude/longitude box). Empty: the service area of the
    # whole association, `DELIVERIES_SERVICE_AREA` (services.places.home_coordinates_check).
    south = models.DecimalField(_("southern latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    west = models.DecimalField(_("western longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    north = models.DecimalField(_("northern latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    east = models.DecimalField(_("eastern longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("delivery zone")
        verbose_name_plural = _("delivery zones")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(delivery_fee__gte=0), name="delivery_zone_fee_not_negative"),
            models.CheckConstraint(condition=Q(minimum_order__gte=0), name="delivery_zone_minimum_not_negative"),
            models.CheckConstraint(
                condition=Q(free_delivery_threshold__isnull=True) | Q(free_delivery_threshold__gt=0),
                name="delivery_zone_threshold_positive",
            ),
            models.CheckConstraint(
                condition=(Q(south__isnull=True) & Q(west__isnull=True) & Q(north__isnull=True) & Q(east__isnull=True))
                | (
                    Q(south__gte=-90)
                    & Q(north__lte=90)
                    & Q(north__gt=models.F("south"))
                    & Q(west__gte=-180)
                    & Q(east__lte=180)
                    & Q(east__gt=models.F("west"))
                ),
                name="delivery_zone_area_all_or_nothing_and_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from .services.places import commune_normalise, zone_for_commune

        if not isinstance(self.communes, list) or not all(isinstance(c, str) and c.strip() for c in self.communes):
            raise ValidationError({"communes": _("Give a list of commune names.")})
        for commune in self.communes:
            other = zone_for_commune(commune=commune, exclude_zone_id=self.pk)
            if other is not None:
                raise ValidationError(
                    {
                        "communes": _("%(commune)s is already in the zone %(zone)s.")
                        % {"commune": commune, "zone": other}
                    }
                )
        self.communes = sorted({c.strip() for c in self.communes}, key=commune_normalise)

    def delivery_fee_for(self, subtotal: Decimal) -> Decimal:
        if self.free_delivery_threshold is not None and subtotal >= self.free_delivery_threshold:
            return Decimal("0.00")
        return self.delivery_fee


class DeliveryDay(models.Model):
    """Jour de livraison: a weekly rule "orders for this point (or zone) are delivered on `weekday`; they close on
    `cutoff_weekday` at `cutoff_time`, Europe/Paris" (e.g. Friday, cutoff Wednesday 12:00).

    The cutoff falls on the latest `cutoff_weekday` on or before the delivery date (same day when they are equal).
    Exactly one of `pickup_point` and `zone` is set.
    """

    pickup_point = models.ForeignKey(
        PickupPoint,
        verbose_name=_("pickup point"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="delivery_days",
    )
    zone = models.ForeignKey(
        DeliveryZone,
        verbose_name=_("delivery zone"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="delivery_days",
    )
    weekday = models.PositiveSmallIntegerField(_("delivery weekday"), choices=Weekday.choices)
    cutoff_weekday = models.PositiveSmallIntegerField(_("cutoff weekday"), choices=Weekday.choices)
    cutoff_time = models.TimeField(_("cutoff time"), default=time(12, 0))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("delivery day")
        verbose_name_plural = _("delivery days")
        ordering = ["pickup_point_id", "zone_id", "weekday"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(pickup_point__isnull=False) & Q(zone__isnull=True))
                | (Q(pickup_point__isnull=True) & Q(zone__isnull=False)),
                name="delivery_day_point_xor_zone",
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="delivery_day_weekday_valid"),
            models.CheckConstraint(condition=Q(cutoff_weekday__lte=6), name="delivery_day_cutoff_weekday_valid"),
            models.UniqueConstraint(
                fields=["pickup_point", "weekday"],
                condition=Q(pickup_point__isnull=False),
                name="delivery_day_unique_point_weekday",
            ),
            models.UniqueConstraint(
                fields=["zone", "weekday"], condition=Q(zone__isnull=False), name="delivery_day_unique_zone_weekday"
            ),
        ]

    def __str__(self) -> str:
        place = self.pickup_point or self.zone
        return f"{place}: {self.get_weekday_display()}"

    def cutoff_at(self, delivery_date: date) -> datetime:
        """The aware cutoff instant for `delivery_date`, computed in Europe/Paris local time (DST-safe)."""
        days_before = (self.weekday - self.cutoff_weekday) % 7
        cutoff_date = delivery_date - timedelta(days=days_before)
        return datetime.combine(cutoff_date, self.cutoff_time, tzinfo=ZoneInfo(settings.TIME_ZONE))


class DeliveryWindow(models.Model):
    """Créneau de livraison à domicile: a two-hour window of a zone on a date, with the number of customers it can
    take (`capacity`, set by staff) and the number who chose it (`taken`, changed only by `F()` updates in
    `services.windows`: taking the last place is one conditional UPDATE, so two customers never both get it)."""

    zone = models.ForeignKey(
        DeliveryZone, verbose_name=_("delivery zone"), on_delete=models.CASCADE, related_name="windows"
    )
    date = models.DateField(_("date"))
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))
    capacity = models.PositiveIntegerField(_("capacity"))
    taken = models.PositiveIntegerField(_("taken"), default=0, editable=False)

    class Meta:
        verbose_name = _("delivery window")
        verbose_name_plural = _("delivery windows")
        ordering = ["date", "zone_id", "start"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "date", "start"], name="delivery_window_unique_start"),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="delivery_window_ordered"),
            models.CheckConstraint(condition=Q(taken__lte=models.F("capacity")), name="delivery_window_not_overbooked"),
        ]

    def __str__(self) -> str:
        return f"{self.zone} {self.date} {self.start:%H:%M}–{self.end:%H:%M}"

    @property
    def remaining(self) -> int:
        return max(0, self.capacity - self.taken)


# --- Fleet and rounds ---------------------------------------------------------------------------------------------


class VehicleKind(models.TextChoices):
    VAN = "van", _("Van")
    CARGO_BIKE = "cargo_bike", _("Cargo bike")


class Vehicle(models.Model):
    """Véhicule de livraison: a van or a cargo bike, with its capacity (kg and crates), average speed, working hours
    (Europe/Paris) and the weekdays it runs. Every round starts and ends at the depot.

    `allowed_communes` is a JSON list of commune names (matched like delivery zones, ignoring case and accents);
    empty means it may go anywhere. A cargo bike for the Calais centre has `["Calais"]`.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=VehicleKind.choices, default=VehicleKind.VAN)
    operator = models.CharField(_("operated by"), max_length=150, blank=True)
    capacity_kg = models.DecimalField(_("capacity (kg)"), max_digits=7, decimal_places=2)
    capacity_crates = models.PositiveIntegerField(_("capacity (crates)"))
    speed_kmh = models.DecimalField(_("average speed (km/h)"), max_digits=5, decimal_places=1, default=Decimal(40))
    shift_start = models.TimeField(_("working hours start"), default=time(8, 0))
    shift_end = models.TimeField(_("working hours end"), default=time(17, 0))
    weekdays = models.JSONField(_("weekdays it runs"), default=list, help_text=_("0 is Monday, 6 is Sunday."))
    allowed_communes = models.JSONField(
        _("communes it may serve"), default=list, blank=True, help_text=_("Empty: every commune.")
    )
    default_driver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("usual driver"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"groups__name": "driver"},
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity_kg__gt=0), name="vehicle_capacity_kg_positive"),
            models.CheckConstraint(condition=Q(capacity_crates__gt=0), name="vehicle_capacity_crates_positive"),
            models.CheckConstraint(condition=Q(speed_kmh__gt=0), name="vehicle_speed_positive"),
            models.CheckConstraint(condition=Q(shift_end__gt=models.F("shift_start")), name="vehicle_shift_ordered"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not isinstance(self.weekdays, list) or not all(
            isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 6 for d in self.weekdays
        ):
            raise ValidationError({"weekdays": _("Give a list of weekdays, 0 (Monday) to 6 (Sunday).")})
        if not isinstance(self.allowed_communes, list) or not all(
            isinstance(c, str) and c.strip() for c in self.allowed_communes
        ):
            raise ValidationError({"allowed_communes": _("Give a list of commune names.")})
        self.weekdays = sorted(set(self.weekdays))

    def runs_on(self, day: date) -> bool:
        return day.weekday() in (self.weekdays or [])


class RoundStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    STARTED = "started", _("Started")
    FINISHED = "finished", _("Finished")


class Round(models.Model):
    """Tournée: one vehicle's trip from the depot through ordered stops and back, on a date.

    At most one round per vehicle and date (the planner's unit of work). A planned, unlocked round may be replaced
    by re-planning; a started or locked one never is.
    """

    TRANSITIONS: dict[str, set[str]] = {
        RoundStatus.PLANNED: {RoundStatus.STARTED},
        RoundStatus.STARTED: {RoundStatus.FINISHED},
        RoundStatus.FINISHED: set(),
    }

    date = models.DateField(_("date"), db_index=True)
    vehicle = models.ForeignKey(Vehicle, verbose_name=_("vehicle"), on_delete=models.PROTECT, related_name="rounds")
    driver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("driver"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="delivery_rounds",
    )
    status = models.CharField(_("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.PLANNED)
    is_locked = models.BooleanField(_("locked"), default=False, help_text=_("Re-planning leaves a locked round alone."))
    distance_km = models.DecimalField(_("distance (km)"), max_digits=8, decimal_places=2, default=Decimal(0))
    load_kg = models.DecimalField(_("load (kg)"), max_digits=8, decimal_places=2, default=Decimal(0))
    load_crates = models.PositiveIntegerField(_("load (crates)"), default=0)
    planned_start = models.DateTimeField(_("planned departure"))
    planned_end = models.DateTimeField(_("planned return"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["date", "vehicle__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["date", "vehicle"], name="round_one_per_vehicle_and_date"),
            models.CheckConstraint(condition=Q(planned_end__gte=models.F("planned_start")), name="round_times_ordered"),
            models.CheckConstraint(condition=Q(distance_km__gte=0) & Q(load_kg__gte=0), name="round_amounts_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.vehicle}"

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())

    @property
    def is_replaceable(self) -> bool:
        return self.status == RoundStatus.PLANNED and not self.is_locked


class StopKind(models.TextChoices):
    HOME = "home", _("Home delivery")
    PICKUP_POINT = "pickup_point", _("Pickup point")
    VENDING_REFILL = "vending_refill", _("Vending machine refill")


class FailedResolution(models.TextChoices):
    NEXT_DELIVERY_DAY = "next_delivery_day", _("Delivered on the next delivery day")
    PICKUP_POINT = "pickup_point", _("Moved to a pickup point")


class StopStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class FailureReason(models.TextChoices):
    ABSENT = "absent", _("Nobody there")
    REFUSED = "refused", _("Refused")
    ADDRESS_NOT_FOUND = "address_not_found", _("Address not found")
    NO_ACCESS = "no_access", _("No access")
    DAMAGED = "damaged", _("Goods damaged")
    OTHER = "other", _("Other")


class Stop(models.Model):
    """Arrêt: one place a round serves, in `sequence` order (1, 2, …), with its time window, planned arrival (when
    the hand-over begins; the driver waits if early), load and what to hand over.

    `source_key` names the demand the stop serves ("order:12", "point:3"); `orders` are the grocery orders it
    carries (a database reference to `orders.Order`, declared by name: deliveries imports no client app).
    `handover` is a list of `deliveries.ports.Handover.as_json()`: `{"source", "id", "customer", "phone",
    "items": [{"name", "quantity", "unit"}]}`, one shape for every source.
    """

    TRANSITIONS: dict[str, set[str]] = {
        StopStatus.PENDING: {StopStatus.DELIVERED, StopStatus.FAILED},
        StopStatus.DELIVERED: set(),
        StopStatus.FAILED: set(),
    }

    round = models.ForeignKey(Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="stops")
    sequence = models.PositiveSmallIntegerField(_("order in the round"))
    kind = models.CharField(_("kind"), max_length=20, choices=StopKind.choices)
    source_key = models.CharField(_("source"), max_length=60)
    label = models.CharField(_("label"), max_length=200)
    pickup_point = models.ForeignKey(
        PickupPoint, verbose_name=_("pickup point"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    orders = models.ManyToManyField("orders.Order", verbose_name=_("orders"), blank=True, related_name="round_stops")
    address = models.CharField(_("address"), max_length=255, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    commune = models.CharField(_("commune"), max_length=100, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    window_start = models.TimeField(_("window start"), null=True, blank=True)
    window_end = models.TimeField(_("window end"), null=True, blank=True)
    service_minutes = models.PositiveSmallIntegerField(_("hand-over time (minutes)"), default=5)
    arrival_at = models.DateTimeField(_("planned arrival"))
    departure_at = models.DateTimeField(_("planned departure"))
    load_kg = models.DecimalField(_("load (kg)"), max_digits=8, decimal_places=2, default=Decimal(0))
    load_crates = models.PositiveIntegerField(_("load (crates)"), default=0)
    handover = models.JSONField(_("to hand over"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=StopStatus.choices, default=StopStatus.PENDING)
    failure_reason = models.CharField(_("failure reason"), max_length=20, choices=FailureReason.choices, blank=True)
    failure_note = models.CharField(_("failure note"), max_length=255, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    resolution = models.CharField(
        _("what happens to a failed delivery"), max_length=20, choices=FailedResolution.choices, blank=True
    )
    # Proof of delivery (deliveries.proofs): private files, served by an authorised view only.
    received_by = models.CharField(_("received by"), max_length=120, blank=True)
    proof_photo = models.FileField(
        _("proof photo"), storage=proof_storage, upload_to=proof_upload_to, blank=True, max_length=200
    )
    proof_signature = models.FileField(
        _("proof signature"), storage=proof_storage, upload_to=proof_upload_to, blank=True, max_length=200
    )

    class Meta:
        verbose_name = _("stop")
        verbose_name_plural = _("stops")
        ordering = ["round_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["round", "sequence"], name="stop_sequence_unique_in_round"),
            models.UniqueConstraint(fields=["round", "source_key"], name="stop_source_once_in_round"),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="stop_sequence_from_one"),
            models.CheckConstraint(condition=Q(load_kg__gte=0), name="stop_load_not_negative"),
            models.CheckConstraint(
                condition=~Q(status="failed") | ~Q(failure_reason=""), name="stop_failed_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} #{self.sequence} {self.label}"

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())

    @property
    def has_proof(self) -> bool:
        return bool(self.received_by or self.proof_photo or self.proof_signature)


class RoundEventKind(models.TextChoices):
    PLANNED = "planned", _("Planned")
    STATUS = "status", _("Round status")
    STOP_STATUS = "stop_status", _("Stop status")
    REORDERED = "reordered", _("Stops reordered")
    LOCKED = "locked", _("Lock")
    DRIVER = "driver", _("Driver")
    RESOLVED = "resolved", _("Failed delivery resolved")
    MOVED = "moved", _("Stop moved")


class RoundEvent(HistoryEvent):
    """A round's history: who changed what, when, from which value to which. Append-only."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="events")
    stop = models.ForeignKey(Stop, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=RoundEventKind.choices)

    class Meta:
        verbose_name = _("round event")
        verbose_name_plural = _("round events")
        ordering = ["round_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.round_id} {self.kind}: {self.from_value or '∅'} → {self.to_value}"


class PlanningRun(models.Model):
    """One row per delivery date: the row every planning run of that date locks (so two runs never interleave), with
    what the last run left unassigned (`unassigned`: `[{"source_key", "label", "reason"}]`)."""

    date = models.DateField(_("date"), unique=True)
    planned_at = models.DateTimeField(_("last planned at"), null=True, blank=True)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    runs = models.PositiveIntegerField(_("runs"), default=0)
    auto_planned_at = models.DateTimeField(
        _("planned by the scheduler at"),
        null=True,
        blank=True,
        help_text=_("Set once the scheduled planning and the arrival emails for this date are done."),
    )
    unassigned = models.JSONField(_("unassigned stops"), default=list, blank=True)

    class Meta:
        verbose_name = _("planning run")
        verbose_name_plural = _("planning runs")
        ordering = ["-date"]

    def __str__(self) -> str:
        return str(self.date)


class PlanningJobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class PlanningJob(models.Model):
    """A planning run asked for through the API: queued by the request (202), run by a Celery task, polled by the
    client. The solver runs in the task, outside any transaction; the plan is written only if the inputs it was
    computed from did not change meanwhile (`fingerprint`). `result` is `{"rounds": [ids], "kept": [ids]}`;
    `unassigned` the stops the solver could not place, with their reasons; `error_code` why a run failed."""

    ACTIVE = (PlanningJobStatus.QUEUED, PlanningJobStatus.RUNNING)

    date = models.DateField(_("date"), db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PlanningJobStatus.choices, default=PlanningJobStatus.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    fingerprint = models.CharField(_("inputs fingerprint"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("solver runs"), default=0)
    result = models.JSONField(_("result"), default=dict, blank=True)
    unassigned = models.JSONField(_("unassigned stops"), default=list, blank=True)
    error_code = models.CharField(_("error code"), max_length=60, blank=True)
    error_detail = models.CharField(_("error"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("planning job")
        verbose_name_plural = _("planning jobs")
        ordering = ["-created_at", "-id"]
        constraints = [
            # At most one planning job queued or running per date: a replayed or concurrent request gets that one.
            models.UniqueConstraint(
                fields=["date"], condition=Q(status__in=["queued", "running"]), name="planning_job_one_active_per_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.status}"


class BanAddress(models.Model):
    """Adresse de la Base Adresse Nationale: one line of the BAN's open CSV of a département, imported by
    `manage.py import_ban` (deliveries.geocoding.ban_import), searched by the offline geocoder (`GEOCODER_URL` empty).

    `street_search`, `commune_search` and `search` hold the lower-cased, unaccented forms the geocoder compares
    (`deliveries.geocoding.address_normalise`), computed at import so a search is accent-insensitive without
    `unaccent`; `search` has a trigram index for the suggestions typed as you go.
    """

    id = models.CharField(_("BAN key"), max_length=60, primary_key=True)
    number = models.PositiveIntegerField(_("number"))
    repetition = models.CharField(_("repetition index"), max_length=10, blank=True)
    street = models.CharField(_("street"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=5)
    citycode = models.CharField(_("INSEE code"), max_length=5)
    commune = models.CharField(_("commune"), max_length=100)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    street_search = models.CharField(max_length=200, editable=False)
    commune_search = models.CharField(max_length=100, editable=False)
    search = models.CharField(max_length=400, editable=False)

    class Meta:
        verbose_name = _("BAN address")
        verbose_name_plural = _("BAN addresses")
        indexes = [
            models.Index(fields=["commune_search", "street_search"], name="ban_commune_street"),
            models.Index(fields=["postcode"], name="ban_postcode"),
            GinIndex(fields=["search"], opclasses=["gin_trgm_ops"], name="ban_search_trgm"),
        ]

    def __str__(self) -> str:
        return f"{self.number}{self.repetition and ' ' + self.repetition} {self.street}, {self.postcode} {self.commune}"


class SavedAddress(models.Model):
    """Adresse enregistrée: a customer's home-delivery address, kept for the next orders. Its coordinates always come
    from the geocoder and its commune is served by a zone when it is saved (`services.addresses`); a zone closed
    later is checked again when an order uses it. At most one default per customer (a partial unique index)."""

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="saved_addresses"
    )
    label = models.CharField(_("name"), max_length=60, help_text=_("E.g. Home, Work."))
    street = models.CharField(_("number and street"), max_length=255)
    postcode = models.CharField(_("postcode"), max_length=5)
    commune = models.CharField(_("commune"), max_length=100)
    citycode = models.CharField(_("INSEE code"), max_length=5, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    is_default = models.BooleanField(_("default address"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("saved address")
        verbose_name_plural = _("saved addresses")
        ordering = ["-is_default", "label", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"], condition=Q(is_default=True), name="saved_address_one_default_per_customer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.street}, {self.postcode} {self.commune}"
