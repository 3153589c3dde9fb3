from django.contrib import admin

from .models import DeliveryDay, DeliveryZone, PickupPoint


class DeliveryDayInline(admin.TabularInline):
    model = DeliveryDay
    extra = 0
    fields = ["weekday", "cutoff_weekday", "cutoff_time", "is_active"]


@admin.register(PickupPoint)
class PickupPointAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "commune", "is_depot", "is_active"]
    list_filter = ["kind", "is_depot", "is_active", "commune"]
    search_fields = ["name", "slug", "address", "commune"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DeliveryDayInline]


@admin.register(DeliveryZone)
class DeliveryZoneAdmin(admin.ModelAdmin):
    list_display = ["name", "delivery_fee", "minimum_order", "free_delivery_threshold", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug", "communes"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DeliveryDayInline]


@admin.register(DeliveryDay)
class DeliveryDayAdmin(admin.ModelAdmin):
    list_display = ["__str__", "pickup_point", "zone", "weekday", "cutoff_weekday", "cutoff_time", "is_active"]
    list_filter = ["weekday", "is_active", "pickup_point", "zone"]
    search_fields = ["pickup_point__name", "zone__name"]
    list_select_related = ["pickup_point", "zone"]
