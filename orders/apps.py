from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from deliveries.ports import stop_source_register
        from ecopole.core.outbox import outbox_handler_register
        from vending.ports import locker_collected, locker_expired

        from .services import locker, notifications
        from .stop_source import GrocerySource

        outbox_handler_register("orders.services.locker.locker_code_send", locker.locker_code_send)
        outbox_handler_register("orders.services.notifications.notification_send", notifications.notification_send)
        outbox_handler_register(
            "orders.services.notifications.send_delivery_failed", notifications.send_delivery_failed
        )
        outbox_handler_register("orders.services.notifications.send_rescheduled", notifications.send_rescheduled)
        locker_collected.connect(locker.order_collected_from_locker, dispatch_uid="orders.locker_collected")
        locker_expired.connect(locker.order_not_collected, dispatch_uid="orders.locker_expired")
        # The rounds carry grocery orders (`deliveries.ports`); the arrival-window email of a home delivery keeps the
        # name its queued messages were stored under.
        stop_source_register(GrocerySource())
        outbox_handler_register("deliveries.emails.send_arrival_window", notifications.send_arrival_window)
        from .personal_data import personal_data_declare
        from .services import newsletter

        outbox_handler_register(newsletter.HANDLER, newsletter.newsletter_send)

        personal_data_declare()
