from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    """Payments: providers behind one interface (at the counter, vouchers, balance, Stripe), webhooks, the balance ledger."""

    name = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from .personal_data import personal_data_declare

        personal_data_declare()
