"""The vending app's error codes (stable: machines and staff tools depend on them)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import status

from ecopole.core.exceptions import ApplicationError


class CompartmentHoldsAnotherProduct(ApplicationError):
    code = "compartment_holds_another_product"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("Compartment {compartment} still holds another product: empty it first.")


class CompartmentCapacityExceeded(ApplicationError):
    code = "compartment_capacity_exceeded"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("Compartment {compartment} holds at most {capacity}; it has {quantity}.")


class CompartmentReserved(ApplicationError):
    code = "compartment_reserved"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("Compartment {compartment} holds an order waiting to be collected.")


class CompartmentNotEmpty(ApplicationError):
    code = "compartment_not_empty"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("Compartment {compartment} is not empty.")


class NotALocker(ApplicationError):
    code = "not_a_locker"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("Compartment {compartment} is not a locker.")


class UnknownCompartment(ApplicationError):
    code = "unknown_compartment"
    status_code = status.HTTP_404_NOT_FOUND
    default_message = _("This machine has no compartment {compartment}.")


class RemovalExceedsQuantity(ApplicationError):
    code = "removal_exceeds_quantity"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("Compartment {compartment} holds {quantity}, less than the {requested} to remove.")


class InvalidReportPeriod(ApplicationError):
    code = "invalid_report_period"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("The report period must run forward and span at most {max_days} days.")


class NoReservation(ApplicationError):
    code = "no_reservation"
    status_code = status.HTTP_404_NOT_FOUND
    default_message = _("No order is waiting in locker {compartment}.")


class WrongCode(ApplicationError):
    code = "wrong_code"
    status_code = status.HTTP_403_FORBIDDEN
    default_message = _("Wrong code. {remaining_tries} tries left.")


class LockerLockedOut(ApplicationError):
    code = "locker_locked_out"
    status_code = status.HTTP_423_LOCKED
    default_message = _("Too many wrong codes: this locker is blocked. Please contact the Ecopôle team.")


class CodeExpired(ApplicationError):
    code = "code_expired"
    status_code = status.HTTP_410_GONE
    default_message = _("This code has expired. Please contact the Ecopôle team.")


class SaleNotFlagged(ApplicationError):
    code = "sale_not_flagged"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("Sale {sale} is not flagged: there is nothing to accept.")
