"""Reads of delivery rounds, scoped to the user: managers and preparers see every round; a driver only the rounds
given to them (another driver's round is 404). Each list costs a constant number of queries."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from ecopole.core.exceptions import NotFound
from ecopole.core.permissions import MANAGER, PREPARER, has_group, is_staff_member

from .models import PlanningJob, PlanningRun, Round, SavedAddress, Stop, StopStatus
from .ports import handover_refs, stop_sources


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


# --- Proofs of delivery -------------------------------------------------------------------------------------------

PROOF_PARTS = ("photo", "signature")


def _stop_visible_to_customer(*, user, stop_id: int) -> bool:
    return bool(user.is_authenticated) and Stop.objects.filter(pk=stop_id, orders__customer=user).exists()


def stop_proof_file(*, user, stop_id: int, part: str):
    """The stop's proof photo or signature (an open-able `FieldFile`) for the staff who can see its round (a driver:
    their own rounds) and the customers of the orders it carried; `NotFound` (404) for anybody else, a stop without
    that file, or another `part`: nobody learns whether a proof exists."""
    if part not in PROOF_PARTS:
        raise NotFound()
    stop = Stop.objects.filter(pk=stop_id, status=StopStatus.DELIVERED).select_related("round").first()
    if stop is None:
        raise NotFound()
    allowed = (
        is_staff_member(user) and round_list(user=user).filter(pk=stop.round_id).exists()
    ) or _stop_visible_to_customer(user=user, stop_id=stop.pk)
    file = stop.proof_photo if part == "photo" else stop.proof_signature
    if not allowed or not file:
        raise NotFound()
    return file


def delivered_stops() -> QuerySet[Stop]:
    """Delivered stops, the latest first: what `Prefetch("round_stops", …)` of an order reads for its proofs."""
    return Stop.objects.filter(status=StopStatus.DELIVERED).order_by("-completed_at", "-pk")


def delivered_stop_list(*, order_id: int) -> list[Stop]:
    """The delivered stops that carried the order, the latest first (one query). The caller has already checked
    that the user may see the order."""
    return list(delivered_stops().filter(orders__id=order_id))


def stop_is_delivered(*, round_id: int, stop_id: int) -> bool:
    return Stop.objects.filter(round_id=round_id, pk=stop_id, status=StopStatus.DELIVERED).exists()


def handovers_with_phones(stops) -> dict[int, list[dict]]:
    """Each stop's hand-over list with the customer's phone: stored at planning time; asked of the item's source
    (`StopSource.phones`, one query per source) for the stops planned before phones were stored."""
    handovers = {stop.pk: [dict(h) for h in stop.handover or []] for stop in stops}
    phones: dict[str, dict[int, str]] = {}
    for source in stop_sources():
        missing = tuple(
            {h["id"] for hs in handovers.values() for h in hs if h.get("source") == source.name and "phone" not in h}
        )
        lookup = getattr(source, "phones", None)  # optional hook (`BaseStopSource`)
        phones[source.name] = lookup(missing) if missing and lookup is not None else {}
    for hs in handovers.values():
        for handover in hs:
            if "phone" not in handover:
                handover["phone"] = phones.get(handover.get("source"), {}).get(handover.get("id"), "")
    return handovers


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


def delivery_window_get(*, window_id: int):
    """One window with its zone (staff), or `NotFound` (404)."""
    window = delivery_window_list().filter(pk=window_id).first()
    if window is None:
        raise NotFound()
    return window


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
