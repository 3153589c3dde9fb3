"""Légumerie-conserverie: the shared workshop that farmers book, and the lots that come out of it.

A `Booking` is one producer's request for one slot (créneau) on one or more pieces of equipment: it has one
`BookingLine` per equipment. The lines carry what the overlap rule needs (equipment, interval, the interval extended
by the cleaning buffer, whether the line still occupies the equipment), so that on PostgreSQL an exclusion
constraint (created by migration 0002, PostgreSQL only) refuses two active lines whose buffered intervals overlap on
the same exclusive equipment. Equipment with a capacity (the autoclave: jars per cycle) is shared by jars instead.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ecopole.core.fields import TEXT_MAX_LENGTH

# The PostgreSQL exclusion constraint on BookingLine (see migrations/0002): its name is matched to turn an
# IntegrityError into the 409 `slot_taken` error.
NO_OVERLAP_CONSTRAINT = "processing_line_no_overlap"


class EquipmentKind(models.TextChoices):
    WASHING_LINE = "washing_line", _("Washing and peeling line")
    CUTTING = "cutting", _("Cutting and vacuum-packing")
    AUTOCLAVE = "autoclave", _("Autoclave")
    COLD_ROOM = "cold_room", _("Cold room")
    OTHER = "other", _("Other")


class ConsumableUnit(models.TextChoices):
    NONE = "", _("none")
    JAR = "jar", _("per jar")
    KG = "kg", _("per kg")


class Equipment(models.Model):
    """Équipement de la légumerie-conserverie, booked by slots (half-days by default)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=130, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=EquipmentKind.choices, default=EquipmentKind.OTHER)
    description = models.CharField(_("description"), max_length=TEXT_MAX_LENGTH, blank=True)
    hourly_rate = models.DecimalField(
        _("hourly rate (€)"), max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    consumable_rate = models.DecimalField(
        _("consumables rate (€)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    consumable_unit = models.CharField(
        _("consumables unit"), max_length=5, choices=ConsumableUnit.choices, default=ConsumableUnit.NONE, blank=True
    )
    cleaning_buffer_minutes = models.PositiveSmallIntegerField(
        _("cleaning buffer (minutes)"),
        default=30,
        help_text=_("Time blocked after each booking so that the equipment is cleaned before the next producer."),
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"), default=240, help_text=_("240 minutes: half-day slots.")
    )
    capacity = models.PositiveIntegerField(
        _("capacity (jars per cycle)"),
        null=True,
        blank=True,
        help_text=_("Set for equipment shared by jars (the autoclave): several producers may fill one cycle."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(slot_minutes__gt=0), name="processing_equipment_slot_positive"),
            models.CheckConstraint(condition=Q(hourly_rate__gte=0), name="processing_equipment_rate_not_negative"),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gt=0), name="processing_equipment_capacity_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_shared(self) -> bool:
        return self.capacity is not None

    @property
    def buffer(self) -> timedelta:
        return timedelta(minutes=self.cleaning_buffer_minutes)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningHours(models.Model):
    """Horaires d'ouverture: one opening period of a weekday (a day may have a morning and an afternoon)."""

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens_at"]
        constraints = [
            models.UniqueConstraint(fields=["weekday", "opens_at"], name="processing_opening_unique"),
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="processing_opening_order"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class ClosedDay(models.Model):
    """Jour de fermeture: a day the workshop is closed (holidays, maintenance), on top of French public holidays."""

    date = models.DateField(_("date"), unique=True)
    reason = models.CharField(_("reason"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.reason}".strip()


class Process(models.TextChoices):
    WASHING_CUTTING = "washing_cutting", _("Washing and cutting")
    SOUP = "soup", _("Soup")
    SAUCE = "sauce", _("Sauce")
    RATATOUILLE = "ratatouille", _("Ratatouille")
    JUICE = "juice", _("Juice")
    CANNING = "canning", _("Canning")


# Best-before (DDM) in days after production when no ProcessShelfLife row says otherwise.
DEFAULT_SHELF_LIFE_DAYS = {
    Process.WASHING_CUTTING: 5,
    Process.SOUP: 365,
    Process.SAUCE: 540,
    Process.RATATOUILLE: 540,
    Process.JUICE: 365,
    Process.CANNING: 730,
}


class ProcessShelfLife(models.Model):
    """How long the products of a process keep: sets the best-before date (DDM) of its lots."""

    process = models.CharField(_("process"), max_length=20, choices=Process.choices, unique=True)
    best_before_days = models.PositiveIntegerField(_("best before (days after production)"))

    class Meta:
        verbose_name = _("shelf life of a process")
        verbose_name_plural = _("shelf lives of processes")
        ordering = ["process"]

    def __str__(self) -> str:
        return f"{self.get_process_display()}: {self.best_before_days} j"


class BookingStatus(models.TextChoices):
    WAITING = "waiting", _("On the waiting list")
    HELD = "held", _("Offered, held for the producer")
    REQUESTED = "requested", _("Requested")
    CONFIRMED = "confirmed", _("Confirmed")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("No-show")
    EXPIRED = "expired", _("Expired")


# Statuses whose lines occupy the equipment (and count in the weekly quota).
ACTIVE_STATUSES = frozenset(
    {BookingStatus.HELD, BookingStatus.REQUESTED, BookingStatus.CONFIRMED, BookingStatus.COMPLETED}
)


class Booking(models.Model):
    """Réservation d'un créneau de la légumerie-conserverie by a producer, on one or more equipment.

    Lifecycle: requested → confirmed (staff) → completed; requested/confirmed → cancelled; confirmed → no_show.
    The waiting list uses the same row: waiting → held (offered when the slot frees) → requested, or expired.
    """

    TRANSITIONS = {
        BookingStatus.WAITING: {BookingStatus.HELD, BookingStatus.CANCELLED, BookingStatus.EXPIRED},
        BookingStatus.HELD: {BookingStatus.REQUESTED, BookingStatus.CANCELLED, BookingStatus.EXPIRED},
        BookingStatus.REQUESTED: {BookingStatus.CONFIRMED, BookingStatus.CANCELLED},
        BookingStatus.CONFIRMED: {BookingStatus.COMPLETED, BookingStatus.CANCELLED, BookingStatus.NO_SHOW},
    }

    producer = models.ForeignKey("catalogue.Producer", on_delete=models.PROTECT, related_name="workshop_bookings")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(
        _("status"), max_length=12, choices=BookingStatus.choices, default=BookingStatus.REQUESTED, db_index=True
    )
    process = models.CharField(_("process"), max_length=20, choices=Process.choices)
    raw_product = models.ForeignKey(
        "catalogue.Product",
        verbose_name=_("raw product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    raw_product_name = models.CharField(_("raw product"), max_length=150)
    raw_quantity_kg = models.DecimalField(_("raw quantity (kg)"), max_digits=10, decimal_places=3)
    expected_output = models.CharField(_("expected output"), max_length=200, blank=True)
    jars = models.PositiveIntegerField(_("jars"), null=True, blank=True, help_text=_("Jars for the autoclave."))
    organic = models.BooleanField(_("organic batch (AB)"), default=False)
    needs_technician = models.BooleanField(_("needs a technician"), default=False)
    notes = models.CharField(_("notes"), max_length=TEXT_MAX_LENGTH, blank=True)
    hold_expires_at = models.DateTimeField(_("offer held until"), null=True, blank=True)
    hours_used = models.DecimalField(_("hours used"), max_digits=6, decimal_places=2, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["producer", "starts_at"]), models.Index(fields=["status", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="processing_booking_order"),
            models.CheckConstraint(condition=Q(raw_quantity_kg__gt=0), name="processing_booking_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.producer} {self.starts_at:%Y-%m-%d %H:%M} ({self.status})"

    def can_become(self, target: str) -> bool:
        return target in self.TRANSITIONS.get(self.status, set())

    @property
    def hours(self) -> Decimal:
        return (Decimal((self.ends_at - self.starts_at).total_seconds()) / Decimal(3600)).quantize(Decimal("0.01"))


class BookingLine(models.Model):
    """One equipment of a booking. `blocked_until` is the end plus the equipment's cleaning buffer."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="lines")
    equipment = models.ForeignKey(Equipment, on_delete=models.PROTECT, related_name="booking_lines")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    blocked_until = models.DateTimeField()
    is_active = models.BooleanField(default=False, help_text="The booking's status occupies the equipment.")
    exclusive = models.BooleanField(default=True, help_text="False on shared equipment (capacity in jars).")
    jars = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("booking line")
        verbose_name_plural = _("booking lines")
        ordering = ["booking_id", "equipment_id"]
        indexes = [models.Index(fields=["equipment", "starts_at"])]
        constraints = [
            models.UniqueConstraint(fields=["booking", "equipment"], name="processing_line_unique_equipment"),
            models.CheckConstraint(condition=Q(blocked_until__gte=models.F("ends_at")), name="processing_line_buffer"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="processing_line_order"),
        ]

    def __str__(self) -> str:
        return f"{self.equipment} {self.starts_at:%Y-%m-%d %H:%M}"


class BookingEvent(models.Model):
    """Journal: one row per change of status of a booking (who, when, from, to). Append-only."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(_("from"), max_length=12, choices=BookingStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=BookingStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(_("at"))
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("booking event")
        verbose_name_plural = _("booking events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"#{self.booking_id} {self.from_status or '∅'} → {self.to_status}"


class LotSequence(models.Model):
    """The daily counter of lot numbers, locked and incremented with F() so two completions never collide."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("lot sequence")
        verbose_name_plural = _("lot sequences")

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class LotUnit(models.TextChoices):
    JAR = "jar", _("jar")
    KG = "kg", _("kilogram")
    LITRE = "litre", _("litre")


class Lot(models.Model):
    """Lot (numéro de lot) of a workshop output, e.g. `LC-20261129-003`: 240 jars of soup of 75 cl."""

    code = models.CharField(_("lot number"), max_length=20, unique=True)
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="lots")
    producer = models.ForeignKey("catalogue.Producer", on_delete=models.PROTECT, related_name="workshop_lots")
    process = models.CharField(_("process"), max_length=20, choices=Process.choices)
    product = models.ForeignKey(
        "catalogue.Product",
        verbose_name=_("catalogue product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="workshop_lots",
        help_text=_("Set when the producer sells this output through the grocery: completion stocks it."),
    )
    description = models.CharField(_("description"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=5, choices=LotUnit.choices, default=LotUnit.JAR)
    container = models.CharField(_("container"), max_length=50, blank=True, help_text=_("e.g. 75 cl jar"))
    production_date = models.DateField(_("production date"))
    best_before = models.DateField(_("best before (DDM)"))
    organic = models.BooleanField(_("organic (AB)"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["-production_date", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="processing_lot_quantity_positive"),
            models.CheckConstraint(
                condition=Q(best_before__gte=models.F("production_date")), name="processing_lot_best_before_after"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class LotInput(models.Model):
    """A raw input of a lot: which raw product, how many kg, from which field."""

    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="inputs")
    raw_product = models.ForeignKey(
        "catalogue.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("raw product"), max_length=150)
    quantity_kg = models.DecimalField(_("quantity (kg)"), max_digits=10, decimal_places=3)
    origin = models.CharField(_("origin (field, parcel)"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("lot input")
        verbose_name_plural = _("lot inputs")
        ordering = ["lot_id", "id"]
        constraints = [models.CheckConstraint(condition=Q(quantity_kg__gt=0), name="processing_input_positive")]

    def __str__(self) -> str:
        return f"{self.lot}: {self.name} {self.quantity_kg} kg"


class RecallStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested by the producer")
    CONFIRMED = "confirmed", _("Recalled")


class LotRecall(models.Model):
    """Rappel de lot: a lot withdrawn from sale and its customers told.

    A producer member may request it; a manager confirms it (or recalls at once). On confirmation, in one
    transaction, the lot's stock is blocked, the vending compartments holding it are flagged for removal, one email
    per customer who received it is queued and `report` stores who got how much and when (see
    `processing.services.recall`).
    """

    lot = models.OneToOneField(Lot, on_delete=models.PROTECT, related_name="recall")
    status = models.CharField(_("status"), max_length=12, choices=RecallStatus.choices)
    reason = models.CharField(_("reason"), max_length=TEXT_MAX_LENGTH)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("recalled at"), null=True, blank=True)
    blocked_quantity = models.DecimalField(_("quantity blocked in stock"), max_digits=12, decimal_places=3, default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)

    class Meta:
        verbose_name = _("lot recall")
        verbose_name_plural = _("lot recalls")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="requested") | Q(confirmed_at__isnull=False), name="processing_recall_confirmed_at"
            )
        ]

    def __str__(self) -> str:
        return f"{self.lot}: {self.get_status_display()}"


class BillingKind(models.TextChoices):
    USAGE = "usage", _("Equipment use")
    CONSUMABLES = "consumables", _("Consumables")
    LATE_CANCELLATION = "late_cancellation", _("Late cancellation")
    NO_SHOW = "no_show", _("No-show")


class Statement(models.Model):
    """Relevé mensuel: a producer's monthly statement of workshop charges. One per (producer, month)."""

    producer = models.ForeignKey("catalogue.Producer", on_delete=models.PROTECT, related_name="workshop_statements")
    month = models.DateField(_("month"), help_text=_("First day of the month."))
    total = models.DecimalField(_("total (€)"), max_digits=10, decimal_places=2)
    data = models.JSONField(_("content"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("monthly statement")
        verbose_name_plural = _("monthly statements")
        ordering = ["-month", "producer_id"]
        constraints = [
            models.UniqueConstraint(fields=["producer", "month"], name="processing_statement_unique_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="processing_statement_first_of_month"),
        ]

    def __str__(self) -> str:
        return f"{self.producer} {self.month:%Y-%m}"


class BillingLine(models.Model):
    """A priced line of the workshop's billing (Decimal, 2 places), gathered into a monthly statement."""

    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="billing_lines")
    producer = models.ForeignKey("catalogue.Producer", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=BillingKind.choices)
    equipment = models.ForeignKey(Equipment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("description"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=3)
    unit_price = models.DecimalField(_("unit price (€)"), max_digits=8, decimal_places=2)
    amount = models.DecimalField(_("amount (€)"), max_digits=10, decimal_places=2)
    billed_on = models.DateField(_("billed on"))
    statement = models.ForeignKey(Statement, null=True, blank=True, on_delete=models.PROTECT, related_name="lines")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("billing line")
        verbose_name_plural = _("billing lines")
        ordering = ["billed_on", "id"]
        indexes = [models.Index(fields=["producer", "billed_on"])]
        constraints = [
            # One line of a kind per booking and equipment: completing or cancelling twice cannot bill twice.
            models.UniqueConstraint(
                fields=["booking", "kind", "equipment"], name="processing_billing_unique_per_equipment"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="processing_billing_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount} €"


class CalendarFeed(models.Model):
    """Private iCalendar feed: a secret URL for a producer's bookings, or (producer empty) the whole workshop."""

    producer = models.ForeignKey(
        "catalogue.Producer", null=True, blank=True, on_delete=models.CASCADE, related_name="workshop_feeds"
    )
    token = models.CharField(max_length=64, unique=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["producer"], condition=Q(is_active=True), name="processing_feed_one_active_per_producer"
            ),
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True, producer__isnull=True),
                name="processing_feed_one_active_workshop",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.producer or _('Workshop')} ({'active' if self.is_active else 'revoked'})"
