from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from ecopole.core.admin import ReadOnlyAdminMixin
from ecopole.core.exceptions import ApplicationError
from ecopole.core.fields import TEXT_MAX_LENGTH
from ecopole.core.permissions import is_manager

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
    LotRecall,
    LotSequence,
    OpeningHours,
    ProcessShelfLife,
    Statement,
)
from .services.recall import lot_recall


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
class BookingEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
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
    actions = ["recall"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not is_manager(request.user):
            actions.pop("recall", None)
        return actions

    @admin.action(description=_("Recall the selected lots (with a reason)"))
    def recall(self, request, queryset):
        """An intermediate page asks for the reason; "apply" recalls each lot through the service (one transaction
        each: stock blocked, compartments flagged, customers emailed once, report stored)."""
        form = RecallReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            for lot in queryset.order_by("pk"):
                try:
                    _recall, done = lot_recall(lot_id=lot.pk, user=request.user, reason=form.cleaned_data["reason"])
                except ApplicationError as error:
                    self.message_user(request, f"{lot.code}: {error.detail}", messages.ERROR)
                else:
                    text = _("Lot %(code)s recalled.") if done else _("Lot %(code)s was already recalled.")
                    self.message_user(request, text % {"code": lot.code})
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Recall the lots"),
            "opts": self.model._meta,
            "form": form,
            "queryset": queryset,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/processing/lot/recall.html", context)


class RecallReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason of the recall"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea)


@admin.register(LotRecall)
class LotRecallAdmin(admin.ModelAdmin):
    """The recalls and their reports (they name customers: the manager's). Requested recalls are confirmed here."""

    list_display = ["lot", "status", "reason", "requested_at", "confirmed_at", "blocked_quantity"]
    list_filter = ["status"]
    search_fields = ["lot__code", "reason"]
    readonly_fields = [
        "lot",
        "status",
        "reason",
        "requested_by",
        "requested_at",
        "confirmed_by",
        "confirmed_at",
        "blocked_quantity",
        "report_table",
    ]
    exclude = ["report"]
    actions = ["confirm"]

    def has_module_permission(self, request) -> bool:
        return is_manager(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_manager(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return is_manager(request.user)  # the action needs it; every field is read-only

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("Report"))
    def report_table(self, obj):
        report = obj.report or {}
        if not report:
            return "–"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (r["channel"], r["reference"], r["customer_name"], r["customer_email"], r["quantity"], r["at"])
                for r in report.get("rows", [])
            ),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table><p>{} : {} · {} : {} · {} : {} · {} : {}</p>",
            _("Channel"),
            _("Reference"),
            _("Customer"),
            _("Email"),
            _("Quantity"),
            _("Date"),
            rows,
            _("Vending sales not tied to a person"),
            report.get("vending_not_attributable", "0"),
            _("Other outflows (losses)"),
            report.get("other", "0"),
            _("Left the stock"),
            report.get("left_stock", "0"),
            _("Blocked in stock"),
            report.get("blocked_in_stock", "0"),
        )

    @admin.action(description=_("Confirm the selected recall requests"))
    def confirm(self, request, queryset):
        for recall in queryset.select_related("lot").order_by("pk"):
            try:
                _recall, done = lot_recall(lot_id=recall.lot_id, user=request.user)
            except ApplicationError as error:
                self.message_user(request, f"{recall.lot.code}: {error.detail}", messages.ERROR)
            else:
                text = _("Lot %(code)s recalled.") if done else _("Lot %(code)s was already recalled.")
                self.message_user(request, text % {"code": recall.lot.code})


@admin.register(LotSequence)
class LotSequenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["day", "last"]
    list_filter = ["day"]
    search_fields = ["day"]


@admin.register(BillingLine)
class BillingLineAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["billed_on", "producer", "kind", "description", "quantity", "unit_price", "amount", "statement"]
    list_filter = ["kind", "billed_on"]
    search_fields = ["producer__name", "description"]


@admin.register(Statement)
class StatementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["producer", "month", "total", "created_at", "emailed_at"]
    list_filter = ["month"]
    search_fields = ["producer__name"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["producer", "is_active", "created_at", "revoked_at"]
    list_filter = ["is_active"]
    search_fields = ["producer__name"]
    readonly_fields = ["token", "created_by", "created_at", "revoked_at"]
