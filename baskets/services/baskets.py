"""Writes of the cabas bio: solidarity eligibility, weekly compositions, subscriptions and their actions, pickup.

Every service is one transaction (a savepoint when the caller already holds one; the API wraps each call in a
durable transaction) and locks the row it changes with `lock_rows` before re-reading it.

The cutoff rule for subscribers: an action concerns one distribution (a skip, the first basket of a pause, or, for
resume / change / cancel, the next distribution of the subscription that is not generated yet) and is refused with
`cutoff_passed` once that distribution's cutoff has passed or its baskets have been generated. So no change ever
leaks into a distribution that is closed, even in the hour between the cutoff and the generation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from catalogue.models import Product
from deliveries.models import DeliveryDay, DeliveryZone, PickupPoint, Weekday
from deliveries.services.places import home_coordinates_check, zone_for_commune
from ecopole.core.audit import audit_record
from ecopole.core.calendar import closed_day_check, closures_between, is_closed
from ecopole.core.exceptions import NotFound
from ecopole.core.locking import lock_one, lock_rows
from ecopole.core.models import OutboxMessage
from ecopole.core.outbox import outbox_enqueue
from orders.errors import DuplicateProduct, OutsideDeliveryZone, PickupPointUnavailable, ProductUnavailable
from orders.models import Fulfilment
from orders.services.home_delivery import basket_subtotal, home_delivery_fee

from ..emails import subscription_email_enqueue
from ..errors import (
    AlreadySubscribed,
    BasketCutoffPassed,
    BasketStockShort,
    CompositionEmpty,
    CompositionLocked,
    NoDistributionInPeriod,
    NotADistributionDate,
    NothingToChange,
    NotPaused,
    OfferUnavailable,
    PauseOverlaps,
    PauseTooLong,
    PlaceNotServed,
    StartDateInvalid,
    SubscriptionCancelled,
)
from ..models import (
    BasketComposition,
    BasketCompositionLine,
    BasketDelivery,
    BasketDeliveryStatus,
    BasketFrequency,
    BasketOffer,
    BasketPause,
    BasketRun,
    BasketRunStatus,
    BasketSkip,
    BasketSubscription,
    CompositionStatus,
    SolidarityEligibility,
    SubscriptionStatus,
)
from .calendar import (
    distribution_date,
    first_distribution_on_or_after,
    is_due,
    iso_week_label,
    place_cutoff,
    week_monday,
    week_parity,
)

DEFAULT_PICKUP_POINT_SLUG = "ilot-jacquard-calais"
START_HORIZON_WEEKS = 12
PAUSE_MAX_WEEKS = 26
QUANTITY_PLACES = Decimal("0.001")


def default_pickup_point_slug() -> str:
    return getattr(settings, "BASKETS_DEFAULT_PICKUP_POINT", DEFAULT_PICKUP_POINT_SLUG)


# --- Solidarity price -----------------------------------------------------------------------------------------


def solidarity_grant(*, customer_id: int, valid_until: date, actor, note: str = "") -> SolidarityEligibility:
    """Mark a customer eligible for the solidarity price until `valid_until` (a date in the past revokes it).

    Managers only (checked by the API and the admin). Creates or updates the customer's one eligibility row under
    its lock and audits the change (`basket_solidarity.grant`, before and after) in the same transaction.
    """
    with transaction.atomic():
        if not User.objects.filter(pk=customer_id, is_active=True).exists():
            raise NotFound()
        SolidarityEligibility.objects.get_or_create(
            customer_id=customer_id, defaults={"valid_until": valid_until, "granted_by": actor, "note": note}
        )
        eligibility = lock_one(SolidarityEligibility.objects.all(), customer_id=customer_id)
        before = {"valid_until": eligibility.valid_until, "note": eligibility.note}
        eligibility.valid_until, eligibility.note, eligibility.granted_by = valid_until, note, actor
        eligibility.save(update_fields=["valid_until", "note", "granted_by", "updated_at"])
        audit_record(
            actor=actor,
            action="basket_solidarity.grant",
            obj=eligibility,
            changes={"customer": customer_id, "before": before, "after": {"valid_until": valid_until, "note": note}},
        )
    return eligibility


def solidarity_revoke(*, eligibility_id: int, actor) -> None:
    """Remove an eligibility (admin deletion), audited."""
    with transaction.atomic():
        rows = lock_rows(SolidarityEligibility.objects.filter(pk=eligibility_id))
        if not rows:
            return
        eligibility = rows[0]
        audit_record(
            actor=actor,
            action="basket_solidarity.revoke",
            obj=eligibility,
            changes={"customer": eligibility.customer_id, "valid_until": eligibility.valid_until},
        )
        eligibility.delete()


# --- Compositions ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompositionLineRequest:
    product_id: int
    quantity: Decimal


@dataclass(frozen=True)
class Shortage:
    product: int
    product_name: str
    required: Decimal
    available: Decimal

    @property
    def missing(self) -> Decimal:
        return self.required - self.available

    def as_dict(self) -> dict:
        return {
            "product": self.product,
            "product_name": self.product_name,
            "required": str(self.required),
            "available": str(self.available),
            "missing": str(self.missing),
        }


def shortage_error(*, baskets: int, shortages: list[Shortage]) -> BasketStockShort:
    summary = ", ".join(
        _("%(name)s: %(missing)s missing") % {"name": s.product_name, "missing": s.missing} for s in shortages
    )
    return BasketStockShort(
        baskets=baskets, summary=summary, shortages=[s.as_dict() for s in shortages], product=shortages[0].product
    )


def _offer_for_update(offer_id: int) -> BasketOffer:
    offer = BasketOffer.objects.filter(pk=offer_id).first()
    if offer is None:
        raise NotFound()
    return offer


def _composition_locked(*, offer: BasketOffer, week_start: date) -> bool:
    on = distribution_date(week_start=week_start, weekday=offer.distribution_weekday)
    return BasketRun.objects.filter(offer=offer, date=on, status=BasketRunStatus.DONE).exists()


def composition_set(
    *, offer_id: int, week_start: date, lines: Iterable[CompositionLineRequest], actor, note: str = ""
) -> BasketComposition:
    """Compose (or recompose) an offer's basket for an ISO week: replace its lines; it becomes a draft again and
    must be (re)published. Refused once the baskets of that week are generated (`composition_locked`)."""
    lines = list(lines)
    seen: set[int] = set()
    for line in lines:
        if line.product_id in seen:
            raise DuplicateProduct(product=line.product_id)
        seen.add(line.product_id)
    active = set(Product.objects.filter(pk__in=seen, is_active=True).values_list("pk", flat=True))
    missing = sorted(seen - active)
    if missing:
        raise ProductUnavailable(product=missing[0])
    offer = _offer_for_update(offer_id)
    with transaction.atomic():
        BasketComposition.objects.get_or_create(offer=offer, week_start=week_start)
        composition = lock_one(BasketComposition.objects.all(), offer=offer, week_start=week_start)
        if _composition_locked(offer=offer, week_start=week_start):
            raise CompositionLocked()
        composition.lines.all().delete()
        BasketCompositionLine.objects.bulk_create(
            [
                BasketCompositionLine(
                    composition=composition,
                    product_id=line.product_id,
                    quantity=line.quantity.quantize(QUANTITY_PLACES),
                )
                for line in lines
            ]
        )
        composition.status, composition.note = CompositionStatus.DRAFT, note
        composition.published_at = composition.published_by = None
        composition.save()
    return composition


def baskets_expected(*, offer: BasketOffer, on: date, closed: dict[date, str] | None = None) -> int:
    """Baskets the offer will generate on `on`: none on a closed day (`closed`: the range already read)."""
    from ..selectors import subscriptions_due

    if (closed.get(on) if closed is not None else is_closed(on)) is not None:
        return 0
    return subscriptions_due(offer_id=offer.pk, on=on).count()


def week_requirements(*, week_start: date, include: BasketComposition | None = None) -> tuple[dict[int, Decimal], int]:
    """Stock the week's baskets still need: every published composition of the week whose baskets are not generated
    yet (plus `include`), line quantity × the number of baskets expected (active subscriptions due, not skipped nor
    paused). Returns ({product_id: quantity}, baskets of `include`)."""
    compositions = list(
        BasketComposition.objects.filter(week_start=week_start, status=CompositionStatus.PUBLISHED)
        .exclude(pk=include.pk if include else None)
        .select_related("offer")
        .prefetch_related("lines")
    )
    if include is not None:
        compositions.append(include)
    required: dict[int, Decimal] = {}
    include_baskets = 0
    closed = closures_between(week_start, week_start + timedelta(days=6))
    for composition in compositions:
        on = distribution_date(week_start=week_start, weekday=composition.offer.distribution_weekday)
        if composition is not include and _composition_locked(offer=composition.offer, week_start=week_start):
            continue
        baskets = baskets_expected(offer=composition.offer, on=on, closed=closed)
        if composition is include:
            include_baskets = baskets
        for line in composition.lines.all():
            required[line.product_id] = required.get(line.product_id, Decimal(0)) + line.quantity * baskets
    return required, include_baskets


def shortages_for(required: dict[int, Decimal]) -> list[Shortage]:
    from ..selectors import stock_levels

    levels = stock_levels(product_ids=required)
    names = dict(Product.objects.filter(pk__in=list(required)).values_list("pk", "name"))
    shortages = []
    for product_id in sorted(required, key=lambda pid: (names.get(pid, ""), pid)):
        available = levels.get(product_id, Decimal("0.000"))
        if required[product_id] > available:
            shortages.append(
                Shortage(
                    product_id, names.get(product_id, ""), required[product_id].quantize(QUANTITY_PLACES), available
                )
            )
    return shortages


@dataclass(frozen=True)
class Publication:
    composition: BasketComposition
    baskets_expected: int
    shortages: list[Shortage]


def composition_publish(*, offer_id: int, week_start: date, actor, force: bool = False) -> Publication:
    """Publish a composition, after checking that the stock ledger can cover the baskets expected that week.

    The check adds up this composition and the other published compositions of the week not generated yet (line
    quantity × active subscriptions due, neither skipped nor paused) and compares it with the stock levels. A
    shortage refuses the publication with 409 `insufficient_stock` listing every short product (required,
    available, missing), unless `force`: then it is published and the shortages are returned as a warning (stock
    may still be received before the cutoff; generation refuses if it is still short then). Idempotent: publishing
    a published composition publishes it again (same result)."""
    offer = _offer_for_update(offer_id)
    with transaction.atomic():
        rows = lock_rows(BasketComposition.objects.filter(offer=offer, week_start=week_start))
        if not rows:
            raise NotFound()
        composition = rows[0]
        if _composition_locked(offer=offer, week_start=week_start):
            raise CompositionLocked()
        if not composition.lines.exists():
            raise CompositionEmpty()
        required, baskets = week_requirements(week_start=week_start, include=composition)
        shortages = shortages_for(required)
        if shortages and not force:
            raise shortage_error(baskets=baskets, shortages=shortages)
        composition.status = CompositionStatus.PUBLISHED
        composition.published_at, composition.published_by = timezone.now(), actor
        composition.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    return Publication(composition=composition, baskets_expected=baskets, shortages=shortages)


# --- Subscriptions --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlaceRequest:
    """Pickup at `pickup_point_id` (None: the default point, the Ilôt Jacquard antenna), or home delivery."""

    fulfilment: str = Fulfilment.PICKUP
    pickup_point_id: int | None = None
    address: str = ""
    postcode: str = ""
    commune: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None


@dataclass(frozen=True)
class ResolvedPlace:
    fields: dict
    rules: list[DeliveryDay]


def _place_resolve(place: PlaceRequest, *, offer: BasketOffer) -> ResolvedPlace:
    if place.fulfilment == Fulfilment.PICKUP:
        points = PickupPoint.objects.filter(is_active=True)
        if place.pickup_point_id is None:
            point = points.filter(slug=default_pickup_point_slug()).first()
        else:
            point = points.filter(pk=place.pickup_point_id).first()
        if point is None:
            raise PickupPointUnavailable(pickup_point=place.pickup_point_id)
        fields = {"fulfilment": Fulfilment.PICKUP, "pickup_point": point, "delivery_zone": None}
        fields.update(dict.fromkeys(["delivery_address", "delivery_postcode", "delivery_commune"], ""))
        fields.update(delivery_latitude=None, delivery_longitude=None)
        rules = list(point.delivery_days.filter(is_active=True))
    else:
        zone = zone_for_commune(commune=place.commune)
        if zone is None:
            raise OutsideDeliveryZone(commune=place.commune)
        home_coordinates_check(zone=zone, commune=place.commune, latitude=place.latitude, longitude=place.longitude)
        home_delivery_fee(zone=zone, subtotal=basket_subtotal(offer))  # the zone's minimum, as for an order
        fields = {
            "fulfilment": Fulfilment.HOME,
            "pickup_point": None,
            "delivery_zone": zone,
            "delivery_address": place.address,
            "delivery_postcode": place.postcode,
            "delivery_commune": place.commune,
            "delivery_latitude": place.latitude,
            "delivery_longitude": place.longitude,
        }
        rules = list(zone.delivery_days.filter(is_active=True))
    if not any(rule.weekday == offer.distribution_weekday for rule in rules):
        raise PlaceNotServed(weekday=Weekday(offer.distribution_weekday).label)
    return ResolvedPlace(fields=fields, rules=rules)


def _rules_of(subscription: BasketSubscription) -> list[DeliveryDay]:
    place: PickupPoint | DeliveryZone = subscription.pickup_point or subscription.delivery_zone
    return list(place.delivery_days.filter(is_active=True))


def _cutoff_passed(*, on: date, cutoff_at: datetime) -> BasketCutoffPassed:
    return BasketCutoffPassed(date=on, cutoff_at=cutoff_at)


def _check_open(*, offer: BasketOffer, rules: list[DeliveryDay], on: date, now: datetime) -> None:
    """Refuse with `cutoff_passed` if the distribution of `on` is closed: its cutoff passed or its baskets exist."""
    cutoff_at = place_cutoff(rules=rules, on=on)
    if now >= cutoff_at or BasketRun.objects.filter(offer=offer, date=on, status=BasketRunStatus.DONE).exists():
        raise _cutoff_passed(on=on, cutoff_at=cutoff_at)


def next_distribution(
    *, subscription: BasketSubscription, offer: BasketOffer | None = None, now: datetime | None = None
) -> date:
    """The next distribution of the subscription (with `offer`'s weekday) that is not generated yet, from today."""
    offer = offer or subscription.offer
    today = timezone.localdate(now or timezone.now())
    day = first_distribution_on_or_after(day=max(today, subscription.start_date), weekday=offer.distribution_weekday)
    if subscription.frequency != BasketFrequency.WEEKLY and week_parity(day) != subscription.anchor_week_parity:
        day += timedelta(weeks=1)
    step = timedelta(weeks=1 if subscription.frequency == BasketFrequency.WEEKLY else 2)
    done = set(
        BasketRun.objects.filter(offer=offer, status=BasketRunStatus.DONE, date__gte=day).values_list("date", flat=True)
    )
    closed = closures_between(day, day + 26 * step)  # a closed date has no distribution (one query)
    while day in done or day in closed:
        day += step
    return day


def _lock_subscription(subscription_id: int) -> BasketSubscription:
    rows = lock_rows(
        BasketSubscription.objects.filter(pk=subscription_id).select_related("offer", "pickup_point", "delivery_zone"),
        of=("self",),
    )
    if not rows:
        raise NotFound()
    return rows[0]


def _require_active(subscription: BasketSubscription) -> None:
    if subscription.status != SubscriptionStatus.ACTIVE:
        raise SubscriptionCancelled()


def subscription_create(
    *,
    customer,
    offer_id: int,
    frequency: str = BasketFrequency.WEEKLY,
    place: PlaceRequest | None = None,
    start_date: date | None = None,
    now: datetime | None = None,
) -> BasketSubscription:
    """Subscribe a customer to an offer. The first basket is the first distribution on or after `start_date`
    (default: the first one still open); it must be open (`cutoff_passed` otherwise) and within 12 weeks. The rhythm
    of "every two weeks" is anchored on that first basket's ISO week. The confirmation email goes through the
    outbox, after the commit. One active subscription per offer and
    customer (a unique constraint backs it: a double submit creates one)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    offer = BasketOffer.objects.filter(pk=offer_id, is_active=True).first()
    if offer is None:
        raise OfferUnavailable(offer=offer_id)
    resolved = _place_resolve(place or PlaceRequest(), offer=offer)
    explicit = start_date is not None
    start = start_date or today
    if start < today or start > today + timedelta(weeks=START_HORIZON_WEEKS):
        raise StartDateInvalid(weeks=START_HORIZON_WEEKS)
    first = first_distribution_on_or_after(day=start, weekday=offer.distribution_weekday)
    # A closed day (public holiday, closure of the association) has no distribution: the first basket is the next
    # open one. One query for the whole search range.
    closed = closures_between(first, first + timedelta(weeks=START_HORIZON_WEEKS + 8))
    while first in closed or (not explicit and now >= place_cutoff(rules=resolved.rules, on=first)):
        first += timedelta(weeks=1)
    _check_open(offer=offer, rules=resolved.rules, on=first, now=now)
    if BasketSubscription.objects.filter(customer=customer, offer=offer, status=SubscriptionStatus.ACTIVE).exists():
        raise AlreadySubscribed()
    try:
        with transaction.atomic():
            subscription = BasketSubscription.objects.create(
                customer=customer,
                offer=offer,
                frequency=frequency,
                start_date=first,
                anchor_week_parity=week_parity(first),
                **resolved.fields,
            )
            audit_record(
                actor=customer,
                action="basket_subscription.create",
                obj=subscription,
                changes={"offer": offer.pk, "frequency": frequency, "start_date": first},
            )
            subscription_email_enqueue(subscription=subscription, kind="confirmed", key="", date=first)
    except IntegrityError as exc:
        raise AlreadySubscribed() from exc
    return subscription


def subscription_skip(*, subscription_id: int, on: date, actor, now: datetime | None = None) -> BasketSubscription:
    """Skip one distribution. Idempotent (skipping a skipped date changes nothing); refused after its cutoff."""
    now = now or timezone.now()
    with transaction.atomic():
        subscription = _lock_subscription(subscription_id)
        _require_active(subscription)
        offer = subscription.offer
        if on.weekday() != offer.distribution_weekday or not is_due(
            frequency=subscription.frequency,
            start_date=subscription.start_date,
            anchor_week_parity=subscription.anchor_week_parity,
            on=on,
        ):
            raise NotADistributionDate(date=on)
        closed_day_check(on)  # no basket that day anyway: nothing to skip
        _check_open(offer=offer, rules=_rules_of(subscription), on=on, now=now)
        skip, created = BasketSkip.objects.get_or_create(subscription=subscription, date=on)
        if created:
            audit_record(actor=actor, action="basket_subscription.skip", obj=subscription, changes={"date": on})
            subscription_email_enqueue(subscription=subscription, kind="skipped", key=str(skip.pk), date=on)
    return subscription


def _due_dates(subscription: BasketSubscription, *, start: date, end: date) -> list[date]:
    day = first_distribution_on_or_after(day=start, weekday=subscription.offer.distribution_weekday)
    dates = []
    while day <= end:
        if is_due(
            frequency=subscription.frequency,
            start_date=subscription.start_date,
            anchor_week_parity=subscription.anchor_week_parity,
            on=day,
        ):
            dates.append(day)
        day += timedelta(weeks=1)
    return dates


def subscription_pause(
    *, subscription_id: int, start_date: date, end_date: date, actor, now: datetime | None = None
) -> BasketSubscription:
    """Pause for a period (both ends included, at most 26 weeks). Allowed until the cutoff of the first
    distribution in the period; refused if it overlaps another pause (checked under the subscription's lock)."""
    now = now or timezone.now()
    if end_date < start_date or (end_date - start_date).days > PAUSE_MAX_WEEKS * 7:
        raise PauseTooLong(weeks=PAUSE_MAX_WEEKS)
    with transaction.atomic():
        subscription = _lock_subscription(subscription_id)
        _require_active(subscription)
        dates = _due_dates(subscription, start=start_date, end=end_date)
        if not dates:
            raise NoDistributionInPeriod(start_date=start_date, end_date=end_date)
        _check_open(offer=subscription.offer, rules=_rules_of(subscription), on=dates[0], now=now)
        other = subscription.pauses.filter(start_date__lte=end_date, end_date__gte=start_date).first()
        if other is not None:
            if (other.start_date, other.end_date) == (start_date, end_date):
                return subscription  # the same pause again: nothing to do
            raise PauseOverlaps(start_date=other.start_date, end_date=other.end_date)
        pause = BasketPause.objects.create(subscription=subscription, start_date=start_date, end_date=end_date)
        subscription_email_enqueue(
            subscription=subscription, kind="paused", key=str(pause.pk), start_date=start_date, end_date=end_date
        )
        audit_record(
            actor=actor,
            action="basket_subscription.pause",
            obj=subscription,
            changes={"start_date": start_date, "end_date": end_date},
        )
    return subscription


def subscription_resume(*, subscription_id: int, actor, now: datetime | None = None) -> BasketSubscription:
    """End the current pause (and drop planned ones) from the next distribution not generated yet, which must still
    be open (`cutoff_passed` otherwise). `not_paused` when there is no current or planned pause."""
    now = now or timezone.now()
    with transaction.atomic():
        subscription = _lock_subscription(subscription_id)
        _require_active(subscription)
        resume_on = next_distribution(subscription=subscription, now=now)
        pauses = list(subscription.pauses.filter(end_date__gte=resume_on))
        if not pauses:
            raise NotPaused()
        action_key = f"{resume_on.isoformat()}:{'-'.join(str(p.pk) for p in pauses)}"  # before any deletion
        _check_open(offer=subscription.offer, rules=_rules_of(subscription), on=resume_on, now=now)
        for pause in pauses:
            if pause.start_date >= resume_on:
                pause.delete()
            else:
                pause.end_date = resume_on - timedelta(days=1)
                pause.save(update_fields=["end_date"])
        audit_record(actor=actor, action="basket_subscription.resume", obj=subscription, changes={"from": resume_on})
        subscription_email_enqueue(
            subscription=subscription,
            kind="resumed",
            key=action_key,
            date=resume_on,
        )
    return subscription


def subscription_change(
    *,
    subscription_id: int,
    actor,
    offer_id: int | None = None,
    frequency: str | None = None,
    place: PlaceRequest | None = None,
    now: datetime | None = None,
) -> BasketSubscription:
    """Change the offer (size), the frequency or the place, from the next distribution not generated yet; refused
    after its cutoff (and after the cutoff of the new offer's next distribution when its weekday differs)."""
    now = now or timezone.now()
    if offer_id is None and frequency is None and place is None:
        raise NothingToChange()
    with transaction.atomic():
        subscription = _lock_subscription(subscription_id)
        _require_active(subscription)
        current_rules = _rules_of(subscription)
        changes: dict = {}
        _check_open(
            offer=subscription.offer,
            rules=current_rules,
            on=next_distribution(subscription=subscription, now=now),
            now=now,
        )
        offer = subscription.offer
        if offer_id is not None and offer_id != offer.pk:
            offer = BasketOffer.objects.filter(pk=offer_id, is_active=True).first()
            if offer is None:
                raise OfferUnavailable(offer=offer_id)
            if BasketSubscription.objects.filter(
                customer_id=subscription.customer_id, offer=offer, status=SubscriptionStatus.ACTIVE
            ).exists():
                raise AlreadySubscribed()
            changes["offer"] = [subscription.offer_id, offer.pk]
        resolved = _place_resolve(place, offer=offer) if place is not None else None
        if resolved is None and subscription.delivery_zone is not None and offer.pk != subscription.offer_id:
            home_delivery_fee(zone=subscription.delivery_zone, subtotal=basket_subtotal(offer))
        rules = resolved.rules if resolved else current_rules
        if resolved is None and not any(rule.weekday == offer.distribution_weekday for rule in rules):
            raise PlaceNotServed(weekday=Weekday(offer.distribution_weekday).label)
        if offer.distribution_weekday != subscription.offer.distribution_weekday:
            _check_open(
                offer=offer, rules=rules, on=next_distribution(subscription=subscription, offer=offer, now=now), now=now
            )
        subscription.offer = offer
        if frequency is not None and frequency != subscription.frequency:
            # The new rhythm starts with the next distribution of the current one.
            first = next_distribution(subscription=subscription, now=now)
            changes["frequency"] = [subscription.frequency, frequency]
            subscription.frequency = frequency
            subscription.anchor_week_parity = week_parity(first)
        if resolved is not None:
            before = subscription.pickup_point_id or subscription.delivery_zone_id
            for field, value in resolved.fields.items():
                setattr(subscription, field, value)
            changes["place"] = [before, subscription.pickup_point_id or subscription.delivery_zone_id]
        subscription.save()
        audit_record(actor=actor, action="basket_subscription.change", obj=subscription, changes=changes)
    return subscription


def subscription_cancel(*, subscription_id: int, actor, now: datetime | None = None) -> BasketSubscription:
    """Cancel from the next distribution not generated yet, refused after its cutoff. Idempotent: cancelling a
    cancelled subscription changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        subscription = _lock_subscription(subscription_id)
        if subscription.status == SubscriptionStatus.CANCELLED:
            return subscription
        _check_open(
            offer=subscription.offer,
            rules=_rules_of(subscription),
            on=next_distribution(subscription=subscription, now=now),
            now=now,
        )
        subscription.status, subscription.cancelled_at = SubscriptionStatus.CANCELLED, now
        subscription.save(update_fields=["status", "cancelled_at", "updated_at"])
        audit_record(actor=actor, action="basket_subscription.cancel", obj=subscription, changes={})
    return subscription


def upcoming_distributions(*, subscription: BasketSubscription, count: int = 6) -> list[dict]:
    """The next `count` distribution dates of the rhythm with what will happen (basket, skipped, paused, or closed:
    a public holiday or a closure of the association, no basket) and their cutoffs. Uses the prefetched `active_days`, `upcoming_skips` and `upcoming_pauses` when present."""
    today = timezone.localdate()
    place = subscription.pickup_point or subscription.delivery_zone
    rules = getattr(place, "active_days", None)
    if rules is None:
        rules = list(place.delivery_days.filter(is_active=True))
    skips = {s.date for s in getattr(subscription, "upcoming_skips", subscription.skips.filter(date__gte=today))}
    pauses = list(getattr(subscription, "upcoming_pauses", subscription.pauses.filter(end_date__gte=today)))
    if subscription.status != SubscriptionStatus.ACTIVE:
        return []
    end = today + timedelta(weeks=2 * count)
    dates = _due_dates(subscription, start=max(today, subscription.start_date), end=end)
    closed = closures_between(today, end)  # one query
    result = []
    for on in dates[:count]:
        reason = closed.get(on)
        if reason is not None:
            state = "closed"
        elif on in skips:
            state = "skipped"
        elif any(p.start_date <= on <= p.end_date for p in pauses):
            state = "paused"
        else:
            state = "basket"
        result.append(
            {
                "date": on,
                "week": iso_week_label(on),
                "state": state,
                "closed_reason": reason,
                "cutoff_at": place_cutoff(rules=rules, on=on),
            }
        )
    return result


# --- Pickup ---------------------------------------------------------------------------------------------------


def delivery_status_set(*, delivery_id: int, status: str, actor) -> BasketDelivery:
    """Mark a basket collected, not collected, or back to collect (a correction). Locked, audited; setting the same
    status again changes nothing."""
    with transaction.atomic():
        rows = lock_rows(BasketDelivery.objects.filter(pk=delivery_id))
        if not rows:
            raise NotFound()
        delivery = rows[0]
        if delivery.status == status:
            return delivery
        before = delivery.status
        delivery.status, delivery.status_changed_at, delivery.status_changed_by = status, timezone.now(), actor
        delivery.save(update_fields=["status", "status_changed_at", "status_changed_by"])
        audit_record(actor=actor, action="basket_delivery.status", obj=delivery, changes={"from": before, "to": status})
    return delivery


def basket_delivery_failed(*, delivery_id: int, stop_id: int, reason: str, note: str = "", actor) -> None:
    """A round could not hand the basket over (stop `stop_id`, `reason` a `deliveries.FailureReason`): audited, and
    the subscriber emailed what happens next (outbox, key per basket and stop: twice writes and sends once). The
    basket stays `to_collect` until staff decide."""
    with transaction.atomic():
        delivery = BasketDelivery.objects.filter(pk=delivery_id).first()
        key = f"basket_delivery_failed:{delivery_id}:{stop_id}"
        if delivery is None or OutboxMessage.objects.filter(key=key).exists():
            return
        outbox_enqueue(
            key=key,
            handler="baskets.emails.basket_delivery_failed_send",
            payload={"delivery_id": delivery.pk, "reason": reason},
            new_key=True,
        )
        audit_record(
            actor=actor,
            action="basket_delivery.failed",
            obj=delivery,
            changes={"stop": stop_id, "reason": reason, "note": note[:255]},
        )


__all__ = [
    "BasketDeliveryStatus",
    "CompositionLineRequest",
    "PlaceRequest",
    "basket_delivery_failed",
    "composition_publish",
    "composition_set",
    "delivery_status_set",
    "next_distribution",
    "solidarity_grant",
    "subscription_cancel",
    "subscription_change",
    "subscription_create",
    "subscription_pause",
    "subscription_resume",
    "subscription_skip",
    "upcoming_distributions",
    "week_monday",
]
