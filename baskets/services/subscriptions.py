"""Writes of the cabas bio's subscriptions: subscribe, skip, pause, resume, change, cancel.

Every entry service runs in its own durable transaction (committed when it returns: the API, a task, the demo and a
benchmark get the same guarantee) and locks the subscription with `lock_rows` before re-reading it.

The cutoff rule for subscribers: an action concerns one distribution (a skip, the first basket of a pause, or, for
resume / change / cancel, the next distribution of the subscription that is not generated yet) and is refused with
`cutoff_passed` once that distribution's cutoff has passed or its baskets have been generated. So no change ever
leaks into a distribution that is closed, even in the hour between the cutoff and the generation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from deliveries.models import DeliveryDay, DeliveryZone, PickupPoint, Weekday
from deliveries.services.places import home_address_locate, home_coordinates_check, zone_for_commune
from ecopole.core.audit import audit_record
from ecopole.core.calendar import closed_day_check, closures_between
from ecopole.core.exceptions import NotFound
from ecopole.core.locking import lock_rows
from orders.errors import OutsideDeliveryZone, PickupPointUnavailable
from orders.models import Fulfilment
from orders.services.home_delivery import basket_subtotal, home_delivery_fee

from ..emails import subscription_email_enqueue
from ..errors import (
    AlreadySubscribed,
    BasketCutoffPassed,
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
    BasketFrequency,
    BasketOffer,
    BasketPause,
    BasketRun,
    BasketRunStatus,
    BasketSkip,
    BasketSubscription,
    SubscriptionStatus,
)
from .calendar import (
    first_distribution_on_or_after,
    is_due,
    iso_week_label,
    place_cutoff,
    week_parity,
)

DEFAULT_PICKUP_POINT_SLUG = "ilot-jacquard-calais"
START_HORIZON_WEEKS = 12
PAUSE_MAX_WEEKS = 26


def default_pickup_point_slug() -> str:
    return settings.BASKETS_DEFAULT_PICKUP_POINT


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


def place_geocode(place: PlaceRequest) -> PlaceRequest:
    """A home place without coordinates, geocoded (`home_address_locate`: zones checked; `address_not_found`,
    `address_ambiguous`, `geocoder_unavailable`) with the BAN's postcode and commune, the street as typed. Called
    before any transaction opens (the online geocoder is a network call). Other places are returned as they are."""
    if place.fulfilment != Fulfilment.HOME or place.latitude is not None or place.longitude is not None:
        return place
    found = home_address_locate(street=place.address, postcode=place.postcode, commune=place.commune)
    return replace(
        place, postcode=found.postcode, commune=found.commune, latitude=found.latitude, longitude=found.longitude
    )


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
    resolved = _place_resolve(place_geocode(place or PlaceRequest()), offer=offer)
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
        with transaction.atomic(durable=True):
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
    with transaction.atomic(durable=True):
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
    with transaction.atomic(durable=True):
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
    with transaction.atomic(durable=True):
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
    if place is not None:
        place = place_geocode(place)  # before the transaction: it may call the online geocoder
    with transaction.atomic(durable=True):
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
    with transaction.atomic(durable=True):
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


def subscriptions_end_for_erasure(*, user, actor) -> int:
    """A step of an account's erasure (`ecopole.core.personal_data`): cancel every subscription of `user` that is
    not cancelled yet, whatever the cutoff (baskets already generated stay as they are). Audited; idempotent.
    Returns how many were ended."""
    now = timezone.now()
    ended = 0
    ids = list(
        BasketSubscription.objects.filter(customer_id=user.pk)
        .exclude(status=SubscriptionStatus.CANCELLED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for subscription_id in ids:
        with transaction.atomic(durable=True):
            subscription = _lock_subscription(subscription_id)
            if subscription.status == SubscriptionStatus.CANCELLED:
                continue
            subscription.status, subscription.cancelled_at = SubscriptionStatus.CANCELLED, now
            subscription.save(update_fields=["status", "cancelled_at", "updated_at"])
            audit_record(actor=actor, action="basket_subscription.cancel", obj=subscription, changes={"why": "erasure"})
            ended += 1
    return ended
