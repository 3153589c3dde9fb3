from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcessingConfig(AppConfig):
    name = "processing"
    verbose_name = _("Processing workshop")

    def ready(self) -> None:
        from ecopole.core.outbox import outbox_handler_register

        from .personal_data import personal_data_declare
        from .services import billing, notifications

        personal_data_declare()

        outbox_handler_register("processing.services.billing.statement_send", billing.statement_send)
        outbox_handler_register(
            "processing.services.notifications.booking_send_status_email", notifications.booking_send_status_email
        )
        outbox_handler_register(
            "processing.services.notifications.booking_send_offer_email", notifications.booking_send_offer_email
        )
        outbox_handler_register("processing.services.notifications.recall_send_email", notifications.recall_send_email)
