from django.urls import path

from . import apis

app_name = "invoicing"

urlpatterns = [
    path("invoices/", apis.InvoiceListApi.as_view(), name="invoice-list"),
    path("invoices/<int:pk>/", apis.InvoiceDetailApi.as_view(), name="invoice-detail"),
    path("invoices/<int:pk>/pdf/", apis.InvoicePdfApi.as_view(), name="invoice-pdf"),
    path("invoices/<int:pk>/credit-note/", apis.CreditNoteCreateApi.as_view(), name="invoice-credit-note"),
    path("exports/invoices/", apis.InvoicesExportApi.as_view(), name="export-invoices"),
    path("exports/movements/", apis.MovementsExportApi.as_view(), name="export-movements"),
    path("exports/fec/", apis.FecExportApi.as_view(), name="export-fec"),
    path("exports/reconciliation/", apis.ReconciliationApi.as_view(), name="export-reconciliation"),
    path("sepa/mandate/", apis.MandateSignApi.as_view(), name="sepa-mandate"),
    path("sepa/pain008/", apis.Pain008Api.as_view(), name="sepa-pain008"),
    path("sepa/debits/<int:pk>/return/", apis.DebitReturnApi.as_view(), name="sepa-debit-return"),
]
