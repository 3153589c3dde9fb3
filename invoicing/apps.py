from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicingConfig(AppConfig):
    """Invoices and credit notes in continuous series, Factur-X for producers, SEPA direct debit, the treasurer's exports."""

    name = "invoicing"
    verbose_name = _("Invoicing")

    def ready(self) -> None:
        from ecopole.core.outbox import outbox_handler_register

        from .personal_data import personal_data_declare
        from .services import emails, sepa

        outbox_handler_register("invoicing.services.emails.invoice_send", emails.invoice_send)
        outbox_handler_register("invoicing.services.sepa.debit_returned_dispatch", sepa.debit_returned_dispatch)
        personal_data_declare()
