from django.urls import path

from . import apis

app_name = "payments"
urlpatterns = [
    path("stripe/webhook/", apis.StripeWebhookApi.as_view(), name="stripe-webhook"),
]
