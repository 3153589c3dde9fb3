from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ecopole.core.fields import (
    TEXT_MAX_LENGTH,
    StrictBooleanField,
    StrictCharField,
    StrictDecimalField,
    StrictIntegerField,
    StrictSlugField,
    excerpt,
)
from ecopole.core.money import amount_excl_vat
from ecopole.core.schema import model_label
from ecopole.core.serializers import StrictModelSerializer

from .models import Category, Producer, ProducerKind, Product, ProductImport, StockMovement, Unit, VatRate
from .season import Allergen, mask_to_allergens, mask_to_months, month_bit
from .selectors import MAX_ID
from .services.stock import StockRecordKind

VAT_RATES = {Decimal(value) for value in VatRate.values}


class ProducerSerializer(StrictModelSerializer):
    organic_certified = serializers.SerializerMethodField(help_text=_("Holds a valid organic certificate today."))

    class Meta:
        model = Producer
        fields = [
            "id",
            "name",
            "slug",
            "kind",
            "description",
            "commune",
            "latitude",
            "longitude",
            "distance_km",
            "organic_certified",
            "organic_certifier",
            "organic_certificate_number",
            "organic_certificate_valid_until",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_organic_certified(self, producer: Producer) -> bool:
        return producer.has_valid_organic_certificate()


def _help(model, name: str):
    return model._meta.get_field(name).help_text


# Plain serializers with explicit read-only fields: a ModelSerializer introspects its model on every request.
# Labels and help texts come from the models, so the schema is the one the ModelSerializers gave.
# (Docstrings here would become schema descriptions, hence comments.)


class ProducerSummarySerializer(serializers.Serializer):
    id = StrictIntegerField(read_only=True)
    name = StrictCharField(read_only=True, label=model_label(Producer, "name"))
    slug = StrictSlugField(read_only=True, label=model_label(Producer, "slug"))
    kind = serializers.ChoiceField(choices=ProducerKind.choices, read_only=True, label=model_label(Producer, "kind"))
    commune = StrictCharField(read_only=True, label=model_label(Producer, "commune"))
    distance_km = StrictDecimalField(
        max_digits=6, decimal_places=1, allow_null=True, read_only=True, label=model_label(Producer, "distance_km")
    )
    organic_certified = serializers.SerializerMethodField(help_text=_("Holds a valid organic certificate today."))

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_organic_certified(self, producer: Producer) -> bool:
        # `today` in the context spares a timezone.localdate() per product in a list.
        return producer.has_valid_organic_certificate(self.context.get("today"))


class CategorySerializer(serializers.Serializer):
    id = StrictIntegerField(read_only=True)
    name = StrictCharField(read_only=True, label=model_label(Category, "name"))
    slug = StrictSlugField(read_only=True, label=model_label(Category, "slug"))


class ProductSerializer(serializers.Serializer):
    """A product as shown in the catalogue. `organic` is the effective flag: claimed AND certificate valid today."""

    # The list answers the same JSON from `.values()` rows with `product_rows_data` (a test compares both).

    id = StrictIntegerField(read_only=True)
    slug = StrictSlugField(read_only=True, label=model_label(Product, "slug"))
    name = StrictCharField(read_only=True, label=model_label(Product, "name"))
    description = StrictCharField(read_only=True, label=model_label(Product, "description"))
    producer = ProducerSummarySerializer(read_only=True)
    category = CategorySerializer(read_only=True)
    unit = serializers.ChoiceField(choices=Unit.choices, read_only=True, label=model_label(Product, "unit"))
    unit_price = StrictDecimalField(
        max_digits=8, decimal_places=2, read_only=True, label=model_label(Product, "unit_price")
    )
    unit_price_excl_vat = serializers.SerializerMethodField()
    vat_rate = StrictDecimalField(max_digits=4, decimal_places=2, read_only=True, help_text=_("In %."))
    deposit = StrictDecimalField(
        max_digits=6,
        decimal_places=2,
        read_only=True,
        label=model_label(Product, "deposit"),
        help_text=_help(Product, "deposit"),
    )
    organic = serializers.SerializerMethodField(help_text=_("Shown as organic: the producer's certificate is valid."))
    sold_by_weight = StrictBooleanField(
        read_only=True, label=model_label(Product, "sold_by_weight"), help_text=_help(Product, "sold_by_weight")
    )
    quantity_step = StrictDecimalField(
        max_digits=8, decimal_places=3, read_only=True, label=model_label(Product, "quantity_step")
    )
    minimum_quantity = StrictDecimalField(
        max_digits=8, decimal_places=3, read_only=True, label=model_label(Product, "minimum_quantity")
    )
    season_months = serializers.SerializerMethodField(help_text=_("Months in season, 1 = January."))
    in_season = serializers.SerializerMethodField(help_text=_("In season this month (Europe/Paris)."))
    allergens = serializers.SerializerMethodField()
    stock_available = serializers.SerializerMethodField()
    is_active = StrictBooleanField(read_only=True, label=model_label(Product, "is_active"))

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_organic(self, product: Product) -> bool:
        return product.organic_effective

    @extend_schema_field(StrictDecimalField(max_digits=8, decimal_places=2))
    def get_unit_price_excl_vat(self, product: Product) -> str:
        return _price_excl_vat(product.unit_price, product.vat_rate)

    @extend_schema_field(StrictDecimalField(max_digits=12, decimal_places=3))
    def get_stock_available(self, product: Product) -> str:
        quantity = getattr(product, "stock_available", None)
        if quantity is None:
            from .services.stock import stock_available

            quantity = stock_available(product_id=product.pk)
        return str(Decimal(quantity).quantize(MILLI))

    @extend_schema_field(serializers.ListField(child=StrictIntegerField(min_value=1, max_value=12)))
    def get_season_months(self, product: Product) -> list[int]:
        return product.months_in_season

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_in_season(self, product: Product) -> bool:
        month = self.context.get("month") or timezone.localdate().month
        return product.is_in_season(month)

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Allergen.choices)))
    def get_allergens(self, product: Product) -> list[str]:
        return product.allergen_codes


