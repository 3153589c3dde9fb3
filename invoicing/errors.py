"""Error codes of the invoicing API. Clients depend on the codes: never rename one."""

from django.utils.translation import gettext_lazy as _
from rest_framework import status

from ecopole.core.exceptions import ApplicationError


class InvoiceNotFound(ApplicationError):
    code = "not_found"
    status_code = status.HTTP_404_NOT_FOUND
    default_message = _("Not found.")


class AlreadyCredited(ApplicationError):
    code = "invoice_already_credited"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("Invoice {reference} already has its credit note {credit_note}.")


class NotAnInvoice(ApplicationError):
    code = "not_an_invoice"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("{reference} is a credit note: only an invoice can be credited.")


class InvalidIban(ApplicationError):
    code = "invalid_iban"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("This IBAN is not valid: {reason}")


class NoActiveMandate(ApplicationError):
    code = "no_active_mandate"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("You have no active SEPA mandate.")


class DebitAlreadyReturned(ApplicationError):
    code = "debit_already_returned"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("This direct debit was already recorded as returned.")


class PeriodInvalid(ApplicationError):
    code = "period_invalid"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("The period must start before it ends and span at most {max_days} days.")


class MandateNotAccepted(ApplicationError):
    code = "mandate_not_accepted"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("Accept the mandate's text to sign it.")


class NoDirectDebits(ApplicationError):
    """A month without any direct debit to collect: a pain.008 file must hold at least one (the bank's schema)."""

    code = "no_direct_debits"
    status_code = status.HTTP_404_NOT_FOUND
    default_message = _("No direct debit to collect for {month}: there is no file to send to the bank.")
