"""Distributeur automatique de légumes: machines, compartments (casiers), their stock, sales and refills.

How the machine's stock fits the catalogue ledger (`catalogue.services.stock`): the catalogue ledger tracks ONE level
per product, the main stock. A refill takes units out of the main stock with a `vending_transfer` movement whose
source is the `Refill`; from then on the units belong to the machine and are tracked here: `Compartment.quantity` is
the running sum of the compartment's append-only `CompartmentMovement`s (refill +, sale −, loss −, adjustment ±),
changed with F() under a row lock in the same transaction as the movement, never below zero (CHECK constraint).
Sales and losses at the machine therefore do NOT write catalogue movements (that would count them twice). For every
product, main stock + machine stock == (catalogue movements other than vending transfers) + (vending movements other
than refills); `vending.services.stock.vending_check_ledger` verifies this and that each compartment equals its ledger.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

QUANTITY = {"max_digits": 12, "decimal_places": 3}
MONEY = {"max_digits": 10, "decimal_places": 2}


class Machine(models.Model):
    """Distributeur automatique: a vending machine at a place, with lockers or spiral slots.

    Its API credential is a random key shown once (on creation or rotation); only its SHA-256 hash is stored. A key
    of 256 random bits needs no salt nor slow hash: nobody can brute-force it, and the hash makes lookup one indexed
    query. `api_key_prefix` (the key's first characters) lets staff tell keys apart in the admin.
    """

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=130, unique=True)
    place = models.CharField(_("place"), max_length=200, help_text=_("Where to find it, as a customer reads it."))
    address = models.CharField(_("address"), max_length=255, blank=True)
    commune = models.CharField(_("commune"), max_length=100)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    at_depot = models.BooleanField(
        _("at the depot"),
        default=False,
        help_text=_("A machine at the depot is refilled on site; the others need a stop in a delivery round."),
    )
    open_all_day = models.BooleanField(_("open 24/7"), default=False)
    pickup_point = models.OneToOneField(
        "deliveries.PickupPoint",
        verbose_name=_("pickup point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="vending_machine",
        limit_choices_to={"kind": "vending_machine"},
        help_text=_(
            "The pickup point (of kind vending machine) customers choose to collect an order from one of its lockers."
        ),
    )
    freshness_days = models.PositiveSmallIntegerField(
        _("freshness limit (days)"),
        default=3,
        help_text=_("Fresh produce older than this in a compartment is flagged for removal."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    api_key_hash = models.CharField(
        _("API key hash"), max_length=64, unique=True, null=True, blank=True, editable=False
    )
    api_key_prefix = models.CharField(_("API key prefix"), max_length=12, blank=True, editable=False)
    api_key_rotated_at = models.DateTimeField(_("API key rotated at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vending machine")
        verbose_name_plural = _("vending machines")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.pickup_point_id and self.pickup_point.kind != "vending_machine":
            raise ValidationError({"pickup_point": _("Choose a pickup point of the kind “vending machine”.")})

    def is_open_at(self, moment: dt.datetime) -> bool:
        """Uses `opening_periods.all()`: prefetch them (the selectors do) to stay at a constant query count."""
        if not self.is_active:
            return False
        if self.open_all_day:
            return True
        local = timezone.localtime(moment)
        weekday, time_of_day = local.weekday(), local.time()
        return any(
            period.weekday == weekday and period.opens_at <= time_of_day < period.closes_at
            for period in self.opening_periods.all()
        )


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningPeriod(models.Model):
    """One opening period of a machine on a weekday (Europe/Paris local time); several per day are allowed."""

    machine = models.ForeignKey(Machine, on_delete=models.CASCADE, related_name="opening_periods")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))

    class Meta:
        verbose_name = _("opening period")
        verbose_name_plural = _("opening periods")
        ordering = ["machine", "weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(condition=Q(opens_at__lt=models.F("closes_at")), name="vending_period_order"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="vending_period_weekday"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class CompartmentKind(models.TextChoices):
    LOCKER = "locker", _("Locker (one lot)")
    SPIRAL = "spiral", _("Spiral slot (several units)")


class Compartment(models.Model):
    """Casier: a locker or a spiral slot of a machine. `quantity` is in the product's unit, the sum of its ledger.

    It holds one product at a time: the product may change only when the compartment is empty.
    """

    machine = models.ForeignKey(Machine, on_delete=models.CASCADE, related_name="compartments")
    code = models.CharField(_("code"), max_length=8, help_text=_("As printed on the machine, e.g. A1."))
    kind = models.CharField(_("kind"), max_length=10, choices=CompartmentKind.choices, default=CompartmentKind.LOCKER)
    capacity = models.DecimalField(_("capacity"), default=Decimal("1"), **QUANTITY)
    low_threshold = models.DecimalField(
        _("refill threshold"),
        default=Decimal("0"),
        help_text=_("A refill is requested when the quantity is at or below this."),
        **QUANTITY,
    )
    product = models.ForeignKey(
        "catalogue.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="vending_compartments",
    )
    quantity = models.DecimalField(_("quantity"), default=Decimal("0"), editable=False, **QUANTITY)
    price = models.DecimalField(
        _("price incl. VAT per unit"),
        null=True,
        blank=True,
        help_text=_("The machine's price, which may differ from the grocery's."),
        **MONEY,
    )
    filled_at = models.DateTimeField(_("filled at"), null=True, blank=True, editable=False)
    # Set when a lot it may hold is recalled (processing): everything in it is removed at the next round.
    recall_flagged_at = models.DateTimeField(_("flagged for removal (recall)"), null=True, blank=True, editable=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("compartment")
        verbose_name_plural = _("compartments")
        ordering = ["machine", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["machine", "code"], name="vending_compartment_code_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="vending_compartment_never_negative"),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="vending_compartment_capacity_positive"),
            models.CheckConstraint(condition=Q(low_threshold__gte=0), name="vending_compartment_threshold"),
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gt=0), name="vending_compartment_price_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.machine} {self.code}"


class Refill(models.Model):
    """Réassort: staff put `quantity` of `product` into a compartment; the same quantity left the main stock."""

    compartment = models.ForeignKey(Compartment, on_delete=models.PROTECT, related_name="refills")
    product = models.ForeignKey("catalogue.Product", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    price = models.DecimalField(_("price incl. VAT per unit"), **MONEY)
    refill_request = models.ForeignKey(
        "RefillRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="refills"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("refill")
        verbose_name_plural = _("refills")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="vending_refill_positive")]

    def __str__(self) -> str:
        return f"{self.compartment} +{self.quantity} {self.product}"


class SaleReview(models.TextChoices):
    OK = "ok", _("Trusted")
    FLAGGED = "flagged", _("Flagged: held out of revenue")
    ACCEPTED = "accepted", _("Accepted by staff")


class Sale(models.Model):
    """A sale reported by the machine. (machine, transaction_id) is unique: a retried report is recorded once.

    `quantity` is what the machine says it sold; `recorded_quantity` what the backend could take out of the
    compartment (less when it believed the compartment empty: then an `Anomaly` says so). A sale that cannot be
    trusted (amount ≠ quantity × the compartment's price, unknown compartment, dated in the future or long before
    receipt) is recorded all the same but `flagged`, with an `Anomaly` per reason, and counts in no revenue until
    staff accept it (`accepted`, with who and when).
    """

    machine = models.ForeignKey(Machine, on_delete=models.PROTECT, related_name="sales")
    transaction_id = models.CharField(_("transaction id"), max_length=64)
    compartment = models.ForeignKey(Compartment, null=True, blank=True, on_delete=models.PROTECT, related_name="sales")
    compartment_code = models.CharField(_("compartment code"), max_length=8)
    product = models.ForeignKey(
        "catalogue.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="vending_sales"
    )
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    recorded_quantity = models.DecimalField(_("quantity taken from stock"), **QUANTITY)
    amount = models.DecimalField(_("amount incl. VAT"), **MONEY)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=4, decimal_places=2, default=Decimal("5.50"))
    sold_at = models.DateTimeField(_("sold at"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    review = models.CharField(_("review"), max_length=10, choices=SaleReview.choices, default=SaleReview.OK)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sale")
        verbose_name_plural = _("sales")
        ordering = ["-sold_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["machine", "transaction_id"], name="vending_sale_transaction_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="vending_sale_quantity_positive"),
            models.CheckConstraint(condition=Q(recorded_quantity__gte=0), name="vending_sale_recorded_positive"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="vending_sale_amount_positive"),
        ]
        indexes = [
            models.Index(fields=["machine", "sold_at"]),
            models.Index(fields=["review"], condition=Q(review="flagged"), name="vending_sale_flagged"),
        ]

    def __str__(self) -> str:
        return f"{self.machine} {self.transaction_id}"

    @property
    def counts_in_revenue(self) -> bool:
        return self.review != SaleReview.FLAGGED


class InventoryCount(models.Model):
    """The machine's own count of its compartments. (machine, count_id) is unique: a retried report is a no-op."""

    machine = models.ForeignKey(Machine, on_delete=models.PROTECT, related_name="inventory_counts")
    count_id = models.CharField(_("count id"), max_length=64)
    counted_at = models.DateTimeField(_("counted at"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("inventory count")
        verbose_name_plural = _("inventory counts")
        ordering = ["-counted_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["machine", "count_id"], name="vending_count_unique")]

    def __str__(self) -> str:
        return f"{self.machine} {self.count_id}"


class Removal(models.Model):
    """Unsold produce taken out of a compartment by staff (too old, damaged): a loss of the machine stock."""

    compartment = models.ForeignKey(Compartment, on_delete=models.PROTECT, related_name="removals")
    product = models.ForeignKey("catalogue.Product", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("removal (loss)")
        verbose_name_plural = _("removals (losses)")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="vending_removal_positive")]

    def __str__(self) -> str:
        return f"{self.compartment} -{self.quantity} {self.product}"


class MovementKind(models.TextChoices):
    REFILL = "refill", _("Refill")
    SALE = "sale", _("Sale")
    LOSS = "loss", _("Loss (removal)")
    ADJUSTMENT = "adjustment", _("Inventory adjustment")


class CompartmentMovement(models.Model):
    """The machine stock ledger: append-only, one signed line per change of a compartment's quantity.

    `unit_price` is the compartment's price at that moment (values losses in reports). Exactly one of refill, sale,
    removal, inventory_count says what caused it.
    """

    compartment = models.ForeignKey(Compartment, on_delete=models.PROTECT, related_name="movements")
    product = models.ForeignKey("catalogue.Product", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=MovementKind.choices)
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    unit_price = models.DecimalField(_("unit price incl. VAT"), null=True, blank=True, **MONEY)
    refill = models.ForeignKey(Refill, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    sale = models.ForeignKey(Sale, null=True, blank=True, on_delete=models.PROTECT, related_name="movements")
    removal = models.ForeignKey(Removal, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    inventory_count = models.ForeignKey(
        InventoryCount, null=True, blank=True, on_delete=models.PROTECT, related_name="movements"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("compartment movement")
        verbose_name_plural = _("compartment movements")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(quantity=0), name="vending_movement_not_zero")]

    def __str__(self) -> str:
        return f"{self.compartment} {self.quantity:+} ({self.kind})"


class AnomalyKind(models.TextChoices):
    SALE_FROM_EMPTY = "sale_from_empty", _("Sale from a compartment believed empty")
    UNKNOWN_COMPARTMENT = "unknown_compartment", _("Sale from an unknown compartment")
    INVENTORY_DIFFERENCE = "inventory_difference", _("Count differs from the ledger")
    UNKNOWN_COUNTED_COMPARTMENT = "unknown_counted_compartment", _("Count of an unknown compartment")
    AMOUNT_MISMATCH = "amount_mismatch", _("Amount differs from quantity × the compartment's price")
    SOLD_IN_FUTURE = "sold_in_future", _("Sale dated in the future")
    SOLD_LONG_BEFORE_RECEIPT = "sold_long_before_receipt", _("Sale received long after its date")


class Anomaly(models.Model):
    """Something the machine reported that the backend did not expect: recorded for staff, never refused."""

    machine = models.ForeignKey(Machine, on_delete=models.PROTECT, related_name="anomalies")
    compartment = models.ForeignKey(
        Compartment, null=True, blank=True, on_delete=models.PROTECT, related_name="anomalies"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=AnomalyKind.choices)
    sale = models.ForeignKey(Sale, null=True, blank=True, on_delete=models.PROTECT, related_name="anomalies")
    inventory_count = models.ForeignKey(
        InventoryCount, null=True, blank=True, on_delete=models.PROTECT, related_name="anomalies"
    )
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("anomaly")
        verbose_name_plural = _("anomalies")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.machine} {self.kind}"


class RefillRequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PLANNED = "planned", _("Planned in a round")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class RefillRequest(models.Model):
    """Demande de réassort: what a machine needs, found by the daily check. One per machine per day.

    The delivery rounds turn it into a stop: `machine.latitude/longitude` is where, `load_kg` how heavy. Status moves
    open → planned (a round took it) → done (refilled), or to cancelled; every change writes a `RefillRequestEvent`.
    """

    TRANSITIONS = {
        RefillRequestStatus.OPEN: {
            RefillRequestStatus.PLANNED,
            RefillRequestStatus.DONE,
            RefillRequestStatus.CANCELLED,
        },
        RefillRequestStatus.PLANNED: {
            RefillRequestStatus.OPEN,
            RefillRequestStatus.DONE,
            RefillRequestStatus.CANCELLED,
        },
        RefillRequestStatus.DONE: set(),
        RefillRequestStatus.CANCELLED: set(),
    }

    machine = models.ForeignKey(Machine, on_delete=models.PROTECT, related_name="refill_requests")
    date = models.DateField(_("date"))
    status = models.CharField(
        _("status"), max_length=16, choices=RefillRequestStatus.choices, default=RefillRequestStatus.OPEN
    )
    load_kg = models.DecimalField(_("load (kg)"), max_digits=8, decimal_places=2, default=Decimal("0"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("refill request")
        verbose_name_plural = _("refill requests")
        ordering = ["-date", "machine_id"]
        constraints = [
            models.UniqueConstraint(fields=["machine", "date"], name="vending_refill_request_one_per_day"),
            models.CheckConstraint(condition=Q(load_kg__gte=0), name="vending_refill_request_load"),
        ]

    def __str__(self) -> str:
        return f"{self.machine} {self.date}"

    def can_become(self, target: str) -> bool:
        return target in self.TRANSITIONS.get(RefillRequestStatus(self.status), set())


class RefillReason(models.TextChoices):
    LOW = "low", _("Below the refill threshold")
    STALE = "stale", _("Older than the freshness limit")


class RefillRequestLine(models.Model):
    """One compartment to deal with: take out `remove_quantity` (stale produce), put in `suggested_quantity`."""

    refill_request = models.ForeignKey(RefillRequest, on_delete=models.CASCADE, related_name="lines")
    compartment = models.ForeignKey(Compartment, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey("catalogue.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=10, choices=RefillReason.choices)
    current_quantity = models.DecimalField(_("quantity in the compartment"), **QUANTITY)
    remove_quantity = models.DecimalField(_("quantity to remove"), default=Decimal("0"), **QUANTITY)
    suggested_quantity = models.DecimalField(_("suggested quantity"), **QUANTITY)

    class Meta:
        verbose_name = _("refill request line")
        verbose_name_plural = _("refill request lines")
        ordering = ["refill_request", "compartment__position", "compartment__code"]
        constraints = [
            models.UniqueConstraint(fields=["refill_request", "compartment"], name="vending_refill_line_unique"),
            models.CheckConstraint(condition=Q(suggested_quantity__gte=0), name="vending_refill_line_qty"),
        ]

    def __str__(self) -> str:
        return f"{self.compartment}: {self.suggested_quantity}"


class RefillRequestEvent(models.Model):
    """Who moved a refill request from one status to another, and when."""

    refill_request = models.ForeignKey(RefillRequest, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(_("from"), max_length=16, blank=True)
    to_status = models.CharField(_("to"), max_length=16)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("refill request event")
        verbose_name_plural = _("refill request events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.refill_request}: {self.from_status or '∅'} → {self.to_status}"


class LockerState(models.TextChoices):
    WAITING = "waiting", _("Waiting in the locker")
    LOCKED_OUT = "locked_out", _("Blocked after wrong codes")
    COLLECTED = "collected", _("Collected")
    EXPIRED = "expired", _("Not collected in time")
    FREED = "freed", _("Taken back by staff")


class LockerReservation(models.Model):
    """Click and collect: a grocery order waiting in a locker, opened by a one-time 6-digit code.

    The code is hashed with Django's password hashers (`make_password`: per-row salt, Argon2 in production), so even
    someone reading the database must pay one Argon2 run per guess of the 10^6 codes; the machine checks one code per
    request, so the cost is harmless there. Wrong codes are counted per reservation (i.e. per locker) with F() under a
    row lock; at `VENDING_UNLOCK_MAX_TRIES` the reservation is locked out and only staff can release it.

    At most one active reservation per compartment, and per order (partial unique constraints). The orders app loads
    orders into lockers (`orders.services.locker`, through `vending.ports`) and is told of collections and expiries
    through two signals it connects (`vending.signals`). `order` stays a foreign key to `orders.Order`: a database
    reference (integrity, PROTECT, the orders' `locker_reservations` prefetch) declared by name, no Python import.
    """

    compartment = models.ForeignKey(Compartment, on_delete=models.PROTECT, related_name="reservations")
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        related_name="locker_reservations",
    )
    code_hash = models.CharField(_("code hash"), max_length=255, editable=False)
    pickup_date = models.DateField(_("pickup date"))
    valid_until = models.DateTimeField(_("valid until"))
    failed_attempts = models.PositiveSmallIntegerField(_("wrong codes"), default=0)
    locked_out = models.BooleanField(_("locked out"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    expired_at = models.DateTimeField(_("expired at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("locker reservation")
        verbose_name_plural = _("locker reservations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["compartment"], condition=Q(is_active=True), name="vending_one_active_reservation"
            ),
            models.UniqueConstraint(
                fields=["order"], condition=Q(is_active=True), name="vending_one_active_locker_per_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.compartment} order {self.order_id}"

    @property
    def state(self) -> str:
        if self.opened_at:
            return LockerState.COLLECTED
        if self.expired_at:
            return LockerState.EXPIRED
        if not self.is_active:
            return LockerState.FREED
        return LockerState.LOCKED_OUT if self.locked_out else LockerState.WAITING
