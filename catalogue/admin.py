"""Admin of the catalogue. The ledger (stock levels, movements, imports) is read-only: stock moves through services."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from ecopole.core.admin import ReadOnlyAdminMixin

from .models import Category, Producer, Product, ProductImport, StockLevel, StockLot, StockMovement
from .season import Allergen, allergens_to_mask, mask_to_allergens, mask_to_months, months_to_mask
from .services.producers import producer_derive
from .services.products import product_derive

MONTH_CHOICES = [
    (1, _("January")),
    (2, _("February")),
    (3, _("March")),
    (4, _("April")),
    (5, _("May")),
    (6, _("June")),
    (7, _("July")),
    (8, _("August")),
    (9, _("September")),
    (10, _("October")),
    (11, _("November")),
    (12, _("December")),
]


class MemberInline(admin.TabularInline):
    model = get_user_model()
    fk_name = "producer"
    fields = ["email", "full_name", "is_active"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = _("member account")
    verbose_name_plural = _("member accounts (set the producer on the user to add one)")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Producer)
class ProducerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "commune", "distance_km", "organic_certifier", "organic_certificate_valid_until"]
    list_filter = ["kind", "organic_certifier"]
    search_fields = ["name", "slug", "commune", "organic_certificate_number"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["distance_km"]
    inlines = [MemberInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "description"]}),
        (_("Location"), {"fields": ["commune", "latitude", "longitude", "distance_km"]}),
        (
            _("Organic certification"),
            {"fields": ["organic_certifier", "organic_certificate_number", "organic_certificate_valid_until"]},
        ),
        (_("Invoicing"), {"fields": ["siret", "vat_number", "billing_address", "billing_postcode"]}),
    ]

    def save_model(self, request, obj, form, change):
        producer_derive(producer=obj)
        super().save_model(request, obj, form, change)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class ProductAdminForm(forms.ModelForm):
    months = forms.TypedMultipleChoiceField(
        label=_("months in season"), choices=MONTH_CHOICES, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    allergen_list = forms.MultipleChoiceField(
        label=_("allergens"), choices=Allergen.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Product
        fields = [
            "producer",
            "category",
            "name",
            "slug",
            "description",
            "unit",
            "unit_price",
            "vat_rate",
            "organic",
            "sold_by_weight",
            "quantity_step",
            "minimum_quantity",
            "deposit",
            "is_active",
            "tracked_by_lot",
            "ingredients",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["months"] = mask_to_months(self.instance.season_months)
        self.initial["allergen_list"] = mask_to_allergens(self.instance.allergens)

    def save(self, commit=True):
        self.instance.season_months = months_to_mask(self.cleaned_data["months"])
        self.instance.allergens = allergens_to_mask(self.cleaned_data["allergen_list"])
        return super().save(commit=commit)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    form = ProductAdminForm
    list_display = ["name", "producer", "category", "unit", "unit_price", "vat_rate", "organic", "stock_display"]
    list_filter = ["is_active", "organic", "category", "producer", "unit", "vat_rate", "sold_by_weight"]
    search_fields = ["name", "slug", "search_text", "producer__name"]
    list_select_related = ["producer", "category", "stock"]
    autocomplete_fields = ["producer", "category"]
    readonly_fields = ["stock_display", "created_at", "updated_at"]

    @admin.display(description=_("stock"))
    def stock_display(self, product):
        try:
            return product.stock.quantity
        except StockLevel.DoesNotExist:
            return 0

    def save_model(self, request, obj, form, change):
        product_derive(product=obj)
        super().save_model(request, obj, form, change)


@admin.register(StockLevel)
class StockLevelAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["product", "quantity", "updated_at"]
    list_select_related = ["product"]
    search_fields = ["product__name"]
    list_filter = ["product__producer"]


@admin.register(StockLot)
class StockLotAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "product", "best_before", "quantity", "blocked_at"]
    list_select_related = ["product"]
    search_fields = ["code", "product__name"]
    list_filter = ["product__producer"]


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "product",
        "lot",
        "quantity",
        "reason",
        "created_by",
        "source_type",
        "source_id",
        "note",
    ]
    list_select_related = ["product", "lot", "created_by", "source_type"]
    list_filter = ["reason", "product__producer"]
    search_fields = ["product__name", "note"]
    date_hierarchy = "created_at"


@admin.register(ProductImport)
class ProductImportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "producer", "filename", "row_count", "created_count", "updated_count", "created_by"]
    list_select_related = ["producer", "created_by"]
    list_filter = ["producer"]
    search_fields = ["filename", "checksum"]
