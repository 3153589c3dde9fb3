"""Error codes of delivery rounds. Clients depend on the `code` values: never rename one."""

from django.utils.translation import gettext_lazy as _
from rest_framework import status

from ecopole.core.exceptions import ApplicationError, InvalidTransition

__all__ = [
    "AlreadyResolved",
    "CoordinatesOutsideZone",
    "DriverInvalid",
    "FailedStopNotHome",
    "InvalidTransition",
    "NoDepot",
    "NotAFailedStop",
    "PlanningInputsChanged",
    "ResolutionNotAllowed",
    "RoundLocked",
    "RoundNotDue",
    "RoundNotStarted",
    "StopOrderInvalid",
    "StopsPending",
]


class NoDepot(ApplicationError):
    code = "no_depot"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("No active depot is defined: mark the Ecopôle pickup point as the depot.")


class RoundLocked(ApplicationError):
    code = "round_locked"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("This round can no longer be changed: it has started, finished or is locked.")


class RoundNotStarted(ApplicationError):
    code = "round_not_started"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("Start the round before recording deliveries.")


class StopOrderInvalid(ApplicationError):
    code = "stop_order_invalid"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("Give every stop of the round exactly once.")


class NotAFailedStop(ApplicationError):
    code = "not_a_failed_stop"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("Only a failed delivery can be moved.")


class FailedStopNotHome(ApplicationError):
    code = "failed_stop_not_home"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("Only a failed home delivery can be moved to another day or a pickup point.")


class ResolutionNotAllowed(ApplicationError):
    code = "resolution_not_allowed"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("No delivery day is open for this place after {date}.")


class StopsPending(ApplicationError):
    code = "stops_pending"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("Record every stop as delivered or failed before finishing the round ({pending} left).")


class DriverInvalid(ApplicationError):
    code = "driver_invalid"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("This user is not an active driver.")


class AlreadyResolved(ApplicationError):
    code = "already_resolved"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("This failed delivery was already dealt with.")


class PlanningInputsChanged(ApplicationError):
    code = "planning_inputs_changed"
    status_code = status.HTTP_409_CONFLICT
    default_message = _(
        "The orders, vehicles or rounds of {date} kept changing while the plan was computed: plan again."
    )


class RoundNotDue(ApplicationError):
    code = "round_not_due"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("This round is for {date}: it cannot start before that day.")


class CoordinatesOutsideZone(ApplicationError):
    code = "coordinates_outside_zone"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _(
        "The position {latitude}, {longitude} is not in {commune}'s delivery zone ({zone}): check the address."
    )
