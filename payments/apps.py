from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    """Payments: providers behind one interface (at the counter, vouchers, balance, Stripe), webhooks, the balance ledger."""

    name = "payments"
    verbose_name = _("Payments")
