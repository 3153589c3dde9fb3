"""Online grocery (épicerie en ligne) orders. Basket (cabas bio) models come in a later issue: when this module
grows past ~500 lines it becomes a package split by subdomain (`models/grocery.py`, `models/baskets.py`)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ecopole.core.models import HistoryEvent


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("Placed")
    PREPARING = "preparing", _("Being prepared")
    READY = "ready", _("Ready for pickup")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    FULFILLED = "fulfilled", _("Fulfilled")
    CANCELLED = "cancelled", _("Cancelled")


class OrderFlag(models.TextChoices):
    """Why staff must look at an order; empty when nothing is wrong."""

    NONE = "", _("Nothing to look at")
    NOT_COLLECTED = "not_collected", _("Not collected from the vending machine in time")


class Fulfilment(models.TextChoices):
    PICKUP = "pickup", _("Pickup at a point")
    HOME = "home", _("Home delivery")


class PaymentStatus(models.TextChoices):
    UNPAID = "unpaid", _("Unpaid")
    PAID = "paid", _("Paid")
    REFUNDED = "refunded", _("Refunded")


class PaymentMethod(models.TextChoices):
    NONE = "", _("Not yet known")
    ON_PICKUP = "on_pickup", _("On pickup")
    CARD = "card", _("Card")
    CASH = "cash", _("Cash")
    CHEQUE = "cheque", _("Cheque")
    VOUCHER = "voucher", _("Food-aid voucher")
    BALANCE = "balance", _("Balance")


# What staff may record by hand (the counter's payments, through payments' counter provider); vouchers and the balance
# are recorded by payments' own services, so that every euro is in its ledger.
MANUAL_PAYMENT_METHODS = frozenset(
    {PaymentMethod.ON_PICKUP, PaymentMethod.CARD, PaymentMethod.CASH, PaymentMethod.CHEQUE}
)


class Order(models.Model):
    """Commande de l'épicerie en ligne, for pickup at a point or home delivery on a delivery date.

    Prices, VAT and totals are snapshots taken when the order is placed (and when prepared weights are set); they
    never follow later catalogue changes. Stock is reserved through the ledger with the order as source.
    """

    # Allowed status changes; `ready` is for pickup orders and `out_for_delivery` for home delivery (checked by the
    # service). Staff may cancel at any time before fulfilment; customers before the cutoff (service rule).
    TRANSITIONS: dict[str, set[str]] = {
        OrderStatus.PLACED: {OrderStatus.PREPARING, OrderStatus.CANCELLED},
        OrderStatus.PREPARING: {OrderStatus.READY, OrderStatus.OUT_FOR_DELIVERY, OrderStatus.CANCELLED},
        OrderStatus.READY: {OrderStatus.FULFILLED, OrderStatus.CANCELLED},
        OrderStatus.OUT_FOR_DELIVERY: {OrderStatus.FULFILLED, OrderStatus.CANCELLED},
        OrderStatus.FULFILLED: set(),
        OrderStatus.CANCELLED: set(),
    }

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="orders"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.PLACED, db_index=True
    )
    fulfilment = models.CharField(_("fulfilment"), max_length=10, choices=Fulfilment.choices)
    pickup_point = models.ForeignKey(
        "deliveries.PickupPoint",
        verbose_name=_("pickup point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    delivery_zone = models.ForeignKey(
        "deliveries.DeliveryZone",
        verbose_name=_("delivery zone"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    # The two-hour window the customer chose for a home delivery (optional): the planner treats it as a hard window.
    delivery_window = models.ForeignKey(
        "deliveries.DeliveryWindow",
        verbose_name=_("delivery window"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    delivery_address = models.CharField(_("delivery address"), max_length=255, blank=True)
    delivery_postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    delivery_commune = models.CharField(_("commune"), max_length=100, blank=True)
    delivery_latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    delivery_longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    delivery_date = models.DateField(_("delivery date"), db_index=True)
    cutoff_at = models.DateTimeField(_("order cutoff"))

    subtotal = models.DecimalField(_("subtotal incl. VAT"), max_digits=10, decimal_places=2, default=Decimal(0))
    delivery_fee = models.DecimalField(_("delivery fee incl. VAT"), max_digits=8, decimal_places=2, default=Decimal(0))
    vat_total = models.DecimalField(_("VAT included"), max_digits=10, decimal_places=2, default=Decimal(0))
    vat_breakdown = models.JSONField(_("VAT per rate"), default=list, blank=True)
    # The jars' deposits (consigne): outside the VAT base, so neither in `subtotal` nor in `vat_breakdown`.
    deposit_total = models.DecimalField(_("deposit (consigne)"), max_digits=10, decimal_places=2, default=Decimal(0))
    total = models.DecimalField(_("total incl. VAT"), max_digits=10, decimal_places=2, default=Decimal(0))

    payment_status = models.CharField(
        _("payment status"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.UNPAID
    )
    payment_method = models.CharField(
        _("payment method"), max_length=10, choices=PaymentMethod.choices, default=PaymentMethod.NONE, blank=True
    )
    note = models.CharField(_("customer note"), max_length=500, blank=True)
    flag = models.CharField(
        _("to look at"), max_length=20, choices=OrderFlag.choices, default=OrderFlag.NONE, blank=True, db_index=True
    )
    flagged_at = models.DateTimeField(_("flagged at"), null=True, blank=True)
    created_at = models.DateTimeField(_("placed at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["delivery_date", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(fulfilment="pickup") & Q(pickup_point__isnull=False) & Q(delivery_zone__isnull=True))
                | (Q(fulfilment="home") & Q(pickup_point__isnull=True) & Q(delivery_zone__isnull=False)),
                name="order_fulfilment_has_its_place",
            ),
            models.CheckConstraint(
                condition=Q(subtotal__gte=0) & Q(delivery_fee__gte=0) & Q(vat_total__gte=0),
                name="order_amounts_not_negative",
            ),
            models.CheckConstraint(condition=Q(deposit_total__gte=0), name="order_deposit_not_negative"),
            models.CheckConstraint(
                condition=Q(total=F("subtotal") + F("delivery_fee") + F("deposit_total")),
                name="order_total_is_subtotal_plus_fee_plus_deposit",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.customer_id} {self.delivery_date}"

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())

    @property
    def deposit_summary(self):
        """The jars' deposits as pages and emails show them ("3 bocaux × 0,50 €"), from the (prefetched) lines;
        None without any. `pricing.deposit_summary`."""
        from .services.pricing import deposit_summary

        if not self.deposit_total:
            return None
        return deposit_summary((line.deposit, line.billed_quantity, line.deposit_amount) for line in self.lines.all())


class OrderLine(models.Model):
    """One product of an order, with the price, VAT rate and jar deposit copied from the catalogue when ordered.

    For a product sold by weight, `quantity` is the customer's estimate and `prepared_quantity` the weighed
    quantity set during preparation; the billed quantity is the prepared one once it is known. `deposit_amount` is
    the deposit per jar × the billed quantity (`pricing.line_amounts`), outside `line_total` and its VAT.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalogue.Product", on_delete=models.PROTECT, related_name="order_lines")
    product_name = models.CharField(_("product name"), max_length=150)
    unit = models.CharField(_("unit"), max_length=10)
    unit_price = models.DecimalField(_("unit price incl. VAT"), max_digits=8, decimal_places=2)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=4, decimal_places=2)
    sold_by_weight = models.BooleanField(_("sold by weight"), default=False)
    quantity = models.DecimalField(_("ordered quantity"), max_digits=10, decimal_places=3)
    prepared_quantity = models.DecimalField(
        _("prepared quantity"), max_digits=10, decimal_places=3, null=True, blank=True
    )
    line_total = models.DecimalField(_("line total incl. VAT"), max_digits=10, decimal_places=2)
    vat_amount = models.DecimalField(_("VAT included"), max_digits=10, decimal_places=2)
    deposit = models.DecimalField(_("deposit per jar"), max_digits=6, decimal_places=2, default=Decimal(0))
    deposit_amount = models.DecimalField(_("deposit (consigne)"), max_digits=10, decimal_places=2, default=Decimal(0))

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "product"], name="order_line_one_per_product"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(prepared_quantity__isnull=True) | Q(prepared_quantity__gte=0),
                name="order_line_prepared_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(line_total__gte=0) & Q(vat_amount__gte=0), name="order_line_amounts_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(deposit__gte=0) & Q(deposit_amount__gte=0) & (Q(sold_by_weight=False) | Q(deposit=0)),
                name="order_line_deposit_per_jar",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_name} × {self.billed_quantity}"

    @property
    def billed_quantity(self) -> Decimal:
        return self.prepared_quantity if self.prepared_quantity is not None else self.quantity

    @property
    def billed_quantity_display(self) -> Decimal:
        """The billed quantity without trailing zeros (1.500 → 1.5, 2.000 → 2), for humans."""
        quantity = self.billed_quantity
        return quantity.quantize(Decimal(1)) if quantity == quantity.to_integral_value() else quantity.normalize()

    @property
    def quantity_with_unit(self) -> str:
        """The billed quantity and its unit, with the right plural ("2 pièces", "1,5 kg"): `ecopole.core.units`."""
        from ecopole.core.units import quantity_with_unit

        return quantity_with_unit(self.billed_quantity, self.unit)

    @property
    def unit_label(self) -> str:
        from catalogue.models import Unit

        return str(Unit(self.unit).label) if self.unit in Unit.values else self.unit


