"""Reads of delivery rounds, scoped to the user: managers and preparers see every round; a driver only the rounds
given to them (another driver's round is 404). Each list costs a constant number of queries."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from ecopole.core.exceptions import NotFound
from ecopole.core.permissions import MANAGER, PREPARER, has_group, is_staff_member

from .models import PlanningJob, PlanningRun, Round, SavedAddress, Stop
from .ports import handover_refs


def _stops() -> Prefetch:
    # `Stop.orders` is a database reference to the grocery orders (no import of the orders app): its ids only.
    orders = Stop._meta.get_field("orders").related_model
    return Prefetch(
        "stops",
        queryset=Stop.objects.order_by("sequence").prefetch_related(
            Prefetch("orders", queryset=orders.objects.only("id").order_by("id"))
        ),
    )


def round_list(*, user, day: date | None = None) -> QuerySet[Round]:
    """Rounds visible to `user`, with vehicle, driver, stops in order and their order ids: four queries in all
    (count, rounds, stops, stop orders) whatever the number of rounds and stops."""
    queryset = Round.objects.select_related("vehicle", "driver").prefetch_related(_stops())
    if not is_staff_member(user):
        return queryset.none()
    if not has_group(user, MANAGER, PREPARER):
        queryset = queryset.filter(driver=user)
    if day is not None:
        queryset = queryset.filter(date=day)
    return queryset.order_by("date", "vehicle__name", "id")


def round_get(*, user, round_id: int) -> Round:
    """One round visible to `user`, or `NotFound` (404): a driver never reaches another driver's round."""
    round_ = round_list(user=user).filter(pk=round_id).first()
    if round_ is None:
        raise NotFound()
    return round_


def round_ensure_visible(*, user, round_id: int) -> None:
    """`NotFound` (404) unless `user` may see the round. One query, for the actions that check before they change
    the round and read it whole only afterwards (`round_get`)."""
    if not round_list(user=user).filter(pk=round_id).exists():
        raise NotFound()


def my_round_list(*, user) -> QuerySet[Round]:
    """The rounds given to `user` (a driver) from today on (Europe/Paris): today's first, then the coming days'."""
    return round_list(user=user).filter(driver=user, date__gte=timezone.localdate())


def planning_run_get(*, day: date) -> PlanningRun | None:
    return PlanningRun.objects.filter(date=day).first()


def driver_order_ids(*, user) -> QuerySet:
    """The ids of the grocery orders carried by `user`'s rounds (a subquery): what a driver may reach."""
    return Stop.objects.filter(round__driver=user, orders__isnull=False).values("orders")


def driver_handover_refs(*, user, source: str) -> set[int]:
    """The ids of `source`'s things (e.g. "baskets": basket deliveries) handed over on `user`'s rounds, from the
    stops' hand-over lists."""
    ids: set[int] = set()
    for handover in Stop.objects.filter(round__driver=user).values_list("handover", flat=True):
        ids.update(handover_refs(handover, source))
    return ids


def planning_job_get(*, job_id: int) -> PlanningJob:
    job = PlanningJob.objects.filter(pk=job_id).first()
    if job is None:
        raise NotFound()
    return job


def saved_address_list(*, customer) -> QuerySet[SavedAddress]:
    """The customer's saved addresses, the default first (one query)."""
    return SavedAddress.objects.filter(customer=customer).order_by("-is_default", "label", "pk")


def saved_address_get(*, customer, address_id: int) -> SavedAddress:
    """One of the customer's addresses; `not_found` for anybody else's, as if it did not exist."""
    address = SavedAddress.objects.filter(pk=address_id, customer=customer).first()
    if address is None:
        raise NotFound()
    return address


def delivery_windows_offered(*, zone_id: int, day: date) -> list:
    """The windows of a zone on a date that still have a place, by start (a full window is not offered)."""
    from django.db.models import F

    from .models import DeliveryWindow

    return list(
        DeliveryWindow.objects.filter(zone_id=zone_id, date=day, taken__lt=F("capacity")).order_by("start", "pk")
    )


def delivery_window_list(*, day: date | None = None, zone_id: int | None = None):
    """Every window (staff), with its zone, by date, zone and start."""
    from .models import DeliveryWindow

    queryset = DeliveryWindow.objects.select_related("zone")
    if day is not None:
        queryset = queryset.filter(date=day)
    if zone_id is not None:
        queryset = queryset.filter(zone_id=zone_id)
    return queryset.order_by("date", "zone_id", "start", "pk")


def planning_job_latest(*, day: date) -> PlanningJob | None:
    """The date's most recent planning job (the planning board shows its progress or its outcome)."""
    return PlanningJob.objects.filter(date=day).order_by("-created_at", "-id").first()


def driver_list() -> list:
    """The active members of the `driver` group, by name: who a round can be given to."""
    from django.contrib.auth import get_user_model

    from ecopole.core.permissions import DRIVER

    return list(
        get_user_model().objects.filter(is_active=True, groups__name=DRIVER).order_by("full_name", "email", "pk")
    )
