from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicingConfig(AppConfig):
    """Invoices and credit notes in continuous series, Factur-X for producers, SEPA direct debit, the treasurer's exports."""

    name = "invoicing"
    verbose_name = _("Invoicing")

    def ready(self) -> None:
        from ecopole.core.outbox import outbox_handler_register

        from .personal_data import personal_data_declare
        from .ports import movement_source_register
        from .services import emails, sepa
        from .treasury import direct_debit_movements

        outbox_handler_register("invoicing.services.emails.invoice_send", emails.invoice_send)
        outbox_handler_register("invoicing.services.sepa.debit_returned_dispatch", sepa.debit_returned_dispatch)
        # The cabas collected by direct debit are treasury movements like the shop's payments.
        movement_source_register("sepa", direct_debit_movements)
        personal_data_declare()