class OrderEventKind(models.TextChoices):
    STATUS = "status", _("Status change")
    PAYMENT = "payment", _("Payment")
    PREPARED_QUANTITY = "prepared_quantity", _("Prepared quantity")
    LOCKER = "locker", _("Vending machine locker")
    RESCHEDULED = "rescheduled", _("New delivery date")
    DELIVERY_FAILED = "delivery_failed", _("Delivery failed")
    FLAG = "flag", _("To look at")
    LINES_CHANGED = "lines_changed", _("Lines changed")


class OrderEvent(HistoryEvent):
    """The order's history: who changed what, when, from which value to which. Append-only."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=OrderEventKind.choices, default=OrderEventKind.STATUS)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["order_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"#{self.order_id} {self.kind}: {self.from_value or '∅'} → {self.to_value}"


class IdempotencyRecord(models.Model):
    """An `Idempotency-Key` a user sent with a request that creates an order, with the hash of its body.

    The unique (user, key) constraint is what makes two parallel requests with the same key create one order.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("key"), max_length=255)
    request_hash = models.CharField(_("request hash"), max_length=64)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


class NotificationKind(models.TextChoices):
    CONFIRMATION = "confirmation", _("Order confirmation")
    READY = "ready", _("Ready for pickup")
    CANCELLED = "cancelled", _("Order cancelled")


