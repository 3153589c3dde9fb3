from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ecopole.core.admin import ReadOnlyAdminMixin, ReadOnlyInline

from .models import (
    BanAddress,
    DeliveryDay,
    DeliveryWindow,
    DeliveryZone,
    PickupPoint,
    PlanningJob,
    PlanningRun,
    Round,
    RoundEvent,
    SavedAddress,
    Stop,
    Vehicle,
)
from .serializers import proof_url

PROOF_FILES = ("proof_photo", "proof_signature")
PROOF_LINKS = ("proof_photo_link", "proof_signature_link")


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
    fieldsets = [
        (None, {"fields": ["name", "slug", "communes", "delivery_fee", "minimum_order", "free_delivery_threshold"]}),
        (
            _("Area of the home addresses (empty: DELIVERIES_SERVICE_AREA)"),
            {"fields": [("south", "north"), ("west", "east")]},
        ),
        (None, {"fields": ["is_active"]}),
    ]


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


@admin.register(Vehicle)
class VehicleAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "operator", "capacity_kg", "capacity_crates", "speed_kmh", "shift_start"]
    list_display = [*list_display, "shift_end", "default_driver", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "operator", "allowed_communes"]
    list_select_related = ["default_driver"]


class StopInline(ReadOnlyInline):
    model = Stop
    fields = ["sequence", "kind", "label", "commune", "window_start", "window_end", "arrival_at", "load_kg"]
    fields = [*fields, "load_crates", "status", "failure_reason", "resolution"]
    readonly_fields = fields
    ordering = ["sequence"]


class RoundEventInline(ReadOnlyInline):
    model = RoundEvent
    fields = ["created_at", "kind", "stop", "from_value", "to_value", "actor", "note"]
    readonly_fields = fields


@admin.register(Round)
class RoundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Rounds change through the services (API: plan, start, deliver, reorder, lock); the admin shows them."""

    deletable = True
    list_display = ["date", "vehicle", "driver", "status", "is_locked", "distance_km", "load_kg", "load_crates"]
    list_display = [*list_display, "planned_start", "planned_end"]
    list_filter = ["status", "is_locked", "vehicle", "date"]
    search_fields = ["vehicle__name", "driver__email", "driver__full_name"]
    list_select_related = ["vehicle", "driver"]
    date_hierarchy = "date"
    inlines = [StopInline, RoundEventInline]


@admin.register(Stop)
class StopAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    deletable = True
    list_display = ["round", "sequence", "kind", "label", "commune", "arrival_at", "load_kg", "status"]
    list_filter = ["kind", "status", "failure_reason", "resolution", "round__date"]
    search_fields = ["label", "address", "commune", "source_key"]
    list_select_related = ["round__vehicle"]
    # The proof's files have no public URL: links to the authorised view instead of the storage's URL.
    fields = [f.name for f in Stop._meta.fields if f.name not in PROOF_FILES] + ["orders", *PROOF_LINKS]
    readonly_fields = fields

    @admin.display(description=_("proof photo"))
    def proof_photo_link(self, stop):
        return self._proof_link(stop, "photo", stop.proof_photo)

    @admin.display(description=_("proof signature"))
    def proof_signature_link(self, stop):
        return self._proof_link(stop, "signature", stop.proof_signature)

    def _proof_link(self, stop, part, file):
        if not file:
            return "-"
        return format_html('<a href="{}">{}</a>', proof_url(stop, part), _("open"))


@admin.register(RoundEvent)
class RoundEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["round", "kind", "stop", "from_value", "to_value", "actor", "created_at"]
    list_filter = ["kind"]
    search_fields = ["round__vehicle__name", "actor__email", "note"]
    list_select_related = ["round__vehicle", "stop", "actor"]


@admin.register(PlanningRun)
class PlanningRunAdmin(admin.ModelAdmin):
    list_display = ["date", "planned_at", "planned_by", "runs", "auto_planned_at"]
    list_filter = ["date"]
    search_fields = ["date"]
    readonly_fields = ["date", "planned_at", "planned_by", "runs", "unassigned", "auto_planned_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(PlanningJob)
class PlanningJobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    deletable = True
    list_display = ["date", "status", "requested_by", "attempts", "error_code", "created_at", "finished_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in PlanningJob._meta.fields]


@admin.register(BanAddress)
class BanAddressAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The offline geocoder's addresses: read only (`manage.py import_ban` fills them)."""

    deletable = True
    list_display = ["street", "number", "repetition", "postcode", "commune", "latitude", "longitude"]
    list_filter = ["commune"]
    search_fields = ["search"]
    readonly_fields = [
        "id",
        "number",
        "repetition",
        "street",
        "postcode",
        "citycode",
        "commune",
        "latitude",
        "longitude",
    ]


@admin.register(SavedAddress)
class SavedAddressAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Customers' saved addresses: their own to change (the shop, the API); staff read them here."""

    deletable = True
    list_display = ["customer", "label", "street", "postcode", "commune", "is_default"]
    search_fields = ["customer__email", "street", "commune"]
    list_select_related = ["customer"]
    readonly_fields = [
        "customer",
        "label",
        "street",
        "postcode",
        "commune",
        "citycode",
        "latitude",
        "longitude",
        "is_default",
    ]


@admin.register(DeliveryWindow)
class DeliveryWindowAdmin(admin.ModelAdmin):
    """Staff open windows and set capacities here; `taken` changes only through orders (services.windows)."""

    list_display = ["date", "zone", "start", "end", "capacity", "taken"]
    list_filter = ["zone", "date"]
    readonly_fields = ["end", "taken"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        from .services.windows import delivery_window_capacity_set, delivery_window_create

        if change:
            delivery_window_capacity_set(window_id=obj.pk, capacity=obj.capacity, actor=request.user)
        else:
            saved = delivery_window_create(
                zone_id=obj.zone_id, day=obj.date, start=obj.start, capacity=obj.capacity, actor=request.user
            )
            obj.pk, obj.end, obj.taken = saved.pk, saved.end, saved.taken
