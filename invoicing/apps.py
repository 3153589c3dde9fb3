from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicingConfig(AppConfig):
    """Invoices and credit notes in continuous series, Factur-X for producers, SEPA direct debit, the treasurer's exports."""

    name = "invoicing"
    verbose_name = _("Invoicing")
