"""Error codes of the online grocery. Clients depend on the `code` values: never rename one."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import status

from deliveries.errors import OutsideDeliveryZone  # the rule is deliveries'; kept importable from here
from ecopole.core.exceptions import ApplicationError, IdempotencyKeyReused, InvalidTransition

from .models import OrderStatus, PaymentStatus

__all__ = [
    "BelowMinimumOrder",
    "CancellationClosed",
    "CounterSaleEmpty",
    "CutoffPassed",
    "DeliveryDateUnavailable",
    "DuplicateProduct",
    "EmailNotConfirmed",
    "IdempotencyKeyReused",
    "InvalidQuantity",
    "InvalidTransition",
    "ModificationClosed",
    "NotAMachineOrder",
    "NotVariableWeight",
    "OrderAlreadyInLocker",
    "OrderEmpty",
    "OrderNotBeingPrepared",
    "OrderNotInLocker",
    "OrderNotReadyForLocker",
    "OrderRateExceeded",
    "OutsideDeliveryZone",
    "PaymentNotAllowed",
    "PickupPointUnavailable",
    "PreparedQuantityMissing",
    "ProductUnavailable",
    "UnknownLocker",
    "UnpaidQuantityExceeded",
    "UnpaidTotalExceeded",
    "WrongFulfilment",
]


class ProductUnavailable(ApplicationError):
    code = "product_unavailable"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("The product {product} does not exist or is no longer sold.")


class DuplicateProduct(ApplicationError):
    code = "duplicate_product"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("The product {product} appears on several lines: give it once with the total quantity.")


class InvalidQuantity(ApplicationError):
    code = "invalid_quantity"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _(
        "Invalid quantity for “{product_name}”: at least {minimum}, in steps of {step} (you asked for {quantity})."
    )


class PickupPointUnavailable(ApplicationError):
    code = "pickup_point_unavailable"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("This pickup point does not exist or is closed.")


class DeliveryDateUnavailable(ApplicationError):
    code = "delivery_date_unavailable"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("There is no delivery on {date} for this place.")


class CutoffPassed(ApplicationError):
    code = "cutoff_passed"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("Orders for {date} closed on {cutoff_at}.")


class BelowMinimumOrder(ApplicationError):
    code = "below_minimum_order"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("Home delivery needs an order of at least {minimum} € (this one is {subtotal} €).")


class CancellationClosed(ApplicationError):
    code = "cancellation_closed"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("This order can no longer be cancelled online: please contact the Ecopôle.")


class ModificationClosed(ApplicationError):
    """`fields`: the order's status and cutoff, so a client can say why."""

    code = "modification_closed"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("This order can no longer be changed online: please contact the Ecopôle.")


class OrderEmpty(ApplicationError):
    code = "order_empty"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("An order keeps at least one line: to remove everything, cancel the order.")


class CounterSaleEmpty(ApplicationError):
    code = "counter_sale_empty"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("Add at least one product to the sale.")


class WrongFulfilment(ApplicationError):
    """`fields` has the status's code; the sentence its label."""

    code = "wrong_fulfilment"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("The status “{target}” does not apply to this kind of order.")

    def __init__(self, *, target: str) -> None:
        super().__init__(target=target)

    def message_values(self) -> dict[str, Any]:
        return {"target": str(OrderStatus(self.extra["target"]).label)}


class OrderNotBeingPrepared(ApplicationError):
    code = "order_not_being_prepared"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("Prepared quantities are set while the order is being prepared.")


class NotVariableWeight(ApplicationError):
    code = "not_variable_weight"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("The line {line} is not sold by weight: its quantity is fixed.")


class PreparedQuantityMissing(ApplicationError):
    code = "prepared_quantity_missing"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("Weigh every product sold by weight before this step (missing: {products}).")


class PaymentMethodNotManual(ApplicationError):
    code = "payment_method_not_manual"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _(
        "A voucher or the balance is recorded through the payments (voucher, balance), not as a status: "
        "choose cash, card, cheque or on pickup."
    )


class PaymentNotAllowed(ApplicationError):
    """`fields` has the payment statuses' codes; the sentence their labels."""

    code = "payment_not_allowed"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("The payment cannot go from “{current}” to “{target}”.")

    def __init__(self, *, current: str, target: str) -> None:
        super().__init__(current=current, target=target)

    def message_values(self) -> dict[str, Any]:
        return {key: str(PaymentStatus(self.extra[key]).label) for key in ("current", "target")}


class NotAMachineOrder(ApplicationError):
    code = "not_a_machine_order"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("This order is not to be collected from a vending machine.")


class OrderNotReadyForLocker(ApplicationError):
    code = "order_not_ready_for_locker"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("Only an order being prepared or ready can be put into a locker (this one is “{current}”).")


class OrderAlreadyInLocker(ApplicationError):
    code = "order_already_in_locker"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("This order is already waiting in locker {compartment}.")


class UnknownLocker(ApplicationError):
    code = "unknown_locker"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("The machine {machine} has no compartment {compartment}.")


class OrderRateExceeded(ApplicationError):
    code = "order_rate_exceeded"
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_message = _(
        "You have already placed {limit} orders today, the most allowed in one day. Please try again tomorrow or "
        "contact the Ecopôle."
    )


class OrderNotInLocker(ApplicationError):
    code = "order_not_in_locker"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("This order is not waiting in a locker: there is no code to renew.")


class EmailNotConfirmed(ApplicationError):
    code = "email_not_confirmed"
    status_code = status.HTTP_403_FORBIDDEN
    default_message = _(
        "Please confirm your email address before ordering: follow the link in the email we sent you when you "
        "registered."
    )


class UnpaidTotalExceeded(ApplicationError):
    """Raised with `limit`, `held` (open unpaid orders) and `total` (this order), in euros."""

    code = "unpaid_total_exceeded"
    status_code = status.HTTP_409_CONFLICT
    default_message = _(
        "Your orders not paid yet already come to {held} €: with this one ({total} €) they would pass the {limit} € "
        "allowed. Please pay or cancel an order first, or contact the Ecopôle."
    )


class UnpaidQuantityExceeded(ApplicationError):
    """Raised with `product`, `product_name`, `limit`, `held` (in open unpaid orders) and `quantity` (this order)."""

    code = "unpaid_quantity_exceeded"
    status_code = status.HTTP_409_CONFLICT
    default_message = _(
        "At most {limit} of “{product_name}” per customer in orders not paid yet: you already have {held} and this "
        "order asks for {quantity}. Please contact the Ecopôle for a larger quantity."
    )
