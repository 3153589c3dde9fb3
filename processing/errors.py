"""Error codes of the workshop API. Clients depend on the codes: never rename one."""

from django.utils.translation import gettext_lazy as _
from rest_framework import status

from ecopole.core.exceptions import ApplicationError


class TooLateToBook(ApplicationError):
    code = "too_late_to_book"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("A slot must be booked at least {min_notice_hours} hours ahead.")


class TooFarAhead(ApplicationError):
    code = "too_far_ahead"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("A slot can be booked at most {max_ahead_weeks} weeks ahead.")


class WorkshopClosed(ApplicationError):
    code = "workshop_closed"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("The workshop is closed on {date}.")


class NotASlot(ApplicationError):
    code = "not_a_slot"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("This time is not a bookable slot of “{equipment}”: see the availability.")


class UnknownEquipment(ApplicationError):
    code = "unknown_equipment"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("Unknown or inactive equipment.")


class JarsRequired(ApplicationError):
    code = "jars_required"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("Say how many jars go into “{equipment}”.")


class CapacityExceeded(ApplicationError):
    code = "capacity_exceeded"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("Not enough room in “{equipment}”: {capacity_left} jars left, {jars} requested.")


class SlotTaken(ApplicationError):
    code = "slot_taken"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("This slot is already taken (cleaning time included). You can join its waiting list.")


class WeeklyQuotaExceeded(ApplicationError):
    code = "weekly_quota_exceeded"
    status_code = status.HTTP_409_CONFLICT
    default_message = _(
        "Weekly quota reached: {used_hours} h already booked this week, {requested_hours} h requested, "
        "{quota_hours} h allowed."
    )


class AlreadyWaiting(ApplicationError):
    code = "already_waiting"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("You are already on the waiting list for this slot.")


class OfferExpired(ApplicationError):
    code = "offer_expired"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("This offer has expired.")


class NoShowBeforeStart(ApplicationError):
    code = "no_show_before_start"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("A booking can be marked as a no-show only once its slot has started.")


class ProducerRequired(ApplicationError):
    code = "producer_required"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("Say for which producer this booking is made.")


class ProductNotOfProducer(ApplicationError):
    code = "product_not_of_producer"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("Product {product} is not one of this producer's products.")


class InvalidRange(ApplicationError):
    code = "invalid_range"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("The range must start before it ends and span at most {max_days} days.")


class RecallReasonRequired(ApplicationError):
    code = "recall_reason_required"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("Say why the lot is recalled.")


class RecallAlreadyRequested(ApplicationError):
    code = "recall_already_requested"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("A recall of lot {lot} already exists.")