CENT, MILLI, TENTH = Decimal("0.01"), Decimal("0.001"), Decimal("0.1")


def _price_excl_vat(unit_price, vat_rate) -> str:
    return str(amount_excl_vat(unit_price, vat_rate))


def _decimal(value, places: Decimal) -> str | None:
    return None if value is None else f"{Decimal(value).quantize(places):f}"


def product_rows_data(rows: Iterable[dict], *, today: datetime.date) -> list[dict]:
    """`ProductSerializer(many=True).data` computed from `selectors.product_list_rows` dicts, ~10 times faster.

    The catalogue list is the busiest read: DRF's field-by-field serialization of 50 nested model instances cost
    more than the query. Keys and formats must stay those of `ProductSerializer` (the schema); a test compares both.
    """
    bit = month_bit(today.month)
    data = []
    for row in rows:
        price, vat, season = row["unit_price"], row["vat_rate"], row["season_months"]
        certified = bool(row["producer_certified"])
        data.append(
            {
                "id": row["id"],
                "slug": row["slug"],
                "name": row["name"],
                "description": excerpt(row["description"]),  # the detail has the whole text
                "producer": {
                    "id": row["producer_id"],
                    "name": row["producer__name"],
                    "slug": row["producer__slug"],
                    "kind": row["producer__kind"],
                    "commune": row["producer__commune"],
                    "distance_km": _decimal(row["producer__distance_km"], TENTH),
                    "organic_certified": certified,
                },
                "category": {"id": row["category_id"], "name": row["category__name"], "slug": row["category__slug"]},
                "unit": row["unit"],
                "unit_price": _decimal(price, CENT),
                "unit_price_excl_vat": _price_excl_vat(Decimal(str(price)), vat),
                "vat_rate": _decimal(vat, CENT),
                "deposit": _decimal(row["deposit"], CENT),
                "organic": bool(row["organic"]) and certified,
                "sold_by_weight": bool(row["sold_by_weight"]),
                "quantity_step": _decimal(row["quantity_step"], MILLI),
                "minimum_quantity": _decimal(row["minimum_quantity"], MILLI),
                "season_months": mask_to_months(season),
                "in_season": bool(season & bit),
                "allergens": mask_to_allergens(row["allergens"]),
                "stock_available": _decimal(row["stock_available"], MILLI),
                "is_active": bool(row["is_active"]),
            }
        )
    return data


class _ProductWriteFields(serializers.Serializer):
    category = serializers.SlugRelatedField(slug_field="slug", queryset=Category.objects.all())
    name = StrictCharField(max_length=150)
    description = StrictCharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)
    unit = serializers.ChoiceField(choices=Unit.choices, required=False)
    unit_price = StrictDecimalField(max_digits=8, decimal_places=2, min_value=Decimal("0.01"))
    vat_rate = StrictDecimalField(
        max_digits=4, decimal_places=2, required=False, help_text=_("5.5 (default), 10 or 20.")
    )
    organic = StrictBooleanField(required=False)
    sold_by_weight = StrictBooleanField(required=False)
    quantity_step = StrictDecimalField(max_digits=8, decimal_places=3, min_value=Decimal("0.001"), required=False)
    minimum_quantity = StrictDecimalField(max_digits=8, decimal_places=3, min_value=Decimal("0.001"), required=False)
    season_months = serializers.ListField(
        child=StrictIntegerField(min_value=1, max_value=12), min_length=1, max_length=12, required=False
    )
    allergens = serializers.ListField(
        child=serializers.ChoiceField(choices=Allergen.choices), required=False, max_length=len(Allergen.choices)
    )
    is_active = StrictBooleanField(required=False)

    def validate_vat_rate(self, value: Decimal) -> Decimal:
        if value not in VAT_RATES:
            raise serializers.ValidationError(_("The VAT rate must be 5.5, 10 or 20."))
        return value


