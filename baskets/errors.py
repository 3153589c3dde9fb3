"""Error codes of the cabas bio. Clients depend on the `code` values: never rename one.

Each error formats its own sentence from its typed keyword arguments (also returned under `fields`); call sites
never build the message."""

from datetime import date, datetime

from django.utils.translation import gettext_lazy as _
from rest_framework import status

from ecopole.core.exceptions import ApplicationError


class BasketCutoffPassed(ApplicationError):
    """Same code as the grocery's cutoff: a client handles both alike."""

    code = "cutoff_passed"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("Changes to the basket of {date} closed on {cutoff_at}.")

    def __init__(self, *, date: date, cutoff_at: datetime) -> None:
        super().__init__(date=date, cutoff_at=cutoff_at)


class OfferUnavailable(ApplicationError):
    code = "offer_unavailable"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("This basket offer does not exist or is no longer offered.")


class PlaceNotServed(ApplicationError):
    code = "place_not_served"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("Baskets are not distributed at this place on {weekday}.")

    def __init__(self, *, weekday: str) -> None:
        super().__init__(weekday=weekday)


class AlreadySubscribed(ApplicationError):
    code = "already_subscribed"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("You already have an active subscription to this offer.")


class StartDateInvalid(ApplicationError):
    code = "start_date_invalid"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("The first basket must be within the next {weeks} weeks.")

    def __init__(self, *, weeks: int) -> None:
        super().__init__(weeks=weeks)


class NotADistributionDate(ApplicationError):
    code = "not_a_distribution_date"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("{date} is not a distribution date of this subscription.")

    def __init__(self, *, date: date) -> None:
        super().__init__(date=date)


class NoDistributionInPeriod(ApplicationError):
    code = "no_distribution_in_period"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("There is no distribution of this subscription between {start_date} and {end_date}.")

    def __init__(self, *, start_date: date, end_date: date) -> None:
        super().__init__(start_date=start_date, end_date=end_date)


class PauseTooLong(ApplicationError):
    code = "pause_too_long"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("A pause lasts at most {weeks} weeks.")

    def __init__(self, *, weeks: int) -> None:
        super().__init__(weeks=weeks)


class PauseOverlaps(ApplicationError):
    code = "pause_overlaps"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("This period overlaps a pause already planned ({start_date} to {end_date}).")

    def __init__(self, *, start_date: date, end_date: date) -> None:
        super().__init__(start_date=start_date, end_date=end_date)


class NotPaused(ApplicationError):
    code = "not_paused"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("This subscription has no current or planned pause.")


class SubscriptionCancelled(ApplicationError):
    code = "subscription_cancelled"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("This subscription is cancelled.")


class NothingToChange(ApplicationError):
    code = "nothing_to_change"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("Give a new offer, a new frequency or a new place.")


class InvalidWeek(ApplicationError):
    code = "invalid_week"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("A week is written like 2026-W49.")


class CompositionLocked(ApplicationError):
    code = "composition_locked"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("The baskets of this week have been generated: their composition can no longer change.")


class CompositionEmpty(ApplicationError):
    code = "composition_empty"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("Add at least one product before publishing the composition.")


class CompositionNotPublished(ApplicationError):
    code = "composition_not_published"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("The composition of “{offer}” for the week {week} is not published.")

    def __init__(self, *, offer: str, week: str) -> None:
        super().__init__(offer=offer, week=week)


class BasketStockShort(ApplicationError):
    """`fields.shortages` lists every short product: product, product_name, required, available, missing."""

    code = "insufficient_stock"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("Not enough stock for {baskets} baskets: {summary}.")

    def __init__(self, *, baskets: int, shortages: list[dict]) -> None:
        """`shortages`: one dict per short product (`Shortage.as_dict()`), the first one named in `fields.product`."""
        summary = ", ".join(
            _("%(name)s: %(missing)s missing") % {"name": s["product_name"], "missing": s["missing"]} for s in shortages
        )
        super().__init__(baskets=baskets, summary=summary, shortages=shortages, product=shortages[0]["product"])


class GenerationTooEarly(ApplicationError):
    code = "cutoff_not_passed"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("Subscribers may still change their baskets of {date} until {cutoff_at}.")

    def __init__(self, *, date: date, cutoff_at: datetime) -> None:
        super().__init__(date=date, cutoff_at=cutoff_at)


class SolidarityRequestEmpty(ApplicationError):
    code = "solidarity_request_empty"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("Tell us your situation in a few words, or choose one in the list.")


class SolidarityRequestDecided(ApplicationError):
    code = "solidarity_request_decided"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("This request has already been decided.")


class RefusalReasonRequired(ApplicationError):
    code = "refusal_reason_required"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("Give the customer the reason of the refusal.")


class SolidarityValidUntilPast(ApplicationError):
    code = "valid_until_past"
    status_code = status.HTTP_400_BAD_REQUEST
    default_message = _("The solidarity price must be granted until today at least.")
