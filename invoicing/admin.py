"""Invoices are shown, never edited: they are issued and credited by the services only. A credit note is issued
from the list (action), which calls the same service as the API."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from ecopole.core.admin import ReadOnlyAdminMixin, ReadOnlyInline
from ecopole.core.exceptions import ApplicationError

from .models import DirectDebit, Invoice, InvoiceCounter, InvoiceLine, SepaMandate


class InvoiceLineInline(ReadOnlyInline):
    model = InvoiceLine
    fields = ["position", "description", "quantity", "unit", "unit_price", "vat_rate", "amount_incl_vat", "vat_amount"]
    readonly_fields = fields


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "kind",
        "issue_date",
        "customer",
        "producer",
        "total_incl_vat",
        "e_invoice",
        "emailed_at",
    ]
    list_filter = ["series", "kind", "e_invoice", "year"]
    search_fields = ["source", "buyer__name", "customer__email", "producer__name"]
    date_hierarchy = "issue_date"
    inlines = [InvoiceLineInline]
    actions = ["credit_note"]

    @admin.action(description=_("Issue a credit note cancelling the selected invoices"), permissions=["view"])
    def credit_note(self, request, queryset):
        from .services.invoices import credit_note_issue

        if not request.user.is_superuser and not request.user.groups.filter(name="manager").exists():
            self.message_user(request, _("Only a manager issues credit notes."), messages.ERROR)
            return
        for invoice in queryset.order_by("pk"):
            try:
                credit = credit_note_issue(invoice_id=invoice.pk, reason=str(_("Issued from the admin")))
            except ApplicationError as error:
                self.message_user(request, f"{invoice}: {error.detail}", messages.ERROR)
            else:
                self.message_user(request, _("Credit note %(credit)s issued.") % {"credit": credit}, messages.SUCCESS)


@admin.register(InvoiceCounter)
class InvoiceCounterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["series", "year", "last_number"]


@admin.register(SepaMandate)
class SepaMandateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["reference", "customer", "account_holder", "signed_at", "revoked_at"]
    search_fields = ["reference", "customer__email", "account_holder"]


@admin.register(DirectDebit)
class DirectDebitAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["invoice", "mandate", "amount", "collection_date", "status", "returned_at"]
    list_filter = ["status", "collection_date"]
