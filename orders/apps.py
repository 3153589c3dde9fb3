from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from deliveries.ports import stop_source_register
        from ecopole.core.outbox import outbox_handler_register
        from invoicing.ports import cash_sale_source_register, movement_source_register
        from vending.ports import locker_collected, locker_expired

        from .services import locker, notifications
        from .stop_source import GrocerySource
        from .treasury import counter_cash_sales, order_payment_movements

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
        # A webhook (or a capture) that confirms or refunds an order's payment reaches the order (`payments.ports`).
        from payments.ports import payment_listener_register

        from .services.payment import OrderPaymentListener

        payment_listener_register("order", OrderPaymentListener())
        # A recall asks who received a lot through this app's stock sources (`catalogue.ports`).
        from catalogue.ports import lot_holder_register

        from .lot_holder import GroceryLotHolder

        lot_holder_register("orders.order", GroceryLotHolder())
        outbox_handler_register("deliveries.emails.send_arrival_window", notifications.send_arrival_window)
        # The treasurer's exports read the payments ledger of orders and the balances' credits (`invoicing.ports`).
        movement_source_register("orders", order_payment_movements)
        cash_sale_source_register("orders.counter", counter_cash_sales)
        from .personal_data import personal_data_declare
        from .services import newsletter

        outbox_handler_register(newsletter.HANDLER, newsletter.newsletter_send)

        personal_data_declare()
