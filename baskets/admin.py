"""Admin pages of the cabas bio. Offers are edited here; compositions, subscriptions, runs and deliveries change
through the services (API) and are shown read-only; solidarity eligibilities go through `solidarity_grant` /
`solidarity_revoke` so that every change is audited, and only managers may touch them."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from ecopole.core.admin import ReadOnlyAdminMixin, ReadOnlyInline
from ecopole.core.exceptions import ApplicationError
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
    SolidarityRequest,
    SolidarityRequestStatus,
)
from .services.solidarity import (
    solidarity_grant_in_transaction,
    solidarity_request_decide,
    solidarity_revoke_in_transaction,
)


@admin.register(BasketOffer)
class BasketOfferAdmin(admin.ModelAdmin):
    list_display = ["name", "size", "price", "solidarity_price", "indicative_weight", "distribution_weekday"]
    list_display = [*list_display, "is_active", "position"]
    list_filter = ["size", "is_active", "distribution_weekday"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}


class CompositionLineInline(ReadOnlyInline):
    model = BasketCompositionLine
    fields = ["product", "quantity"]
    readonly_fields = fields


@admin.register(BasketComposition)
class BasketCompositionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
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


class SkipInline(ReadOnlyInline):
    model = BasketSkip
    fields = ["date", "created_at"]
    readonly_fields = fields


class PauseInline(ReadOnlyInline):
    model = BasketPause
    fields = ["start_date", "end_date", "created_at"]
    readonly_fields = fields


@admin.register(BasketSubscription)
class BasketSubscriptionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "customer", "offer", "frequency", "start_date", "status", "fulfilment", "pickup_point"]
    list_display = [*list_display, "delivery_zone"]
    list_filter = ["status", "offer", "frequency", "fulfilment", "pickup_point", "delivery_zone"]
    search_fields = ["id", "customer__email", "customer__full_name", "delivery_commune"]
    list_select_related = ["customer", "offer", "pickup_point", "delivery_zone"]
    inlines = [SkipInline, PauseInline]


@admin.register(BasketRun)
class BasketRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["offer", "date", "status", "deliveries_count", "solidarity_count", "generated_at", "attempted_at"]
    list_filter = ["status", "offer", "date"]
    search_fields = ["offer__name"]
    list_select_related = ["offer"]
    date_hierarchy = "date"


@admin.register(BasketDelivery)
class BasketDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "date", "customer", "offer", "fulfilment", "pickup_point", "delivery_zone", "price"]
    list_display = [*list_display, "solidarity", "delivery_fee", "status"]
    list_filter = ["status", "solidarity", "offer", "fulfilment", "pickup_point", "delivery_zone", "date"]
    search_fields = ["id", "customer__email", "customer__full_name"]
    list_select_related = ["customer", "offer", "pickup_point", "delivery_zone"]
    date_hierarchy = "date"


class SolidarityDecisionForm(forms.Form):
    valid_until = forms.DateField(
        label=_("Solidarity price until"),
        required=False,
        help_text=_("Empty: a year from today. An eligibility that runs longer is kept."),
    )
    reason = forms.CharField(label=_("Reason, sent to the customer"), max_length=500, required=False)

    def __init__(self, *args, grant: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if grant:
            self.fields["reason"].label = _("Note, sent to the customer (optional)")
        else:
            del self.fields["valid_until"]
            self.fields["reason"].required = True


@admin.register(SolidarityRequest)
class SolidarityRequestAdmin(admin.ModelAdmin):
    """Managers decide here: the actions grant or refuse the selected pending requests through
    `solidarity_request_decide` (audited, the customer gets an email either way); nothing is edited by hand."""

    list_display = ["id", "customer", "situation", "status", "created_at", "decided_by", "decided_at", "valid_until"]
    list_filter = ["status", "situation"]
    search_fields = ["customer__email", "customer__full_name"]
    list_select_related = ["customer", "decided_by"]
    readonly_fields = [
        "customer",
        "situation",
        "message",
        "status",
        "valid_until",
        "reason",
        "decided_by",
        "decided_at",
        "created_at",
    ]
    actions = ["grant", "refuse"]

    def has_module_permission(self, request) -> bool:
        return is_manager(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_manager(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return is_manager(request.user)  # the actions need it; every field is read-only

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Grant the solidarity price to the selected requests"))
    def grant(self, request, queryset):
        return self._decide(request, queryset, grant=True)

    @admin.action(description=_("Refuse the selected requests (with a reason)"))
    def refuse(self, request, queryset):
        return self._decide(request, queryset, grant=False)

    def _decide(self, request, queryset, *, grant: bool):
        """An intermediate page asks for the date or the reason; its "apply" submit decides every pending request
        of the selection through the service, one transaction each."""
        form = SolidarityDecisionForm(request.POST if "apply" in request.POST else None, grant=grant)
        if form.is_valid():
            decided, refused = 0, []
            for pk in queryset.filter(status=SolidarityRequestStatus.PENDING).values_list("pk", flat=True):
                try:
                    solidarity_request_decide(
                        request_id=pk,
                        grant=grant,
                        actor=request.user,
                        valid_until=form.cleaned_data.get("valid_until"),
                        reason=form.cleaned_data["reason"],
                    )
                except ApplicationError as error:
                    refused.append(f"#{pk}: {error.detail}")
                else:
                    decided += 1
            skipped = queryset.exclude(status=SolidarityRequestStatus.PENDING).count()
            self.message_user(
                request,
                _("%(decided)d request(s) decided, %(skipped)d already decided left as they were.")
                % {"decided": decided, "skipped": skipped},
            )
            for text in refused:
                self.message_user(request, text, messages.ERROR)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Grant the solidarity price") if grant else _("Refuse the solidarity price"),
            "opts": self.model._meta,
            "form": form,
            "queryset": queryset,
            "action": "grant" if grant else "refuse",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/baskets/solidarityrequest/decide.html", context)
