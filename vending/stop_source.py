"""Vending-machine refills as stops of the delivery rounds: vending's `StopSource` (`deliveries.ports`), registered
by `VendingConfig.ready()`.

What to deliver: each refill request of the day (open or planned) of a machine away from the depot is a stop of
its own (`refill:<id>`). What happened: a round planned with it makes the request `planned`; the stop delivered
makes it `done`; a failed stop puts it back to `open` (the next planning picks it up again). Every change goes
through `refill_request_transition` (locked, with an event).
"""

from __future__ import annotations

from datetime import date

from deliveries.models import StopKind
from deliveries.ports import BaseStopSource, Handover, StopDemand, StopOutcome
from deliveries.services.sources import SERVICE_MINUTES, crates_for, kg

from .models import RefillRequest, RefillRequestStatus
from .services.refill_requests import refill_request_transition

SOURCE = "vending"


def _move(refs: tuple[int, ...], target: str, *, allowed_from: set[str], actor, note: str) -> None:
    for request in RefillRequest.objects.filter(pk__in=refs, status__in=allowed_from).order_by("pk"):
        refill_request_transition(refill_request=request, target=target, user=actor, note=note)


class RefillSource(BaseStopSource):
    name = SOURCE

    def demands(self, day: date) -> list[StopDemand]:
        requests = RefillRequest.objects.filter(
            date=day, status__in=(RefillRequestStatus.OPEN, RefillRequestStatus.PLANNED)
        ).select_related("machine")
        demands = []
        for request in requests.order_by("pk"):
            machine = request.machine
            if machine.at_depot:
                continue
            weight = kg(request.load_kg or 0)
            demands.append(
                StopDemand(
                    key=f"refill:{request.pk}",
                    kind=StopKind.VENDING_REFILL,
                    label=machine.name,
                    latitude=machine.latitude,
                    longitude=machine.longitude,
                    address=machine.address or machine.place,
                    commune=machine.commune,
                    load_kg=weight,
                    load_crates=crates_for(weight),
                    service_minutes=SERVICE_MINUTES[StopKind.VENDING_REFILL],
                    handover=(Handover(source=SOURCE, ref=request.pk, customer=machine.name),),
                )
            )
        return demands

    def planned(self, *, refs: tuple[int, ...], day: date, actor) -> None:
        _move(refs, RefillRequestStatus.PLANNED, allowed_from={RefillRequestStatus.OPEN}, actor=actor, note="round")

    def delivered(self, outcome: StopOutcome) -> None:
        _move(
            outcome.refs,
            RefillRequestStatus.DONE,
            allowed_from={RefillRequestStatus.OPEN, RefillRequestStatus.PLANNED},
            actor=outcome.actor,
            note=f"round {outcome.round_id}",
        )

    def failed(self, outcome: StopOutcome) -> None:
        _move(
            outcome.refs,
            RefillRequestStatus.OPEN,
            allowed_from={RefillRequestStatus.PLANNED},
            actor=outcome.actor,
            note=f"round {outcome.round_id}: {outcome.reason}",
        )