class OrderNotification(models.Model):
    """An email about an order, at most one per kind: the unique constraint makes enqueuing and sending idempotent.

    Created (unsent) in the transaction that causes it; the Celery task claims it (`sent_at`) before sending.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("order email")
        verbose_name_plural = _("order emails")
        constraints = [models.UniqueConstraint(fields=["order", "kind"], name="order_notification_once_per_kind")]

    def __str__(self) -> str:
        return f"#{self.order_id} {self.kind}"


# The ways a counter sale is paid: on the spot (the API's `CounterPaymentMethodEnum`).
COUNTER_PAYMENT_CHOICES = [
    (PaymentMethod.CASH.value, PaymentMethod.CASH.label),
    (PaymentMethod.CARD.value, PaymentMethod.CARD.label),
    (PaymentMethod.CHEQUE.value, PaymentMethod.CHEQUE.label),
]


class CounterSale(models.Model):
    """Vente au comptoir: a walk-in customer buys at the épicerie, served by a manager or a preparer, and pays on the
    spot (cash, card or cheque). No customer account, no delivery: the stock leaves through the ledger with the
    sale as source (reason `counter_sale`). Prices and VAT are snapshots, as an order's. Append-only."""

    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("seller"), on_delete=models.PROTECT, related_name="counter_sales"
    )
    payment_method = models.CharField(_("payment method"), max_length=10, choices=PaymentMethod.choices)
    subtotal = models.DecimalField(_("subtotal incl. VAT"), max_digits=10, decimal_places=2)
    vat_total = models.DecimalField(_("VAT included"), max_digits=10, decimal_places=2)
    vat_breakdown = models.JSONField(_("VAT per rate"), default=list, blank=True)
    deposit_total = models.DecimalField(_("deposit (consigne)"), max_digits=10, decimal_places=2, default=Decimal(0))
    total = models.DecimalField(_("total incl. VAT"), max_digits=10, decimal_places=2, default=Decimal(0))
    created_at = models.DateTimeField(_("sold at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("counter sale")
        verbose_name_plural = _("counter sales")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(payment_method__in=["cash", "card", "cheque"]), name="counter_sale_paid_on_the_spot"
            ),
            models.CheckConstraint(condition=Q(subtotal__gte=0) & Q(vat_total__gte=0), name="counter_sale_amounts"),
            models.CheckConstraint(condition=Q(deposit_total__gte=0), name="counter_sale_deposit_not_negative"),
            models.CheckConstraint(
                condition=Q(total=F("subtotal") + F("deposit_total")),
                name="counter_sale_total_is_subtotal_plus_deposit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.total}"

    @property
    def deposit_summary(self):
        """The jars' deposits as the receipt shows them ("3 bocaux × 0,50 €"); None without any."""
        from .services.pricing import deposit_summary

        if not self.deposit_total:
            return None
        return deposit_summary((line.deposit, line.quantity, line.deposit_amount) for line in self.lines.all())


class CounterSaleLine(models.Model):
    """One product of a counter sale, priced when sold."""

    sale = models.ForeignKey(CounterSale, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalogue.Product", on_delete=models.PROTECT, related_name="counter_sale_lines")
    product_name = models.CharField(_("product name"), max_length=150)
    unit = models.CharField(_("unit"), max_length=10)
    unit_price = models.DecimalField(_("unit price incl. VAT"), max_digits=8, decimal_places=2)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=4, decimal_places=2)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=3)
    line_total = models.DecimalField(_("line total incl. VAT"), max_digits=10, decimal_places=2)
    vat_amount = models.DecimalField(_("VAT included"), max_digits=10, decimal_places=2)
    deposit = models.DecimalField(_("deposit per jar"), max_digits=6, decimal_places=2, default=Decimal(0))
    deposit_amount = models.DecimalField(_("deposit (consigne)"), max_digits=10, decimal_places=2, default=Decimal(0))

    class Meta:
        verbose_name = _("counter sale line")
        verbose_name_plural = _("counter sale lines")
        ordering = ["sale_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["sale", "product"], name="counter_sale_line_one_per_product"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="counter_sale_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.product_name} × {self.quantity}"

    @property
    def quantity_with_unit(self) -> str:
        from ecopole.core.units import quantity_with_unit

        quantity = self.quantity
        quantity = quantity.quantize(Decimal(1)) if quantity == quantity.to_integral_value() else quantity.normalize()
        return quantity_with_unit(quantity, self.unit)
