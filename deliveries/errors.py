"""Error codes of delivery rounds. Clients depend on the `code` values: never rename one."""

from django.utils.translation import gettext_lazy as _
from rest_framework import status

from ecopole.core.exceptions import ApplicationError, InvalidTransition

__all__ = [
    "AddressAmbiguous",
    "AddressLimitReached",
    "AddressNotFound",
    "AlreadyResolved",
    "CoordinatesOutsideZone",
    "DriverInvalid",
    "FailedStopNotHome",
    "GeocoderUnavailable",
    "InvalidTransition",
    "NoDepot",
    "NotAFailedStop",
    "OutsideDeliveryZone",
    "PlanningInputsChanged",
    "ProofIncomplete",
    "ProofInvalid",
    "ProofTooLarge",
    "ResolutionNotAllowed",
    "RoundLocked",
    "RoundNotDue",
    "RoundNotStarted",
    "StopMoveInfeasible",
    "StopOrderInvalid",
    "StopsPending",
    "WindowCapacityBelowTaken",
    "WindowFull",
    "WindowInvalid",
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


class OutsideDeliveryZone(ApplicationError):
    """No active zone serves the commune (`services.places.zone_for_commune`): grocery orders, cabas subscriptions
    and saved addresses refuse it the same way."""

    code = "outside_delivery_zone"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("We do not deliver to {commune} yet: choose a pickup point.")


class AddressNotFound(ApplicationError):
    """The geocoder (`deliveries.geocoding`) found no address close enough to the one typed."""

    code = "address_not_found"
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_message = _("Address not found: “{address}”. Check the number, the street, the postcode and the commune.")


class AddressAmbiguous(ApplicationError):
    """Several addresses match as well: `fields.choices` lists their labels, the customer picks one."""

    code = "address_ambiguous"
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_message = _("Several addresses match “{address}”: choose one of them.")

    def __init__(self, *, address: str, choices: list[str]) -> None:
        super().__init__(address=address, choices=choices)

    def message_values(self) -> dict:
        return {"address": self.extra["address"]}


class GeocoderUnavailable(ApplicationError):
    """The online geocoder (`GEOCODER_URL`) did not answer in time or answered with an error."""

    code = "geocoder_unavailable"
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_message = _("The address service is not answering: try again in a moment, or choose a pickup point.")


class AddressLimitReached(ApplicationError):
    code = "address_limit_reached"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("You already have {limit} saved addresses: delete one first.")


def proof_part_label(part: str) -> str:
    return str(_("signature") if part == "signature" else _("photo"))


class ProofInvalid(ApplicationError):
    """A proof-of-delivery photo or signature that is not a JPEG, PNG or WebP image (the content decides)."""

    code = "proof_invalid"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("The {part} is not a readable image (JPEG, PNG or WebP).")

    def message_values(self) -> dict:
        return {**super().message_values(), "part": proof_part_label(self.extra.get("part", ""))}


class ProofTooLarge(ApplicationError):
    code = "proof_too_large"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("The {part} is too large ({size_mb} MB): {max_mb} MB at most.")

    def message_values(self) -> dict:
        return {**super().message_values(), "part": proof_part_label(self.extra.get("part", ""))}


class ProofIncomplete(ApplicationError):
    code = "proof_incomplete"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("A proof of delivery needs the name of who received it and a photo or a signature.")


class StopMoveInfeasible(ApplicationError):
    """A hand move or reorder of a stop that the round could not carry out: `reason` says which rule it breaks
    (`window`, `capacity_kg`, `capacity_crates`, `shift`, `commune`, `round_date`), the other fields the figures."""

    code = "stop_move_infeasible"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("This move is not possible.")
    MESSAGES = {
        "window": _(
            "This move is not possible: {stop} would be reached at {arrival}, after its window closes at {end}."
        ),
        "capacity_kg": _("This move is not possible: {load} kg would exceed the vehicle's {capacity} kg."),
        "capacity_crates": _("This move is not possible: {load} crates would exceed the vehicle's {capacity} crates."),
        "shift": _(
            "This move is not possible: the round would come back at {end}, after the vehicle's hours ({shift_end})."
        ),
        "commune": _("This move is not possible: {vehicle} does not serve {commune}."),
        "round_date": _("This move is not possible: a stop moves only between rounds of the same date."),
    }

    def __init__(self, *, reason: str, **values) -> None:
        super().__init__(reason=reason, **values)

    @property
    def detail(self) -> str:
        template = self.MESSAGES.get(self.extra["reason"], self.default_message)
        return str(template).format(**self.message_values())


class WindowFull(ApplicationError):
    code = "delivery_window_full"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("The delivery window {start}–{end} is full: choose another one.")


class WindowInvalid(ApplicationError):
    code = "delivery_window_invalid"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("This delivery window is not offered for this address and date.")


class WindowCapacityBelowTaken(ApplicationError):
    code = "delivery_window_capacity_below_taken"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("{taken} customers already chose this window: the capacity cannot be lower.")
