from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VendingConfig(AppConfig):
    name = "vending"
    verbose_name = _("Vending machine")

    def ready(self) -> None:
        from deliveries.ports import stop_source_register
        from ecopole.core.outbox import outbox_handler_register

        from .services import click_collect, refill_requests
        from .stop_source import RefillSource

        stop_source_register(RefillSource())  # refill requests as stops of the delivery rounds
        # A recall asks who received a lot through this app's stock sources (`catalogue.ports`).
        from catalogue.ports import lot_holder_register

        from .lot_holder import RefillLotHolder

        lot_holder_register("vending.refill", RefillLotHolder())

        outbox_handler_register(
            "vending.services.refill_requests.refill_request_notify", refill_requests.refill_request_notify
        )
        outbox_handler_register(
            "vending.services.click_collect.locker_reservation_expired_notify",
            click_collect.locker_reservation_expired_notify,
        )
