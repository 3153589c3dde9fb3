"""Admin pages of the cabas bio. Offers are edited here; compositions, subscriptions, runs and deliveries change
through the services (API) and are shown read-only; solidarity eligibilities go through `solidarity_grant` /
`solidarity_revoke` so that every change is audited, and only managers may touch them."""

from django.contrib import admin

from ecopole.core.permissions import is_manager

from .models import (
    BasketComposition,
    BasketCompositionLine,
    BasketDelivery,
    BasketOffer,
    BasketPause,
    BasketRun,
    BasketSkip,
    BasketSubscription,
    SolidarityEligibility,
)
from .services.solidarity import solidarity_grant_in_transaction, solidarity_revoke_in_transaction


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(BasketOffer)
class BasketOfferAdmin(admin.ModelAdmin):
    list_display = ["name", "size", "price", "solidarity_price", "indicative_weight", "distribution_weekday"]
    list_display = [*list_display, "is_active", "position"]
    list_filter = ["size", "is_active", "distribution_weekday"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}


class CompositionLineInline(_ReadOnlyInline):
    model = BasketCompositionLine
    fields = ["product", "quantity"]
    readonly_fields = fields


@admin.register(BasketComposition)
class BasketCompositionAdmin(_ReadOnlyAdmin):
    list_display = ["offer", "iso_week", "week_start", "status", "published_at", "published_by"]
    list_filter = ["status", "offer", "week_start"]
    search_fields = ["offer__name", "note"]
    list_select_related = ["offer", "published_by"]
    inlines = [CompositionLineInline]


@admin.register(SolidarityEligibility)
class SolidarityEligibilityAdmin(admin.ModelAdmin):
    list_display = ["customer", "valid_until", "granted_by", "note", "updated_at"]
    list_filter = ["valid_until"]
    search_fields = ["customer__email", "customer__full_name", "note"]
    list_select_related = ["customer", "granted_by"]
    autocomplete_fields = ["customer"]
    fields = ["customer", "valid_until", "note"]

    def has_module_permission(self, request) -> bool:
        return is_manager(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_manager(request.user)

    def has_add_permission(self, request) -> bool:
        return is_manager(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_manager(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_manager(request.user)

    def get_readonly_fields(self, request, obj=None):
        return ["customer"] if obj is not None else []

    def save_model(self, request, obj, form, change) -> None:
        saved = solidarity_grant_in_transaction(
            customer_id=obj.customer_id, valid_until=obj.valid_until, note=obj.note, actor=request.user
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj) -> None:
        solidarity_revoke_in_transaction(eligibility_id=obj.pk, actor=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for pk in queryset.values_list("pk", flat=True):
            solidarity_revoke_in_transaction(eligibility_id=pk, actor=request.user)


class SkipInline(_ReadOnlyInline):
    model = BasketSkip
    fields = ["date", "created_at"]
    readonly_fields = fields


class PauseInline(_ReadOnlyInline):
    model = BasketPause
    fields = ["start_date", "end_date", "created_at"]
    readonly_fields = fields


@admin.register(BasketSubscription)
class BasketSubscriptionAdmin(_ReadOnlyAdmin):
    list_display = ["id", "customer", "offer", "frequency", "start_date", "status", "fulfilment", "pickup_point"]
    list_display = [*list_display, "delivery_zone"]
    list_filter = ["status", "offer", "frequency", "fulfilment", "pickup_point", "delivery_zone"]
    search_fields = ["id", "customer__email", "customer__full_name", "delivery_commune"]
    list_select_related = ["customer", "offer", "pickup_point", "delivery_zone"]
    inlines = [SkipInline, PauseInline]


@admin.register(BasketRun)
class BasketRunAdmin(_ReadOnlyAdmin):
    list_display = ["offer", "date", "status", "deliveries_count", "solidarity_count", "generated_at", "attempted_at"]
    list_filter = ["status", "offer", "date"]
    search_fields = ["offer__name"]
    list_select_related = ["offer"]
    date_hierarchy = "date"


@admin.register(BasketDelivery)
class BasketDeliveryAdmin(_ReadOnlyAdmin):
    list_display = ["id", "date", "customer", "offer", "fulfilment", "pickup_point", "delivery_zone", "price"]
    list_display = [*list_display, "solidarity", "delivery_fee", "status"]
    list_filter = ["status", "solidarity", "offer", "fulfilment", "pickup_point", "delivery_zone", "date"]
    search_fields = ["id", "customer__email", "customer__full_name"]
    list_select_related = ["customer", "offer", "pickup_point", "delivery_zone"]
    date_hierarchy = "date"
