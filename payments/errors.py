"""The payments app's error codes (stable: the shop, staff tools and Stripe's retries depend on them)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import status

from ecopole.core.exceptions import ApplicationError


class WebhookSignatureInvalid(ApplicationError):
    code = "webhook_signature_invalid"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("The webhook's signature is missing, forged or too old.")


class WebhookPayloadInvalid(ApplicationError):
    code = "webhook_payload_invalid"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("The webhook's body is not a Stripe event.")


class ProviderUnavailable(ApplicationError):
    code = "payment_provider_unavailable"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("This way of paying is not offered ({provider}).")


class PaymentDeclined(ApplicationError):
    code = "payment_declined"
    status_code = status.HTTP_402_PAYMENT_REQUIRED
    default_message = _("The card payment was declined: {reason}")


class InsufficientBalance(ApplicationError):
    code = "insufficient_balance"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("Your balance holds {available} €, less than the {requested} € asked.")


class VoucherAlreadyRecorded(ApplicationError):
    code = "voucher_already_recorded"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("Voucher {number} of this partner is already recorded.")


class NoDeposit(ApplicationError):
    code = "product_has_no_deposit"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("This product carries no deposit: its jars are not taken back.")
