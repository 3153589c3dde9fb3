"""The port through which deliveries serves its clients: what to deliver on a date, and what happened to it.

deliveries sits below the apps whose goods its rounds carry (grocery orders, cabas baskets, vending refills) and
imports none of them. Each declares a `StopSource` and registers it in its `AppConfig.ready()`:

    stop_source_register(GrocerySource())

The planner asks every source for its `demands(day)` (`StopDemand`s, each with typed `Handover`s saying what is
handed over to whom); a planned round tells each source which of its things it carries (`planned`); a driver's
"delivered" or "failed" reaches each source of the stop as a `StopOutcome` (`delivered` / `failed`, with the reason),
in the transaction of the stop's change, so that the stop and the things it carried change together.

A stop's stored `handover` is a list of `Handover.as_json()`: `{"source", "id", "customer", "phone", "items"}`,
one shape whatever the source (`HandoverSerializer`), and `customer_id`, the account it is handed to (the register
of personal data finds a person's entries by it, on a stop shared by a pickup point's customers; never shown).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class HandoverItem:
    name: str
    quantity: str  # a decimal written as a string
    unit: str


@dataclass(frozen=True)
class Handover:
    """One thing of one source handed over at a stop: `ref` is its id in that source (an order, a basket delivery,
    a refill request); `customer_id` the account it is handed to (None for a machine's refill)."""

    source: str
    ref: int
    customer: str
    phone: str = ""
    items: tuple[HandoverItem, ...] = ()
    customer_id: int | None = None

    def as_json(self) -> dict:
        return {
            "source": self.source,
            "id": self.ref,
            "customer": self.customer,
            "phone": self.phone,
            "items": [{"name": i.name, "quantity": i.quantity, "unit": i.unit} for i in self.items],
            "customer_id": self.customer_id,
        }


def handover_refs(handover: list[dict] | None, source: str) -> tuple[int, ...]:
    """The ids of `source`'s things in a stop's stored hand-over list, in order, each once."""
    refs: dict[int, None] = {}
    for item in handover or []:
        if isinstance(item, dict) and item.get("source") == source and item.get("id") is not None:
            refs[int(item["id"])] = None
    return tuple(refs)


@dataclass(frozen=True)
class StopDemand:
    """One place to serve on a date. `key` is stable across planning runs ("order:12", "point:3"); demands of one
    key (every source's goods for one pickup point) are merged into one stop."""

    key: str
    kind: str
    label: str
    latitude: Decimal
    longitude: Decimal
    address: str = ""
    postcode: str = ""
    commune: str = ""
    window_start: time | None = None
    window_end: time | None = None
    load_kg: Decimal = Decimal("0.00")
    load_crates: int = 0
    service_minutes: int = 5
    pickup_point_id: int | None = None
    order_ids: tuple[int, ...] = ()  # grocery orders, kept on `Stop.orders` (a database reference, no import)
    handover: tuple[Handover, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class StopOutcome:
    """What happened at a stop, for one source: its things `refs` on stop `stop_id` of round `round_id` (dated
    `day`) were `delivered` or `failed` (then with a `deliveries.FailureReason` and the driver's note)."""

    stop_id: int
    round_id: int
    day: date
    kind: str
    status: str
    refs: tuple[int, ...]
    reason: str = ""
    note: str = ""
    actor: Any = None


@runtime_checkable
class StopSource(Protocol):
    """A client of the rounds. Every method runs inside the deliveries transaction that calls it."""

    name: str

    def demands(self, day: date) -> list[StopDemand]:
        """What this source has to deliver on `day`."""

    def planned(self, *, refs: tuple[int, ...], day: date, actor) -> None:
        """`refs` are carried by a round planned for `day`."""

    def delivered(self, outcome: StopOutcome) -> None:
        """The stop carrying `outcome.refs` was delivered."""

    def failed(self, outcome: StopOutcome) -> None:
        """The stop carrying `outcome.refs` failed, with `outcome.reason`."""


class BaseStopSource:
    """No-op defaults for a source that has nothing to do at some step, and the optional hooks."""

    name = ""

    def demands(self, day: date) -> list[StopDemand]:
        return []

    def planned(self, *, refs: tuple[int, ...], day: date, actor) -> None:
        return None

    def delivered(self, outcome: StopOutcome) -> None:
        return None

    def failed(self, outcome: StopOutcome) -> None:
        return None

    def arrival_window(self, *, stop_id: int, refs: tuple[int, ...], day: date, opens, closes) -> int:
        """Tell the customers of `refs` on home stop `stop_id` when the round comes; returns how many were told."""
        return 0

    def failed_resolve(self, outcome: StopOutcome, *, action: str, pickup_point, refund_fee: bool) -> None:
        """A manager decided what happens to the failed home stop of `outcome` (see `failed_stop_resolve`):
        `action` a `FailedResolution`, `pickup_point` the point it moves to (or None)."""
        return None

    def phones(self, refs: tuple[int, ...]) -> dict[int, str]:
        """The customers' phones of `refs`, for hand-over lists stored before phones were (round sheet)."""
        return {}


STOP_SOURCES: dict[str, StopSource] = {}


def stop_source_register(source: StopSource) -> StopSource:
    """Register a source under its `name` (from an `AppConfig.ready()`). The same source again is a no-op; another
    source under a taken name is refused."""
    if not isinstance(source, StopSource) or not source.name:
        raise ImproperlyConfigured(f"{source!r} is not a StopSource with a name")
    current = STOP_SOURCES.get(source.name)
    if current is not None and type(current) is not type(source):
        raise ImproperlyConfigured(f"stop source {source.name!r} is already registered to {current!r}")
    STOP_SOURCES[source.name] = source
    return source


def stop_source_get(name: str) -> StopSource | None:
    return STOP_SOURCES.get(name)


def stop_sources() -> list[StopSource]:
    """Every registered source, by name."""
    return [STOP_SOURCES[name] for name in sorted(STOP_SOURCES)]
