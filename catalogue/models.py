from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from imagekit.models import ImageSpecField

from ecopole.core.fields import TEXT_MAX_LENGTH

from .legal_ids import validate_siret, validate_vat_number
from .photos import (
    CardRendition,
    LargeRendition,
    producer_photo_path,
    product_photo_path,
    validate_photo,
)
from .season import ALL_ALLERGENS, ALL_MONTHS, mask_to_allergens, mask_to_months, month_bit

# Organic certifiers are identified by the code the EU gives them: FR-BIO-01 (Ecocert), FR-BIO-10, ...
CERTIFIER_CODE_VALIDATOR = RegexValidator(
    r"^[A-Z]{2}-BIO-\d{2,3}$", _("A certifier code looks like FR-BIO-01."), code="invalid_certifier"
)


class ProducerKind(models.TextChoices):
    FARM = "farm", _("Farm")
    MARKET_GARDEN = "market_garden", _("Market garden")
    INTEGRATION_GARDEN = "integration_garden", _("Integration garden (maraîchage d'insertion)")
    PLATFORM = "platform", _("Organic produce platform")
    PROCESSING = "processing", _("Processing and canning")
    BAKERY = "bakery", _("Bakery")
    OTHER = "other", _("Other")


class Producer(models.Model):
    """Producteur: an organisation (a farm, a platform, a bakery) that supplies the Ecopôle."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=ProducerKind.choices, default=ProducerKind.FARM)
    description = models.CharField(_("description"), max_length=TEXT_MAX_LENGTH, blank=True)
    commune = models.CharField(_("commune"), max_length=100, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))],
    )
    # Derived from the coordinates by the producer services (haversine to the Ecopôle); stored to order by it.
    distance_km = models.DecimalField(
        _("distance to the Ecopôle (km)"), max_digits=6, decimal_places=1, null=True, blank=True, editable=False
    )
    organic_certifier = models.CharField(
        _("organic certifier code"), max_length=12, blank=True, validators=[CERTIFIER_CODE_VALIDATOR]
    )
    organic_certificate_number = models.CharField(_("organic certificate number"), max_length=50, blank=True)
    # Legal identity for the invoices the Ecopôle sends the producer (Factur-X e-invoices: invoicing app).
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    vat_number = models.CharField(_("intra-EU VAT number"), max_length=16, blank=True, validators=[validate_vat_number])
    billing_address = models.CharField(_("billing address"), max_length=200, blank=True)
    billing_postcode = models.CharField(_("billing postcode"), max_length=10, blank=True)
    organic_certificate_valid_until = models.DateField(_("organic certificate valid until"), null=True, blank=True)
    # Lower-cased, unaccented name and commune, maintained by the producer services (see selectors.product_list).
    search_text = models.TextField(editable=False, blank=True, default="")
    photo = models.ImageField(
        _("photo"), upload_to=producer_photo_path, blank=True, validators=[validate_photo], max_length=200
    )
    photo_card = ImageSpecField(source="photo", spec=CardRendition)
    photo_large = ImageSpecField(source="photo", spec=LargeRendition)

    class Meta:
        verbose_name = _("producer")
        verbose_name_plural = _("producers")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__isnull=False) & Q(longitude__isnull=False)),
                name="producer_coordinates_both_or_none",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def has_valid_organic_certificate(self, on: datetime.date | None = None) -> bool:
        """A certifier, a certificate number and a validity date not past `on` (today, Europe/Paris)."""
        on = on or timezone.localdate()
        return bool(
            self.organic_certifier
            and self.organic_certificate_number
            and self.organic_certificate_valid_until
            and self.organic_certificate_valid_until >= on
        )


class Category(models.Model):
    """Rayon: vegetables, fruit, preserves, bread, dry goods, ..."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=110, unique=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Unit(models.TextChoices):
    KG = "kg", _("kilogram")
    PIECE = "piece", _("piece")
    BUNCH = "bunch", _("bunch")
    JAR = "jar", _("jar")
    LITRE = "litre", _("litre")
    DOZEN = "dozen", _("dozen")


class VatRate(models.TextChoices):
    REDUCED = "5.50", _("5.5 % (food)")
    INTERMEDIATE = "10.00", _("10 % (restaurant)")
    STANDARD = "20.00", _("20 % (non-food)")


def producer_certified_q(on: datetime.date, prefix: str = "") -> Q:
    """Products whose producer holds a valid organic certificate on `on` (`Producer.has_valid_organic_certificate`)."""
    return (
        Q(**{f"{prefix}producer__organic_certificate_valid_until__gte": on})
        & ~Q(**{f"{prefix}producer__organic_certifier": ""})
        & ~Q(**{f"{prefix}producer__organic_certificate_number": ""})
    )


