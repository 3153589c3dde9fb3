"""Cabas bio: weekly organic basket subscriptions, the second kind of sale of `orders` (the first is the grocery).

Offers (formules) are composed each ISO week from catalogue products; subscriptions say who receives which offer,
how often and where; a run per (offer, distribution date) turns the subscriptions due that date into basket
deliveries and allocates their products through the stock ledger. Imported at the end of `orders/models.py`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from deliveries.models import Weekday
from ecopole.core.fields import TEXT_MAX_LENGTH
from orders.models import Fulfilment

__all__ = [
    "BasketComposition",
    "BasketCompositionLine",
    "BasketDelivery",
    "BasketDeliveryStatus",
    "BasketFrequency",
    "BasketOffer",
    "BasketPause",
    "BasketRoundStatus",
    "BasketRun",
    "BasketRunStatus",
    "BasketSize",
    "BasketSkip",
    "BasketSubscription",
    "CompositionStatus",
    "SolidarityEligibility",
    "SolidarityRequest",
    "SolidarityRequestStatus",
    "SolidaritySituation",
    "SubscriptionStatus",
]


class BasketSize(models.TextChoices):
    SMALL = "small", _("Small basket")
    MEDIUM = "medium", _("Medium basket")
    LARGE = "large", _("Large basket")


class BasketFrequency(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    EVERY_TWO_WEEKS = "every_two_weeks", _("Every two weeks")


class BasketOffer(models.Model):
    """Formule de cabas bio (petit, moyen, grand): a size with its price and its solidarity price.

    Baskets of an offer are distributed once a week, on `distribution_weekday` (Friday by default); the cutoff of a
    distribution is the one of the subscriber's pickup point or zone for that weekday (`deliveries.DeliveryDay`).
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=110, unique=True)
    size = models.CharField(_("size"), max_length=10, choices=BasketSize.choices)
    description = models.CharField(_("description"), max_length=TEXT_MAX_LENGTH, blank=True)
    price = models.DecimalField(_("price incl. VAT"), max_digits=8, decimal_places=2)
    solidarity_price = models.DecimalField(
        _("solidarity price incl. VAT"),
        max_digits=8,
        decimal_places=2,
        help_text=_("Price for the customers whom a manager has marked eligible."),
    )
    indicative_weight = models.DecimalField(_("indicative weight (kg)"), max_digits=6, decimal_places=3)
    distribution_weekday = models.PositiveSmallIntegerField(
        _("distribution weekday"), choices=Weekday.choices, default=Weekday.FRIDAY
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        db_table = "orders_basketoffer"  # the table of the time these models lived in orders
        verbose_name = _("basket offer")
        verbose_name_plural = _("basket offers")
        ordering = ["position", "price", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="basket_offer_price_positive"),
            models.CheckConstraint(
                condition=Q(solidarity_price__gt=0) & Q(solidarity_price__lte=F("price")),
                name="basket_offer_solidarity_price_between_zero_and_price",
            ),
            models.CheckConstraint(condition=Q(indicative_weight__gt=0), name="basket_offer_weight_positive"),
            models.CheckConstraint(condition=Q(distribution_weekday__lte=6), name="basket_offer_weekday_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class SolidarityEligibility(models.Model):
    """Tarif solidaire: a customer whom a manager has marked eligible for the solidarity price until `valid_until`
    (inclusive, compared with the distribution date). Never self-declared: written by managers only, audited."""

    customer = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="basket_solidarity",
    )
    valid_until = models.DateField(_("valid until"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        db_table = "orders_solidarityeligibility"  # the table of the time these models lived in orders
        verbose_name = _("solidarity price eligibility")
        verbose_name_plural = _("solidarity price eligibilities")
        ordering = ["-valid_until", "id"]

    def __str__(self) -> str:
        return f"{self.customer} → {self.valid_until}"


class SolidarityRequestStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("solidarity request", "Pending")
    GRANTED = "granted", pgettext_lazy("solidarity request", "Granted")
    REFUSED = "refused", pgettext_lazy("solidarity request", "Refused")


class SolidaritySituation(models.TextChoices):
    """What a customer may declare, and nothing finer: the staff talk with them rather than collect documents."""

    SOCIAL_MINIMUM = "social_minimum", _("I receive a social minimum (RSA, AAH, ASS…)")
    LOW_INCOME = "low_income", _("My household has a low income")
    STUDENT = "student", _("I am a student")
    OTHER = "other", _("Another situation")


SOLIDARITY_MESSAGE_MAX_LENGTH = 2000


class SolidarityRequest(models.Model):
    """Demande de tarif solidaire: a customer asks for the solidarity price; a manager grants it (which creates or
    extends their `SolidarityEligibility`) or refuses it with a reason. One pending request per customer."""

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="basket_solidarity_requests",
    )
    situation = models.CharField(
        _("declared situation"), max_length=20, choices=SolidaritySituation.choices, blank=True
    )
    message = models.CharField(_("message"), max_length=SOLIDARITY_MESSAGE_MAX_LENGTH, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=SolidarityRequestStatus.choices, default=SolidarityRequestStatus.PENDING
    )
    valid_until = models.DateField(_("granted until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("solidarity price request")
        verbose_name_plural = _("solidarity price requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"], condition=Q(status="pending"), name="solidarity_request_one_pending_per_customer"
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | (Q(decided_at__isnull=False)),
                name="solidarity_request_decided_has_a_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(reason=""), name="solidarity_request_refusal_has_a_reason"
            ),
            models.CheckConstraint(
                condition=~Q(status="granted") | Q(valid_until__isnull=False),
                name="solidarity_request_grant_has_a_date",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.customer_id} {self.status}"


class CompositionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class BasketComposition(models.Model):
    """Composition du cabas: what goes into the baskets of an offer in one ISO week (`week_start` is its Monday).

    Editable (back to draft) until a basket run of that offer and week has allocated it; then frozen.
    """

    offer = models.ForeignKey(
        BasketOffer, verbose_name=_("offer"), on_delete=models.PROTECT, related_name="compositions"
    )
    week_start = models.DateField(_("week (Monday)"))
    status = models.CharField(
        _("status"), max_length=10, choices=CompositionStatus.choices, default=CompositionStatus.DRAFT
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        db_table = "orders_basketcomposition"  # the table of the time these models lived in orders
        verbose_name = _("basket composition")
        verbose_name_plural = _("basket compositions")
        ordering = ["-week_start", "offer_id"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "week_start"], name="basket_composition_one_per_offer_week"),
        ]

    def __str__(self) -> str:
        return f"{self.offer} {self.iso_week}"

    @property
    def iso_week(self) -> str:
        year, week, _day = self.week_start.isocalendar()
        return f"{year}-W{week:02d}"


class BasketCompositionLine(models.Model):
    composition = models.ForeignKey(BasketComposition, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "catalogue.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField(_("quantity per basket"), max_digits=10, decimal_places=3)

    class Meta:
        db_table = "orders_basketcompositionline"  # the table of the time these models lived in orders
        verbose_name = _("composition line")
        verbose_name_plural = _("composition lines")
        ordering = ["composition_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["composition", "product"], name="basket_composition_line_one_per_product"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="basket_composition_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} × {self.quantity}"


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("basket subscription", "Active")
    CANCELLED = "cancelled", pgettext_lazy("basket subscription", "Cancelled")


class BasketSubscription(models.Model):
    """Abonnement au cabas bio: a customer receives an offer every week or every two weeks, at a pickup point
    (default: the Ilôt Jacquard antenna) or at home in a delivery zone.

    `start_date` is the first distribution date; `anchor_week_parity` is the parity of its ISO week counted from a
    fixed Monday, so that "every two weeks" keeps its rhythm across years with 52 or 53 ISO weeks.
    """

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="basket_subscriptions",
    )
    offer = models.ForeignKey(
        BasketOffer, verbose_name=_("offer"), on_delete=models.PROTECT, related_name="subscriptions"
    )
    frequency = models.CharField(
        _("frequency"), max_length=20, choices=BasketFrequency.choices, default=BasketFrequency.WEEKLY
    )
    start_date = models.DateField(_("first distribution"))
    anchor_week_parity = models.PositiveSmallIntegerField(_("parity of the first week"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=SubscriptionStatus.choices, default=SubscriptionStatus.ACTIVE
    )
    fulfilment = models.CharField(_("fulfilment"), max_length=10, choices=Fulfilment.choices)
    pickup_point = models.ForeignKey(
        "deliveries.PickupPoint",
        verbose_name=_("pickup point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="basket_subscriptions",
    )
    delivery_zone = models.ForeignKey(
        "deliveries.DeliveryZone",
        verbose_name=_("delivery zone"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="basket_subscriptions",
    )
    delivery_address = models.CharField(_("delivery address"), max_length=255, blank=True)
    delivery_postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    delivery_commune = models.CharField(_("commune"), max_length=100, blank=True)
    delivery_latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    delivery_longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        db_table = "orders_basketsubscription"  # the table of the time these models lived in orders
        verbose_name = _("basket subscription")
        verbose_name_plural = _("basket subscriptions")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["offer", "status", "start_date"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(fulfilment="pickup") & Q(pickup_point__isnull=False) & Q(delivery_zone__isnull=True))
                | (Q(fulfilment="home") & Q(pickup_point__isnull=True) & Q(delivery_zone__isnull=False)),
                name="basket_subscription_fulfilment_has_its_place",
            ),
            models.CheckConstraint(condition=Q(anchor_week_parity__in=[0, 1]), name="basket_subscription_parity"),
            models.UniqueConstraint(
                fields=["customer", "offer"],
                condition=Q(status="active"),
                name="basket_subscription_one_active_per_offer",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.customer_id} {self.offer_id}"


class BasketSkip(models.Model):
    """A distribution date the subscriber will not take (absence)."""

    subscription = models.ForeignKey(BasketSubscription, on_delete=models.CASCADE, related_name="skips")
    date = models.DateField(_("date"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        db_table = "orders_basketskip"  # the table of the time these models lived in orders
        verbose_name = _("skipped distribution")
        verbose_name_plural = _("skipped distributions")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["subscription", "date"], name="basket_skip_once_per_date")]

    def __str__(self) -> str:
        return f"#{self.subscription_id} {self.date}"


class BasketPause(models.Model):
    """A period (holidays) without baskets, both ends included. Pauses of a subscription never overlap (checked
    by the service under the subscription's row lock)."""

    subscription = models.ForeignKey(BasketSubscription, on_delete=models.CASCADE, related_name="pauses")
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        db_table = "orders_basketpause"  # the table of the time these models lived in orders
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="basket_pause_ordered"),
        ]

    def __str__(self) -> str:
        return f"#{self.subscription_id} {self.start_date} → {self.end_date}"


class BasketRunStatus(models.TextChoices):
    PENDING = "pending", _("Not generated")
    DONE = "done", _("Generated")


class BasketRun(models.Model):
    """The generation of an offer's baskets for one distribution date. Its row is locked while generating, and the
    unique (offer, date) pair makes generation happen once: the stock allocation's ledger source is this row."""

    offer = models.ForeignKey(BasketOffer, verbose_name=_("offer"), on_delete=models.PROTECT, related_name="runs")
    date = models.DateField(_("distribution date"))
    status = models.CharField(
        _("status"), max_length=10, choices=BasketRunStatus.choices, default=BasketRunStatus.PENDING
    )
    composition = models.ForeignKey(
        BasketComposition,
        verbose_name=_("composition"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="runs",
    )
    deliveries_count = models.PositiveIntegerField(_("baskets"), default=0)
    solidarity_count = models.PositiveIntegerField(_("baskets at the solidarity price"), default=0)
    last_error = models.JSONField(_("last error"), default=dict, blank=True)
    attempted_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("generated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        db_table = "orders_basketrun"  # the table of the time these models lived in orders
        verbose_name = _("basket run")
        verbose_name_plural = _("basket runs")
        ordering = ["-date", "offer_id"]
        constraints = [models.UniqueConstraint(fields=["offer", "date"], name="basket_run_once_per_offer_date")]

    def __str__(self) -> str:
        return f"{self.offer} {self.date}"


class BasketDeliveryStatus(models.TextChoices):
    TO_COLLECT = "to_collect", _("To collect")
    COLLECTED = "collected", _("Collected")
    NOT_COLLECTED = "not_collected", _("Not collected")


class BasketRoundStatus(models.TextChoices):
    """What the delivery round that carried the basket recorded (`deliveries` stop outcome)."""

    NONE = "", _("Not carried by a round")
    DELIVERED = "delivered", _("Delivered by the round")
    FAILED = "failed", _("Delivery failed")


class BasketDelivery(models.Model):
    """One basket for one subscriber on one distribution date, with the price and place of that day (snapshots:
    a later change of the subscription or of the offer's price never alters it). Unique per (subscription, date)."""

    run = models.ForeignKey(BasketRun, on_delete=models.PROTECT, related_name="deliveries")
    subscription = models.ForeignKey(BasketSubscription, on_delete=models.PROTECT, related_name="deliveries")
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="basket_deliveries",
    )
    offer = models.ForeignKey(BasketOffer, verbose_name=_("offer"), on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("distribution date"))
    fulfilment = models.CharField(_("fulfilment"), max_length=10, choices=Fulfilment.choices)
    pickup_point = models.ForeignKey(
        "deliveries.PickupPoint", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    delivery_zone = models.ForeignKey(
        "deliveries.DeliveryZone", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    delivery_address = models.CharField(_("delivery address"), max_length=255, blank=True)
    delivery_commune = models.CharField(_("commune"), max_length=100, blank=True)
    price = models.DecimalField(_("price incl. VAT"), max_digits=8, decimal_places=2)
    solidarity = models.BooleanField(_("solidarity price"), default=False)
    delivery_fee = models.DecimalField(_("delivery fee incl. VAT"), max_digits=8, decimal_places=2, default=0)
    status = models.CharField(
        _("status"), max_length=15, choices=BasketDeliveryStatus.choices, default=BasketDeliveryStatus.TO_COLLECT
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminder_queued_at = models.DateTimeField(_("reminder queued at"), null=True, blank=True)
    round_status = models.CharField(
        _("round status"), max_length=10, choices=BasketRoundStatus.choices, default="", blank=True
    )
    round_status_at = models.DateTimeField(_("round status recorded at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        db_table = "orders_basketdelivery"  # the table of the time these models lived in orders
        verbose_name = _("basket delivery")
        verbose_name_plural = _("basket deliveries")
        ordering = ["date", "id"]
        indexes = [
            models.Index(fields=["date", "pickup_point"]),
            models.Index(fields=["customer", "date"]),
            models.Index(fields=["date", "reminder_queued_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "date"], name="basket_delivery_once_per_date"),
            models.CheckConstraint(
                condition=(Q(fulfilment="pickup") & Q(pickup_point__isnull=False) & Q(delivery_zone__isnull=True))
                | (Q(fulfilment="home") & Q(pickup_point__isnull=True) & Q(delivery_zone__isnull=False)),
                name="basket_delivery_fulfilment_has_its_place",
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0) & Q(delivery_fee__gte=0), name="basket_delivery_amounts_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.subscription_id} {self.date}"

    @property
    def total(self) -> Decimal:
        return self.price + self.delivery_fee
