from django.urls import path

from . import apis

app_name = "payments"
urlpatterns = [
    path("stripe/webhook/", apis.StripeWebhookApi.as_view(), name="stripe-webhook"),
    path("balance/", apis.BalanceApi.as_view(), name="balance"),
    path("jar-returns/", apis.JarReturnApi.as_view(), name="jar-returns"),
    path("vouchers/", apis.VoucherCreateApi.as_view(), name="vouchers"),
    path("voucher-partners/", apis.VoucherPartnerListApi.as_view(), name="voucher-partners"),
    path("voucher-partners/<int:pk>/statement/", apis.VoucherStatementApi.as_view(), name="voucher-statement"),
]
