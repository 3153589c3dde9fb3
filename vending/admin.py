"""Admin pages. Stock ledgers and what the machine reported are read-only: stock changes go through the services
(the API for refills and removals), never through a form that would bypass the ledger."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from ecopole.core.admin import ReadOnlyAdminMixin
from ecopole.core.exceptions import ApplicationError
from ecopole.core.permissions import is_manager

from .models import (
    Anomaly,
    Compartment,
    CompartmentMovement,
    InventoryCount,
    LockerReservation,
    Machine,
    OpeningPeriod,
    Refill,
    RefillRequest,
    RefillRequestEvent,
    RefillRequestLine,
    Removal,
    Sale,
    SaleReview,
)
from .services import locker_reservation_cancel, machine_key_rotate, sale_accept


class OpeningPeriodInline(admin.TabularInline):
    model = OpeningPeriod
    extra = 0


class CompartmentInline(admin.TabularInline):
    model = Compartment
    extra = 0
    fields = ["code", "kind", "position", "capacity", "low_threshold", "product", "quantity", "price", "filled_at"]
    readonly_fields = ["product", "quantity", "price", "filled_at"]
    show_change_link = True


@admin.register(Machine)
class MachineAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "commune",
        "place",
        "pickup_point",
        "at_depot",
        "is_active",
        "api_key_prefix",
        "api_key_rotated_at",
    ]
    list_filter = ["is_active", "at_depot", "commune"]
    search_fields = ["name", "place", "commune"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["api_key_prefix", "api_key_rotated_at"]
    list_select_related = ["pickup_point"]
    inlines = [OpeningPeriodInline, CompartmentInline]
    actions = ["rotate_key"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            key = machine_key_rotate(machine=obj, user=request.user)
            self.message_user(
                request,
                _("API key of %(machine)s (shown once, store it in the machine now): %(key)s")
                % {"machine": obj, "key": key},
                messages.WARNING,
            )

    @admin.action(description=_("Rotate the API key (the old key stops working)"))
    def rotate_key(self, request, queryset):
        for machine in queryset:
            key = machine_key_rotate(machine=machine, user=request.user)
            self.message_user(
                request,
                _("API key of %(machine)s (shown once, store it in the machine now): %(key)s")
                % {"machine": machine, "key": key},
                messages.WARNING,
            )


@admin.register(Compartment)
class CompartmentAdmin(admin.ModelAdmin):
    list_display = ["machine", "code", "kind", "product", "quantity", "capacity", "price", "filled_at", "is_active"]
    list_filter = ["machine", "kind", "is_active"]
    search_fields = ["code", "machine__name", "product__name"]
    list_select_related = ["machine", "product"]
    readonly_fields = ["product", "quantity", "price", "filled_at"]


@admin.register(Refill)
class RefillAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "compartment", "product", "quantity", "price", "created_by"]
    list_filter = ["compartment__machine"]
    search_fields = ["product__name", "compartment__code"]
    list_select_related = ["compartment__machine", "product", "created_by"]


@admin.register(Removal)
class RemovalAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "compartment", "product", "quantity", "note", "created_by"]
    list_filter = ["compartment__machine"]
    search_fields = ["product__name", "note"]
    list_select_related = ["compartment__machine", "product", "created_by"]


@admin.register(Sale)
class SaleAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "sold_at",
        "machine",
        "compartment_code",
        "product",
        "quantity",
        "recorded_quantity",
        "amount",
        "review",
        "received_at",
    ]
    list_filter = ["review", "machine", "sold_at"]
    search_fields = ["transaction_id", "compartment_code", "product__name"]
    list_select_related = ["machine", "product"]
    date_hierarchy = "sold_at"
    actions = ["accept_flagged"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not is_manager(request.user):
            actions.pop("accept_flagged", None)
        return actions

    @admin.action(description=_("Accept the selected flagged sales (they count in revenue)"))
    def accept_flagged(self, request, queryset):
        accepted = skipped = 0
        for sale_id in queryset.filter(review=SaleReview.FLAGGED).values_list("pk", flat=True):
            try:
                sale_accept(sale_id=sale_id, user=request.user, note="admin")
            except ApplicationError:
                skipped += 1
            else:
                accepted += 1
        skipped += queryset.exclude(review=SaleReview.FLAGGED).count()
        self.message_user(
            request,
            _("%(accepted)d sale(s) accepted, %(skipped)d left as they were (not flagged).")
            % {"accepted": accepted, "skipped": skipped},
            messages.SUCCESS,
        )


@admin.register(InventoryCount)
class InventoryCountAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["counted_at", "machine", "count_id", "received_at"]
    list_filter = ["machine"]
    search_fields = ["count_id"]


@admin.register(CompartmentMovement)
class CompartmentMovementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "compartment", "product", "kind", "quantity", "unit_price"]
    list_filter = ["kind", "compartment__machine"]
    search_fields = ["product__name", "compartment__code"]
    list_select_related = ["compartment__machine", "product"]


@admin.register(Anomaly)
class AnomalyAdmin(admin.ModelAdmin):
    list_display = ["created_at", "machine", "compartment", "kind", "resolved_at"]
    list_filter = ["kind", "machine", "resolved_at"]
    search_fields = ["compartment__code", "sale__transaction_id"]
    readonly_fields = ["machine", "compartment", "kind", "sale", "inventory_count", "details", "created_at"]
    list_select_related = ["machine", "compartment"]

    def has_add_permission(self, request):
        return False


class RefillRequestLineInline(admin.TabularInline):
    model = RefillRequestLine
    extra = 0
    can_delete = False
    readonly_fields = [
        "compartment",
        "product",
        "reason",
        "current_quantity",
        "remove_quantity",
        "suggested_quantity",
    ]

    def has_add_permission(self, request, obj=None):
        return False


class RefillRequestEventInline(admin.TabularInline):
    model = RefillRequestEvent
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "user", "note", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RefillRequest)
class RefillRequestAdmin(admin.ModelAdmin):
    list_display = ["date", "machine", "status", "load_kg", "emailed_at"]
    list_filter = ["status", "machine"]
    search_fields = ["machine__name"]
    readonly_fields = ["machine", "date", "status", "load_kg", "emailed_at", "created_at"]
    inlines = [RefillRequestLineInline, RefillRequestEventInline]
    list_select_related = ["machine"]

    def has_add_permission(self, request):
        return False


@admin.register(LockerReservation)
class LockerReservationAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "compartment",
        "order",
        "pickup_date",
        "valid_until",
        "is_active",
        "failed_attempts",
        "locked_out",
        "opened_at",
        "expired_at",
    ]
    list_filter = ["is_active", "locked_out", "compartment__machine"]
    search_fields = ["=order__id", "order__customer__email", "compartment__code"]
    list_select_related = ["compartment__machine"]
    exclude = ["code_hash"]
    readonly_fields = [
        "compartment",
        "order",
        "pickup_date",
        "valid_until",
        "failed_attempts",
        "locked_out",
        "is_active",
        "opened_at",
        "expired_at",
        "created_at",
    ]
    actions = ["free_locker"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Free the locker (cancel the reservation)"))
    def free_locker(self, request, queryset):
        for reservation in queryset:
            locker_reservation_cancel(reservation=reservation, user=request.user)


@admin.register(OpeningPeriod)
class OpeningPeriodAdmin(admin.ModelAdmin):
    list_display = ["machine", "weekday", "opens_at", "closes_at"]
    list_filter = ["machine", "weekday"]
    search_fields = ["machine__name"]


@admin.register(RefillRequestLine)
class RefillRequestLineAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["refill_request", "compartment", "product", "reason", "remove_quantity", "suggested_quantity"]
    list_filter = ["reason", "refill_request__status"]
    search_fields = ["compartment__code", "product__name"]
    list_select_related = ["refill_request__machine", "compartment__machine", "product"]


@admin.register(RefillRequestEvent)
class RefillRequestEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "refill_request", "from_status", "to_status", "user"]
    list_filter = ["to_status"]
    search_fields = ["refill_request__machine__name", "note"]
    list_select_related = ["refill_request__machine", "user"]
