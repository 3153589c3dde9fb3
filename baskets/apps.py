from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BasketsConfig(AppConfig):
    name = "baskets"
    verbose_name = _("Organic baskets")

    def ready(self) -> None:
        from deliveries.ports import stop_source_register
        from ecopole.core.outbox import outbox_handler_register
        from invoicing.ports import debit_returned_hook_register

        from . import emails
        from .services.invoices import subscriptions_hold_for_returned_debit
        from .stops import BasketSource

        # The rounds carry the basket deliveries (`deliveries.ports`).
        stop_source_register(BasketSource())
        # A recall asks who received a lot through this app's stock sources (`catalogue.ports`).
        from catalogue.ports import lot_holder_register

        from .lot_holder import BasketLotHolder

        lot_holder_register("baskets.basketrun", BasketLotHolder())
        # Queued messages of the cabas emails name these handlers (baskets/0002 renamed the older `orders.basket_*`).
        outbox_handler_register("baskets.emails.basket_reminder_send", emails.basket_reminder_send)
        outbox_handler_register("baskets.emails.subscription_email_send", emails.subscription_email_send)
        outbox_handler_register("baskets.emails.basket_delivery_failed_send", emails.basket_delivery_failed_send)
        outbox_handler_register("baskets.emails.solidarity_request_email_send", emails.solidarity_request_email_send)
        # A returned SEPA debit puts the subscriber's cabas on hold (`invoicing.ports`).
        debit_returned_hook_register("baskets", subscriptions_hold_for_returned_debit)
        from .personal_data import personal_data_declare

        personal_data_declare()