def organic_q(on: datetime.date, prefix: str = "") -> Q:
    """Products shown as organic on `on`: flagged organic AND their producer holds a valid certificate."""
    return Q(**{f"{prefix}organic": True}) & producer_certified_q(on, prefix)


class Product(models.Model):
    """Produit du catalogue. Its stock is `stock.quantity`, always the sum of its `StockMovement`s.

    `organic` is what the producer claims; the product is *shown* as organic only while its producer holds a valid
    certificate (`organic_effective`, and the selectors' `is_organic` annotation).
    """

    producer = models.ForeignKey(Producer, on_delete=models.PROTECT, related_name="products")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=170, unique=True)
    description = models.CharField(_("description"), max_length=TEXT_MAX_LENGTH, blank=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.KG)
    unit_price = models.DecimalField(
        _("unit price incl. VAT"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    vat_rate = models.DecimalField(
        _("VAT rate (%)"),
        max_digits=4,
        decimal_places=2,
        choices=[(Decimal(v), lbl) for v, lbl in VatRate.choices],
        default=Decimal("5.50"),
    )
    organic = models.BooleanField(_("organic (AB)"), default=True)
    sold_by_weight = models.BooleanField(
        _("sold by weight"),
        default=False,
        help_text=_("The ordered quantity is an estimate; the prepared weight sets the price."),
    )
    quantity_step = models.DecimalField(_("quantity step"), max_digits=8, decimal_places=3, default=Decimal("1"))
    minimum_quantity = models.DecimalField(_("minimum quantity"), max_digits=8, decimal_places=3, default=Decimal("1"))
    season_months = models.PositiveSmallIntegerField(
        _("months in season"),
        default=ALL_MONTHS,
        help_text=_("Bitmask: bit 0 is January, bit 11 December; 4095 means all year."),
    )
    allergens = models.PositiveIntegerField(
        _("allergens"), default=0, help_text=_("Bitmask of the 14 EU allergens, in the order of annex II.")
    )
    deposit = models.DecimalField(
        _("deposit (consigne)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
        help_text=_(
            "Returnable jar: added to the price at checkout, credited to the balance when the jar comes back. "
            "Never on a product sold by weight."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    tracked_by_lot = models.BooleanField(
        _("tracked by lot"),
        default=False,
        help_text=_("Jars, bottles, preserves: the stock is kept per workshop lot and sold first-expired first-out."),
    )
    ingredients = models.CharField(
        _("ingredients"), max_length=TEXT_MAX_LENGTH, blank=True, help_text=_("As printed on the label.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Lower-cased, unaccented name and description, maintained by the product services (see selectors.product_list).
    search_text = models.TextField(editable=False, blank=True, default="")
    photo = models.ImageField(
        _("photo"), upload_to=product_photo_path, blank=True, validators=[validate_photo], max_length=200
    )
    photo_card = ImageSpecField(source="photo", spec=CardRendition)
    photo_large = ImageSpecField(source="photo", spec=LargeRendition)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(unit_price__gt=0), name="product_price_positive"),
            models.CheckConstraint(condition=Q(quantity_step__gt=0), name="product_step_positive"),
            models.CheckConstraint(condition=Q(minimum_quantity__gt=0), name="product_minimum_positive"),
            models.CheckConstraint(
                condition=Q(season_months__gte=1, season_months__lte=ALL_MONTHS), name="product_season_months_valid"
            ),
            models.CheckConstraint(
                condition=Q(allergens__gte=0, allergens__lte=ALL_ALLERGENS), name="product_allergens_valid"
            ),
            models.UniqueConstraint(fields=["producer", "name"], name="product_name_unique_per_producer"),
            # A deposit is per jar: a weighed product's quantity is kilograms, not jars (see `clean`).
            models.CheckConstraint(
                condition=Q(deposit__gte=0) & (Q(sold_by_weight=False) | Q(deposit=0)),
                name="product_deposit_per_jar",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A deposit (consigne) is charged per unit ordered, one per jar: a product sold by weight is ordered in
        kilograms, so a deposit on it would be charged per kilogram. Refused (the admin's form shows it on the
        field; the services' `full_clean` too), backed by the `product_deposit_per_jar` constraint."""
        if self.sold_by_weight and self.deposit and self.deposit > 0:
            raise ValidationError(
                {"deposit": _("A product sold by weight carries no deposit: the deposit is charged per jar.")}
            )

    @property
    def months_in_season(self) -> list[int]:
        return mask_to_months(self.season_months)

    @property
    def allergen_codes(self) -> list[str]:
        return mask_to_allergens(self.allergens)

    def is_in_season(self, month: int | None = None) -> bool:
        month = month or timezone.localdate().month
        return bool(self.season_months & month_bit(month))

    def organic_effective_on(self, on: datetime.date | None = None) -> bool:
        return self.organic and self.producer.has_valid_organic_certificate(on)

    @property
    def organic_effective(self) -> bool:
        """Shown as organic today: the selectors annotate `is_organic` for lists; this is the single-object form."""
        annotated = getattr(self, "is_organic", None)
        return annotated if annotated is not None else self.organic_effective_on()


class StockLevel(models.Model):
    """The running total of a product's ledger, kept in the same transaction as each movement.

    It exists so that a reservation is one guarded UPDATE instead of a SUM over the ledger; the database refuses a
    negative level. `stock_services.stock_check_ledger` verifies it equals the sum of movements.
    """

    product = models.OneToOneField(Product, on_delete=models.CASCADE, primary_key=True, related_name="stock")
    quantity = models.DecimalField(_("available quantity"), max_digits=12, decimal_places=3, default=Decimal("0"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=0), name="stock_level_never_negative")]

    def __str__(self) -> str:
        return f"{self.product}: {self.quantity}"


class MovementReason(models.TextChoices):
    RECEIPT = "receipt", _("Receipt from a producer")
    SALE = "sale", _("Sale")
    RESERVATION = "reservation", _("Order reservation")
    RELEASE = "release", _("Reservation release")
    BASKET_ALLOCATION = "basket_allocation", _("Basket allocation")
    VENDING_TRANSFER = "vending_transfer", _("Transfer to the vending machine")
    PROCESSING_OUTPUT = "processing_output", _("Processing output")
    LOSS = "loss", _("Loss")
    ADJUSTMENT = "adjustment", _("Inventory adjustment")
    RECALL = "recall", _("Recalled lot blocked")
    COUNTER_SALE = "counter_sale", _("Counter sale")


class StockLot(models.Model):
    """Lot en stock: the part of a lot-tracked product's stock that comes from one workshop lot (numéro de lot).

    `quantity` is the running sum of the movements that name the lot, kept by the ledger (catalogue.services.stock)
    under the lock of the product's `StockLevel`; the rest of the level, if any, carries no lot. A blocked lot (a
    recall) holds nothing and is never taken again.
    """

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="stock_lots")
    code = models.CharField(_("lot number"), max_length=20, unique=True)
    best_before = models.DateField(_("best before (DDM)"))
    quantity = models.DecimalField(_("quantity in stock"), max_digits=12, decimal_places=3, default=Decimal("0"))
    blocked_at = models.DateTimeField(_("blocked at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stock lot")
        verbose_name_plural = _("stock lots")
        ordering = ["best_before", "id"]
        indexes = [models.Index(fields=["product", "best_before"])]
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=0), name="stock_lot_never_negative")]

    def __str__(self) -> str:
        return self.code


class StockMovement(models.Model):
    """Mouvement de stock: one append-only line of the ledger. Positive adds stock, negative takes it.

    `source` points at what caused it (an order, a basket delivery, a refill, a lot). Never updated, never deleted.
    """

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="movements")
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    reason = models.CharField(_("reason"), max_length=32, choices=MovementReason.choices)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    source_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    # The lot the quantity came from or went to (lot-tracked products only): with `source`, it records which lots
    # and how many an order, a basket run or a vending refill took.
    lot = models.ForeignKey(
        StockLot, null=True, blank=True, on_delete=models.PROTECT, related_name="movements", verbose_name=_("lot")
    )

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["source_type", "source_id"]),
            models.Index(fields=["product", "-created_at"]),
        ]
        constraints = [models.CheckConstraint(condition=~Q(quantity=0), name="stock_movement_not_zero")]

    def __str__(self) -> str:
        return f"{self.product} {self.quantity:+} ({self.reason})"


class ProductImport(models.Model):
    """One applied CSV price list of a producer. Its receipts point at it (`StockMovement.source`).

    The checksum is unique per producer, so the same file uploaded twice is refused instead of receiving its stock
    twice.
    """

    producer = models.ForeignKey(Producer, on_delete=models.PROTECT, related_name="imports")
    checksum = models.CharField(_("SHA-256 of the file"), max_length=64)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("products created"), default=0)
    updated_count = models.PositiveIntegerField(_("products updated"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("product import")
        verbose_name_plural = _("product imports")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["producer", "checksum"], name="product_import_once_per_file")]

    def __str__(self) -> str:
        return f"{self.producer} {self.created_at:%Y-%m-%d %H:%M} ({self.row_count})"
