from django.contrib import admin

from ecopole.core.admin import ReadOnlyAdminMixin, ReadOnlyInline

from .models import CounterSale, CounterSaleLine, IdempotencyRecord, Order, OrderEvent, OrderLine, OrderNotification


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = [
        "product_name",
        "unit",
        "unit_price",
        "vat_rate",
        "quantity",
        "prepared_quantity",
        "line_total",
        "deposit",
        "deposit_amount",
    ]
    readonly_fields = fields


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ["created_at", "kind", "from_value", "to_value", "actor", "note"]
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Orders change only through the services (API): the admin shows them, it does not edit them."""

    list_display = ["id", "customer", "status", "fulfilment", "pickup_point", "delivery_zone", "delivery_date"]
    list_display = [*list_display, "total", "payment_status", "flag"]
    list_filter = ["flag", "status", "fulfilment", "payment_status", "delivery_date", "pickup_point", "delivery_zone"]
    search_fields = ["id", "customer__email", "customer__full_name", "delivery_commune", "note"]
    list_select_related = ["customer", "pickup_point", "delivery_zone"]
    date_hierarchy = "delivery_date"
    inlines = [OrderLineInline, OrderEventInline]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The order page shows the customer's address, phone and note: one audit event per access.
        if request.method == "GET" and str(object_id).isdigit():
            from ecopole.core.audit import personal_data_access_record

            order = Order.objects.filter(pk=int(object_id)).only("pk", "customer_id").first()
            if order is not None:
                personal_data_access_record(
                    actor=request.user, subject_id=order.customer_id, obj=order, where="admin:order"
                )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(OrderEvent)
class OrderEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["order", "kind", "from_value", "to_value", "actor", "created_at"]
    list_filter = ["kind", "to_value"]
    search_fields = ["order__id", "actor__email", "note"]
    list_select_related = ["order", "actor"]


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    deletable = True
    list_display = ["key", "user", "order", "created_at"]
    search_fields = ["key", "user__email"]
    list_select_related = ["user", "order"]
    list_filter = ["created_at"]
    readonly_fields = ["user", "key", "request_hash", "order", "created_at"]


@admin.register(OrderNotification)
class OrderNotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    deletable = True
    list_display = ["order", "kind", "created_at", "sent_at"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["order__id", "order__customer__email"]
    list_select_related = ["order"]


class CounterSaleLineInline(ReadOnlyInline):
    model = CounterSaleLine
    fields = [
        "product_name",
        "unit",
        "unit_price",
        "vat_rate",
        "quantity",
        "line_total",
        "vat_amount",
        "deposit_amount",
    ]
    readonly_fields = fields


@admin.register(CounterSale)
class CounterSaleAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Sales at the épicerie's counter (the staff pages record them through `counter_sale_record`): read-only here,
    as the stock they took left through the ledger."""

    list_display = ["id", "created_at", "seller", "payment_method", "total"]
    list_filter = ["payment_method", "created_at"]
    date_hierarchy = "created_at"
    inlines = [CounterSaleLineInline]
    readonly_fields = [
        "seller",
        "payment_method",
        "subtotal",
        "vat_total",
        "vat_breakdown",
        "deposit_total",
        "total",
        "created_at",
    ]
