from django.contrib import admin

from .models import (
    BillingLine,
    Booking,
    BookingEvent,
    BookingLine,
    CalendarFeed,
    ClosedDay,
    Equipment,
    Lot,
    LotInput,
    LotSequence,
    OpeningHours,
    ProcessShelfLife,
    Statement,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Ledgers and journals: written by the services only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Equipment)
class EquipmentAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "hourly_rate", "consumable_rate", "consumable_unit", "slot_minutes",
                    "cleaning_buffer_minutes", "capacity", "is_active"]  # fmt: skip
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(OpeningHours)
class OpeningHoursAdmin(admin.ModelAdmin):
    list_display = ["weekday", "opens_at", "closes_at"]
    list_filter = ["weekday"]
    search_fields = ["weekday"]


@admin.register(ClosedDay)
class ClosedDayAdmin(admin.ModelAdmin):
    list_display = ["date", "reason"]
    list_filter = ["date"]
    search_fields = ["reason"]


@admin.register(ProcessShelfLife)
class ProcessShelfLifeAdmin(admin.ModelAdmin):
    list_display = ["process", "best_before_days"]
    list_filter = ["process"]
    search_fields = ["process"]


class BookingLineInline(admin.TabularInline):
    model = BookingLine
    extra = 0
    can_delete = False
    readonly_fields = ["equipment", "starts_at", "ends_at", "blocked_until", "is_active", "exclusive", "jars"]

    def has_add_permission(self, request, obj=None):
        return False


class BookingEventInline(admin.TabularInline):
    model = BookingEvent
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "at", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Status changes go through the API (services): here the status and slot are read-only."""

    list_display = ["id", "producer", "starts_at", "ends_at", "status", "process", "raw_product_name", "organic"]
    list_filter = ["status", "process", "organic", "needs_technician"]
    search_fields = ["producer__name", "raw_product_name", "expected_output"]
    date_hierarchy = "starts_at"
    list_select_related = ["producer"]
    readonly_fields = ["producer", "starts_at", "ends_at", "status", "hold_expires_at", "hours_used", "created_by",
                       "created_at", "updated_at"]  # fmt: skip
    raw_id_fields = ["raw_product"]
    inlines = [BookingLineInline, BookingEventInline]


@admin.register(BookingEvent)
class BookingEventAdmin(ReadOnlyAdmin):
    list_display = ["booking", "from_status", "to_status", "actor", "at"]
    list_filter = ["to_status"]
    search_fields = ["booking__producer__name", "note"]


class LotInputInline(admin.TabularInline):
    model = LotInput
    extra = 0


@admin.register(Lot)
class LotAdmin(admin.ModelAdmin):
    list_display = ["code", "producer", "process", "description", "quantity", "unit", "production_date", "best_before"]
    list_filter = ["process", "organic", "production_date"]
    search_fields = ["code", "description", "producer__name"]
    readonly_fields = ["code", "booking", "producer", "product", "quantity", "production_date", "created_by"]
    inlines = [LotInputInline]


@admin.register(LotSequence)
class LotSequenceAdmin(ReadOnlyAdmin):
    list_display = ["day", "last"]
    list_filter = ["day"]
    search_fields = ["day"]


@admin.register(BillingLine)
class BillingLineAdmin(ReadOnlyAdmin):
    list_display = ["billed_on", "producer", "kind", "description", "quantity", "unit_price", "amount", "statement"]
    list_filter = ["kind", "billed_on"]
    search_fields = ["producer__name", "description"]


@admin.register(Statement)
class StatementAdmin(ReadOnlyAdmin):
    list_display = ["producer", "month", "total", "created_at", "emailed_at"]
    list_filter = ["month"]
    search_fields = ["producer__name"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["producer", "is_active", "created_at", "revoked_at"]
    list_filter = ["is_active"]
    search_fields = ["producer__name"]
    readonly_fields = ["token", "created_by", "created_at", "revoked_at"]
