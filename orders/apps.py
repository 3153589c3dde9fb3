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
        outbox_handler_register(
            "orders.basket_emails.subscription_email_send", basket_emails.subscription_email_send
        )
        outbox_handler_register(
            "orders.basket_emails.basket_delivery_failed_send", basket_emails.basket_delivery_failed_send
        )
        locker_collected.connect(locker.order_collected_from_locker, dispatch_uid="orders.locker_collected")
        locker_expired.connect(locker.order_not_collected, dispatch_uid="orders.locker_expired")
        from . import basket_stops  # noqa: F401  (registers the basket deliveries as stops of the rounds)
