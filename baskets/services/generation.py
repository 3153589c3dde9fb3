"""Weekly generation of the cabas bio: one basket delivery per subscription due on a distribution date, priced
(solidarity or not) and allocated from the stock ledger in bulk; and the reminder emails of the day before.

Guarantees of `basket_run_generate` for one (offer, date):
- exactly once: the `BasketRun` row of (offer, date) is created if missing (unique constraint, ON CONFLICT DO
  NOTHING) and locked FOR UPDATE before anything else; a second run, sequential or concurrent, waits for the lock,
  sees the run `done` and creates nothing. The unique (subscription, date) constraint of `BasketDelivery` backs it.
- all or nothing: the deliveries, the stock allocation and the run's status commit together.
- bounded SQL: a constant number of queries whatever the number of subscriptions (one SELECT of the subscriptions
  due, one `stock_apply` call for the summed quantities, one bulk INSERT of the deliveries); only the ledger's
  per-product UPDATEs grow, with the number of products in the composition.
- stock shortage: refused with 409 `insufficient_stock` listing every short product (required, available,
  missing), nothing generated; the periodic task records the error on the run and retries every hour, so staff can
  receive stock or recompose and the baskets are generated at the next attempt. (A basket promises its
  composition: generating some baskets and not others, or lighter ones, would be a silent choice staff must make.)
- closed days (a public holiday, a closure of the association: `ecopole.core.calendar`): a distribution that falls
  on one is skipped, not moved: no basket, nothing allocated nor charged, and the rhythm goes on the week after
  (moving it would need another day every place serves and a second composition in the week). The periodic task
  never selects it; a generation asked for it is refused with `closed_day`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from catalogue.errors import InsufficientStock
from catalogue.models import MovementReason
from catalogue.services.stock import StockLine, stock_apply
from deliveries.models import DeliveryDay, DeliveryZone
from ecopole.core.calendar import closed_day_check, closures_between
from ecopole.core.exceptions import ApplicationError, NotFound
from ecopole.core.locking import lock_rows
from ecopole.core.outbox import outbox_enqueue
from orders.models import Fulfilment
from orders.services.home_delivery import basket_subtotal

from ..errors import CompositionNotPublished, GenerationTooEarly, NotADistributionDate
from ..models import (
    BasketComposition,
    BasketDelivery,
    BasketOffer,
    BasketRun,
    BasketRunStatus,
    CompositionStatus,
)
from .calendar import generation_cutoff, iso_week_label, week_monday
from .compositions import Shortage, shortage_error

REMINDER_BATCH = 500
DELIVERY_INSERT_BATCH = 5000


@dataclass(frozen=True)
class GenerationResult:
    offer_id: int
    date: date
    run_id: int
    created: int
    solidarity: int
    already_done: bool


def _price(*, offer: BasketOffer, row: dict, zones: dict[int, DeliveryZone]) -> tuple[Decimal, Decimal]:
    """The price paid and the delivery fee of one basket: the fee follows the one home-delivery rule of the grocery
    (`services.home_delivery`; its minimum was checked when the customer subscribed or moved home)."""
    price = offer.solidarity_price if row["solidarity"] else offer.price
    fee = Decimal("0.00")
    if row["fulfilment"] == Fulfilment.HOME:
        fee = zones[row["delivery_zone_id"]].delivery_fee_for(basket_subtotal(offer))
    return price, fee


def basket_run_generate(
    *, offer_id: int, on: date, actor=None, force: bool = False, now: datetime | None = None
) -> GenerationResult:
    """Generate the baskets of `offer_id` for the distribution date `on` (see the module's guarantees), in its own
    durable transaction: committed when it returns, nothing written when it raises.

    Refused before the generation cutoff (`cutoff_not_passed`, subscribers may still change) unless `force`, when
    `on` is not the offer's distribution weekday, when the week's composition is not published, and when the stock
    cannot cover every basket (`insufficient_stock`)."""
    with transaction.atomic(durable=True):
        return basket_run_generate_in_transaction(offer_id=offer_id, on=on, actor=actor, force=force, now=now)


def basket_runs_generate_on(
    *, on: date, offer_id: int | None = None, actor=None, force: bool = False, now: datetime | None = None
) -> list[GenerationResult]:
    """Generate the baskets of date `on` for one offer (`offer_id`) or for every active offer distributed that
    weekday, all in one durable transaction: one refusal and nothing of that date is generated. `NotFound` for an
    unknown offer."""
    offers = BasketOffer.objects.filter(is_active=True, distribution_weekday=on.weekday())
    if offer_id is not None:
        offers = BasketOffer.objects.filter(pk=offer_id)
        if not offers.exists():
            raise NotFound()
    with transaction.atomic(durable=True):
        return [
            basket_run_generate_in_transaction(offer_id=pk, on=on, actor=actor, force=force, now=now)
            for pk in offers.order_by("pk").values_list("pk", flat=True)
        ]


def basket_run_generate_in_transaction(
    *, offer_id: int, on: date, actor=None, force: bool = False, now: datetime | None = None
) -> GenerationResult:
    """`basket_run_generate` as one step of the caller's transaction (same guarantees, committed with it)."""
    from ..selectors import subscriptions_due

    now = now or timezone.now()
    offer = BasketOffer.objects.filter(pk=offer_id).first()
    if offer is None:
        raise NotFound()
    if on.weekday() != offer.distribution_weekday:
        raise NotADistributionDate(date=on)
    closed_day_check(on)  # a closed day has no distribution: no basket, nothing allocated nor charged
    with transaction.atomic():
        BasketRun.objects.bulk_create([BasketRun(offer=offer, date=on)], ignore_conflicts=True)
        (run,) = lock_rows(BasketRun.objects.filter(offer=offer, date=on))
        if run.status == BasketRunStatus.DONE:
            return GenerationResult(offer.pk, on, run.pk, 0, 0, already_done=True)
        if not force:
            cutoff_at = generation_cutoff(on=on)
            if now < cutoff_at:
                raise GenerationTooEarly(date=on, cutoff_at=cutoff_at)
        composition = (
            BasketComposition.objects.filter(
                offer=offer, week_start=week_monday(on), status=CompositionStatus.PUBLISHED
            )
            .prefetch_related("lines__product")
            .first()
        )
        rows = list(
            subscriptions_due(offer_id=offer.pk, on=on)
            .order_by("pk")
            .values(
                "pk",
                "customer_id",
                "fulfilment",
                "pickup_point_id",
                "delivery_zone_id",
                "delivery_address",
                "delivery_commune",
                "solidarity",
            )
        )
        if rows:
            # An offer nobody receives that day needs no composition: its run is simply done with no basket.
            if composition is None or not composition.lines.all():
                raise CompositionNotPublished(offer=offer.name, week=iso_week_label(on))
            lines = list(composition.lines.all())
            try:
                stock_apply(
                    lines=[StockLine(line.product_id, -line.quantity * len(rows)) for line in lines],
                    reason=MovementReason.BASKET_ALLOCATION,
                    source=run,
                    user=actor,
                    note=f"{offer.name} {on.isoformat()}: {len(rows)}",
                )
            except InsufficientStock as exc:
                shortages = [
                    Shortage(
                        int(s["product"]), s.get("product_name", ""), Decimal(s["requested"]), Decimal(s["available"])
                    )
                    for s in exc.extra.get("shortages", [])
                ]
                raise shortage_error(baskets=len(rows), shortages=shortages) from exc
            zones = DeliveryZone.objects.in_bulk({row["delivery_zone_id"] for row in rows} - {None})
            deliveries = []
            for row in rows:
                price, fee = _price(offer=offer, row=row, zones=zones)
                deliveries.append(
                    BasketDelivery(
                        run=run,
                        subscription_id=row["pk"],
                        customer_id=row["customer_id"],
                        offer=offer,
                        date=on,
                        fulfilment=row["fulfilment"],
                        pickup_point_id=row["pickup_point_id"],
                        delivery_zone_id=row["delivery_zone_id"],
                        delivery_address=row["delivery_address"],
                        delivery_commune=row["delivery_commune"],
                        price=price,
                        solidarity=row["solidarity"],
                        delivery_fee=fee,
                    )
                )
            BasketDelivery.objects.bulk_create(deliveries, batch_size=DELIVERY_INSERT_BATCH)
        run.status = BasketRunStatus.DONE
        run.composition = composition
        run.deliveries_count = len(rows)
        run.solidarity_count = sum(1 for row in rows if row["solidarity"])
        run.last_error = {}
        run.attempted_at = run.generated_at = now
        run.generated_by = actor if getattr(actor, "is_authenticated", False) else None
        run.save()
    return GenerationResult(offer.pk, on, run.pk, run.deliveries_count, run.solidarity_count, already_done=False)


def basket_run_record_failure(*, offer_id: int, on: date, error: ApplicationError) -> None:
    """Keep the last refusal on the run so that staff see it (pickup sheet, admin)."""
    BasketRun.objects.update_or_create(
        offer_id=offer_id,
        date=on,
        defaults={
            "last_error": {"code": error.code, "detail": error.detail, **_plain(error.extra)},
            "attempted_at": timezone.now(),
        },
    )


def _plain(extra: dict) -> dict:
    from ecopole.core.exceptions import _jsonable

    return _jsonable(extra)


def basket_runs_due(*, now: datetime | None = None) -> list[tuple[int, date]]:
    """(offer, date) pairs to generate now: distribution dates from today to a week ahead, not closed (public
    holiday, closure of the association: skipped, no basket), whose generation cutoff has passed and whose run is
    not done. Bounded: active offers × two dates; four queries."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    offers = list(BasketOffer.objects.filter(is_active=True).order_by("pk"))
    candidates = []
    for offer in offers:
        day = today + timedelta(days=(offer.distribution_weekday - today.weekday()) % 7)
        candidates += [(offer.pk, day), (offer.pk, day + timedelta(weeks=1))]
    if not candidates:
        return []
    done = set(
        BasketRun.objects.filter(
            date__in={d for _o, d in candidates}, offer_id__in={o for o, _d in candidates}, status=BasketRunStatus.DONE
        ).values_list("offer_id", "date")
    )
    rules = list(DeliveryDay.objects.filter(is_active=True))
    closed = closures_between(today, today + timedelta(weeks=2))
    return [
        (o, d)
        for o, d in candidates
        if (o, d) not in done and d not in closed and now >= generation_cutoff(on=d, rules=rules)
    ]


def basket_runs_generate_due(*, now: datetime | None = None) -> dict:
    """What the hourly beat task does: generate every due (offer, date), each in its own transaction; a refusal is
    recorded on its run and retried at the next tick. Returns counts."""
    summary = {"generated": 0, "baskets": 0, "failed": 0}
    for offer_id, on in basket_runs_due(now=now):
        try:
            result = basket_run_generate(offer_id=offer_id, on=on, now=now)
        except ApplicationError as exc:
            basket_run_record_failure(offer_id=offer_id, on=on, error=exc)
            summary["failed"] += 1
            continue
        if not result.already_done:
            summary["generated"] += 1
            summary["baskets"] += result.created
    return summary


def basket_reminders_enqueue(*, now: datetime | None = None, limit: int = REMINDER_BATCH) -> int:
    """Queue the reminder email of tomorrow's baskets, at most `limit` per call (the periodic task runs every
    quarter of an hour through the day). Selected by `reminder_queued_at IS NULL`, marked in the same transaction
    as the outbox messages, whose unique keys (`basket_reminder:<id>`) make a second queueing a no-op."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    with transaction.atomic():
        ids = [
            d.pk
            for d in lock_rows(
                BasketDelivery.objects.filter(
                    pk__in=list(
                        BasketDelivery.objects.filter(date=tomorrow, reminder_queued_at__isnull=True)
                        .order_by("pk")
                        .values_list("pk", flat=True)[:limit]
                    )
                )
            )
            if d.reminder_queued_at is None
        ]
        for delivery_id in ids:
            outbox_enqueue(
                key=f"basket_reminder:{delivery_id}",
                handler="baskets.emails.basket_reminder_send",
                payload={"delivery_id": delivery_id},
            )
        BasketDelivery.objects.filter(pk__in=ids).update(reminder_queued_at=now)
    return len(ids)
