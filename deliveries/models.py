"""Where and when customers get their orders: pickup points, home-delivery zones and the weekly delivery days.

Rounds (vehicles, stops) build on these models in a later issue; the pure routing solver lives in `routing/`.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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

    `communes` is a JSON list of commune names (portable across SQLite and PostgreSQL); matching ignores case,
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
