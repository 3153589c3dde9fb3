from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders and baskets")

    def ready(self) -> None:
        from ecopole.core.outbox import outbox_handler_register
        from vending.ports import locker_collected, locker_expired

        from . import basket_emails
        from .services import locker, notifications

        outbox_handler_register("orders.services.locker.locker_code_send", locker.locker_code_send)
        outbox_handler_register("orders.services.notifications.notification_send", notifications.notification_send)
        outbox_handler_register(
            "orders.services.notifications.send_delivery_failed", notifications.send_delivery_failed
        )
        outbox_handler_register("orders.services.notifications.send_rescheduled", notifications.send_rescheduled)
        # Cabas emails (registered by the baskets app once it has its own AppConfig; same names).
        outbox_handler_register("orders.basket_emails.basket_reminder_send", basket_emails.basket_reminder_send)
        outbox_handler_register("orders.basket_emails.subscription_email_send", basket_emails.subscription_email_send)
        outbox_handler_register(
            "orders.basket_emails.basket_delivery_failed_send", basket_emails.basket_delivery_failed_send
        )
        locker_collected.connect(locker.order_collected_from_locker, dispatch_uid="orders.locker_collected")
        locker_expired.connect(locker.order_not_collected, dispatch_uid="orders.locker_expired")
        # The rounds carry grocery orders and cabas baskets (`deliveries.ports`); the arrival-window email of a home
        # delivery keeps the name its queued messages were stored under.
        from deliveries.ports import stop_source_register

        from .basket_stops import BasketSource
        from .stop_source import GrocerySource

        stop_source_register(GrocerySource())
        stop_source_register(BasketSource())
        outbox_handler_register("deliveries.emails.send_arrival_window", notifications.send_arrival_window)