class ProductCreateInputSerializer(_ProductWriteFields):
    producer = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Producer.objects.all(),
        required=False,
        help_text=_("Required for staff; a producer member creates for its own producer."),
    )


class ProductUpdateInputSerializer(_ProductWriteFields):
    """Every field optional (PATCH). The producer, slug, stock and effective organic flag are not settable."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class StockMovementSerializer(StrictModelSerializer):
    """A ledger movement. `created_by` (the user who caused it: a customer behind an order, a preparer) is shown
    to staff only: the view says so with `context={"show_actor": True}`; anyone else reads null."""

    product_name = StrictCharField(source="product.name", read_only=True)
    created_by = serializers.SerializerMethodField()
    source = serializers.SerializerMethodField(help_text=_("What caused it, e.g. {'type': 'orders.order', 'id': 12}."))

    class Meta:
        model = StockMovement
        fields = ["id", "product", "product_name", "quantity", "reason", "note", "created_by", "created_at", "source"]
        read_only_fields = fields

    @extend_schema_field(
        StrictIntegerField(
            allow_null=True, help_text=_("The user who recorded it: staff only, null for producer members.")
        )
    )
    def get_created_by(self, movement: StockMovement) -> int | None:
        return movement.created_by_id if self.context.get("show_actor") else None

    @extend_schema_field(
        serializers.DictField(allow_null=True, help_text=_("{'type': app_label.model, 'id': primary key}"))
    )
    def get_source(self, movement: StockMovement) -> dict | None:
        if movement.source_type_id is None:
            return None
        ct = movement.source_type
        return {"type": f"{ct.app_label}.{ct.model}", "id": movement.source_id}


class StockRecordInputSerializer(serializers.Serializer):
    product = StrictIntegerField(min_value=1, max_value=MAX_ID)
    operation = serializers.ChoiceField(
        choices=[
            (StockRecordKind.RECEIPT, _("Receipt from a producer")),
            (StockRecordKind.LOSS, _("Loss")),
            (StockRecordKind.COUNT, _("Inventory count")),
        ]
    )
    quantity = StrictDecimalField(
        max_digits=12,
        decimal_places=3,
        min_value=Decimal("0"),
        help_text=_("Received or lost quantity; for a count, the quantity counted on the shelf."),
    )
    note = StrictCharField(max_length=255, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if attrs["operation"] != StockRecordKind.COUNT and attrs["quantity"] <= 0:
            raise serializers.ValidationError({"quantity": [_("Must be greater than zero.")]})
        return attrs


class StockRecordResultSerializer(serializers.Serializer):
    movement = StockMovementSerializer(allow_null=True, help_text=_("Null when a count matched the ledger."))
    stock_available = StrictDecimalField(max_digits=12, decimal_places=3)


class ProductImportInputSerializer(serializers.Serializer):
    producer = serializers.SlugRelatedField(slug_field="slug", queryset=Producer.objects.all())
    file = serializers.FileField(help_text=_("CSV: name, unit, price, VAT, category, stock (see the description)."))


class ProductImportSerializer(StrictModelSerializer):
    producer = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = ProductImport
        fields = ["id", "producer", "filename", "row_count", "created_count", "updated_count", "created_at"]
        read_only_fields = fields


class PhotoInputSerializer(serializers.Serializer):
    photo = serializers.FileField(
        help_text=_("A JPEG, PNG or WebP image; its content is checked, not its name (see PHOTO_MAX_BYTES).")
    )


class PhotoRenditionSerializer(serializers.Serializer):
    url = StrictCharField()
    width = StrictIntegerField()
    height = StrictIntegerField()


class PhotoSerializer(serializers.Serializer):
    """The stored photo and its renditions (made once, when the photo was saved)."""

    photo = StrictCharField(allow_null=True, help_text=_("URL of the original, null without a photo."))
    card = PhotoRenditionSerializer(allow_null=True)
    large = PhotoRenditionSerializer(allow_null=True)


def photo_data(obj) -> dict:
    from .photos import CARD_SIZE, LARGE_SIZE

    if not obj.photo:
        return {"photo": None, "card": None, "large": None}
    return {
        "photo": obj.photo.url,
        "card": {"url": obj.photo_card.url, "width": CARD_SIZE[0], "height": CARD_SIZE[1]},
        "large": {"url": obj.photo_large.url, "width": LARGE_SIZE[0], "height": LARGE_SIZE[1]},
    }
