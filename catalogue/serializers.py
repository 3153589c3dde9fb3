from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Category, Producer, Product, ProductImport, StockMovement, Unit, VatRate
from .season import Allergen
from .selectors import MAX_ID
from .services.stock import StockRecordKind

VAT_RATES = {Decimal(value) for value in VatRate.values}


class ProducerSerializer(serializers.ModelSerializer):
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


class ProducerSummarySerializer(ProducerSerializer):
    class Meta(ProducerSerializer.Meta):
        fields = ["id", "name", "slug", "kind", "commune", "distance_km", "organic_certified"]
        read_only_fields = fields


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "slug"]
        read_only_fields = fields


class ProductSerializer(serializers.ModelSerializer):
    """A product as shown in the catalogue. `organic` is the effective flag: claimed AND certificate valid today."""

    producer = ProducerSummarySerializer(read_only=True)
    category = CategorySerializer(read_only=True)
    organic = serializers.SerializerMethodField(help_text=_("Shown as organic: the producer's certificate is valid."))
    unit_price_excl_vat = serializers.SerializerMethodField()
    vat_rate = serializers.DecimalField(max_digits=4, decimal_places=2, read_only=True, help_text=_("In %."))
    stock_available = serializers.SerializerMethodField()
    season_months = serializers.SerializerMethodField(help_text=_("Months in season, 1 = January."))
    in_season = serializers.SerializerMethodField(help_text=_("In season this month (Europe/Paris)."))
    allergens = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = [
            "id",
            "slug",
            "name",
            "description",
            "producer",
            "category",
            "unit",
            "unit_price",
            "unit_price_excl_vat",
            "vat_rate",
            "organic",
            "sold_by_weight",
            "quantity_step",
            "minimum_quantity",
            "season_months",
            "in_season",
            "allergens",
            "stock_available",
            "is_active",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_organic(self, product: Product) -> bool:
        return product.organic_effective

    @extend_schema_field(serializers.DecimalField(max_digits=8, decimal_places=2))
    def get_unit_price_excl_vat(self, product: Product) -> str:
        net = product.unit_price / (1 + Decimal(product.vat_rate) / 100)
        return str(net.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))

    @extend_schema_field(serializers.DecimalField(max_digits=12, decimal_places=3))
    def get_stock_available(self, product: Product) -> str:
        quantity = getattr(product, "stock_available", None)
        if quantity is None:
            from .services.stock import stock_available

            quantity = stock_available(product_id=product.pk)
        return str(Decimal(quantity).quantize(Decimal("0.001")))

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=12)))
    def get_season_months(self, product: Product) -> list[int]:
        return product.months_in_season

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_in_season(self, product: Product) -> bool:
        month = self.context.get("month") or timezone.localdate().month
        return product.is_in_season(month)

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Allergen.choices)))
    def get_allergens(self, product: Product) -> list[str]:
        return product.allergen_codes


class _ProductWriteFields(serializers.Serializer):
    category = serializers.SlugRelatedField(slug_field="slug", queryset=Category.objects.all())
    name = serializers.CharField(max_length=150)
    description = serializers.CharField(required=False, allow_blank=True)
    unit = serializers.ChoiceField(choices=Unit.choices, required=False)
    unit_price = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=Decimal("0.01"))
    vat_rate = serializers.DecimalField(
        max_digits=4, decimal_places=2, required=False, help_text=_("5.5 (default), 10 or 20.")
    )
    organic = serializers.BooleanField(required=False)
    sold_by_weight = serializers.BooleanField(required=False)
    quantity_step = serializers.DecimalField(max_digits=8, decimal_places=3, min_value=Decimal("0.001"), required=False)
    minimum_quantity = serializers.DecimalField(
        max_digits=8, decimal_places=3, min_value=Decimal("0.001"), required=False
    )
    season_months = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=12), min_length=1, max_length=12, required=False
    )
    allergens = serializers.ListField(child=serializers.ChoiceField(choices=Allergen.choices), required=False)
    is_active = serializers.BooleanField(required=False)

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


class StockMovementSerializer(serializers.ModelSerializer):
    product_name = serializers.CharField(source="product.name", read_only=True)
    created_by = serializers.SerializerMethodField()
    source = serializers.SerializerMethodField(help_text=_("What caused it, e.g. {'type': 'orders.order', 'id': 12}."))

    class Meta:
        model = StockMovement
        fields = ["id", "product", "product_name", "quantity", "reason", "note", "created_by", "created_at", "source"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.INT)
    def get_created_by(self, movement: StockMovement) -> int | None:
        return movement.created_by_id

    @extend_schema_field(
        serializers.DictField(allow_null=True, help_text=_("{'type': app_label.model, 'id': primary key}"))
    )
    def get_source(self, movement: StockMovement) -> dict | None:
        if movement.source_type_id is None:
            return None
        ct = movement.source_type
        return {"type": f"{ct.app_label}.{ct.model}", "id": movement.source_id}


class StockRecordInputSerializer(serializers.Serializer):
    product = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    operation = serializers.ChoiceField(
        choices=[
            (StockRecordKind.RECEIPT, _("Receipt from a producer")),
            (StockRecordKind.LOSS, _("Loss")),
            (StockRecordKind.COUNT, _("Inventory count")),
        ]
    )
    quantity = serializers.DecimalField(
        max_digits=12,
        decimal_places=3,
        min_value=Decimal("0"),
        help_text=_("Received or lost quantity; for a count, the quantity counted on the shelf."),
    )
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if attrs["operation"] != StockRecordKind.COUNT and attrs["quantity"] <= 0:
            raise serializers.ValidationError({"quantity": [_("Must be greater than zero.")]})
        return attrs


class StockRecordResultSerializer(serializers.Serializer):
    movement = StockMovementSerializer(allow_null=True, help_text=_("Null when a count matched the ledger."))
    stock_available = serializers.DecimalField(max_digits=12, decimal_places=3)


class ProductImportInputSerializer(serializers.Serializer):
    producer = serializers.SlugRelatedField(slug_field="slug", queryset=Producer.objects.all())
    file = serializers.FileField(help_text=_("CSV: name, unit, price, VAT, category, stock (see the description)."))


class ProductImportSerializer(serializers.ModelSerializer):
    producer = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = ProductImport
        fields = ["id", "producer", "filename", "row_count", "created_count", "updated_count", "created_at"]
        read_only_fields = fields
