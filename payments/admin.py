"""Admin pages. Money only moves through the services (the webhook, the capture, the counter's record, vouchers,
jars): payments, their movements, the balance and its entries are read-only here. Staff add voucher partners."""

from django.contrib import admin

from ecopole.core.admin import ReadOnlyAdminMixin

from .models import (
    BalanceEntry,
    CustomerBalance,
    JarReturn,
    Payment,
    PaymentMovement,
    StripeEvent,
    Voucher,
    VoucherPartner,
)


class PaymentMovementInline(admin.TabularInline):
    model = PaymentMovement
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "amount", "reference", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["pk", "source", "ref", "customer", "provider", "method", "status", "amount_captured"]
    list_filter = ["provider", "status", "method"]
    search_fields = ["provider_reference", "customer__email"]
    inlines = [PaymentMovementInline]


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["event_id", "type", "payment", "received_at"]
    search_fields = ["event_id"]


@admin.register(CustomerBalance)
class CustomerBalanceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["customer", "amount", "updated_at"]
    search_fields = ["customer__email"]


@admin.register(BalanceEntry)
class BalanceEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["customer", "kind", "amount", "balance_after", "created_at"]
    list_filter = ["kind"]
    search_fields = ["customer__email"]


@admin.register(VoucherPartner)
class VoucherPartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
    search_fields = ["name"]


@admin.register(Voucher)
class VoucherAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["partner", "number", "value", "customer", "received_at"]
    list_filter = ["partner"]
    search_fields = ["number", "customer__email"]


@admin.register(JarReturn)
class JarReturnAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["customer", "product", "quantity", "amount", "place", "created_at"]
    list_filter = ["place"]
