from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Producer(models.Model):
    """Producteur: an organisation (a farm, a platform, a bakery) that supplies the Ecopôle."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)

    class Meta:
        verbose_name = _("producer")
        verbose_name_plural = _("producers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
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


class Product(models.Model):
    """Produit du catalogue. Its stock is `stock.quantity`, always the sum of its `StockMovement`s."""

    producer = models.ForeignKey(Producer, on_delete=models.PROTECT, related_name="products")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=170, unique=True)
    description = models.TextField(_("description"), blank=True)
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
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(unit_price__gt=0), name="product_price_positive"),
            models.CheckConstraint(condition=Q(quantity_step__gt=0), name="product_step_positive"),
            models.CheckConstraint(condition=Q(minimum_quantity__gt=0), name="product_minimum_positive"),
        ]

    def __str__(self) -> str:
        return self.name


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
