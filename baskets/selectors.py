"""Reads of the cabas bio. Querysets are scoped to the user here: a customer never reaches another's subscription."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from catalogue.models import StockLevel
from deliveries.models import DeliveryDay
from deliveries.selectors import driver_handover_refs
from ecopole.core.exceptions import NotFound
from ecopole.core.permissions import is_driver_only, is_manager, is_staff_member, sees_all_orders
from orders.models import Fulfilment

from .models import (
    BasketComposition,
    BasketCompositionLine,
    BasketDelivery,
    BasketFrequency,
    BasketOffer,
    BasketPause,
    BasketRun,
    BasketRunStatus,
    BasketSkip,
    BasketSubscription,
    CompositionStatus,
    SolidarityEligibility,
    SolidarityRequest,
    SubscriptionStatus,
)
from .services.calendar import week_parity

UPCOMING_SHOWN = 6


def offer_list() -> QuerySet[BasketOffer]:
    return BasketOffer.objects.filter(is_active=True).order_by("position", "price", "id")


def offer_get(*, offer_id: int, active_only: bool = True) -> BasketOffer:
    offer = (offer_list() if active_only else BasketOffer.objects.all()).filter(pk=offer_id).first()
    if offer is None:
        raise NotFound()
    return offer


def _lines() -> Prefetch:
    return Prefetch(
        "lines", queryset=BasketCompositionLine.objects.select_related("product").order_by("product__name", "id")
    )


def composition_list(*, user, offer_id: int, week_start: date | None = None) -> QuerySet[BasketComposition]:
    """Compositions of an offer, latest week first, with their lines (two queries). Customers and anonymous
    visitors see published ones only; staff see drafts too."""
    queryset = (
        BasketComposition.objects.filter(offer_id=offer_id)
        .select_related("offer")
        .prefetch_related(_lines())
        .order_by("-week_start", "id")
    )
    if not is_staff_member(user):
        queryset = queryset.filter(status=CompositionStatus.PUBLISHED)
    if week_start is not None:
        queryset = queryset.filter(week_start=week_start)
    return queryset


def composition_get(*, offer_id: int, week_start: date) -> BasketComposition:
    composition = (
        BasketComposition.objects.filter(offer_id=offer_id, week_start=week_start)
        .select_related("offer")
        .prefetch_related(_lines())
        .first()
    )
    if composition is None:
        raise NotFound()
    return composition


def solidarity_eligible_on(*, on: date):
    """An `Exists` to annotate a queryset having a `customer_id`: is its customer eligible on `on`?"""
    return Exists(SolidarityEligibility.objects.filter(customer_id=OuterRef("customer_id"), valid_until__gte=on))


def subscriptions_due(*, offer_id: int, on: date) -> QuerySet[BasketSubscription]:
    """Active subscriptions of the offer whose rhythm brings a basket on `on`, neither skipped nor paused that day,
    annotated with `solidarity` (eligibility on `on`). One query whatever their number."""
    return (
        BasketSubscription.objects.filter(offer_id=offer_id, status=SubscriptionStatus.ACTIVE, start_date__lte=on)
        .filter(Q(frequency=BasketFrequency.WEEKLY) | Q(anchor_week_parity=week_parity(on)))
        .exclude(Exists(BasketSkip.objects.filter(subscription=OuterRef("pk"), date=on)))
        .exclude(Exists(BasketPause.objects.filter(subscription=OuterRef("pk"), start_date__lte=on, end_date__gte=on)))
        .annotate(solidarity=solidarity_eligible_on(on=on))
    )


def stock_levels(*, product_ids) -> dict[int, object]:
    return dict(StockLevel.objects.filter(product_id__in=list(product_ids)).values_list("product_id", "quantity"))


def subscription_list(*, user) -> QuerySet[BasketSubscription]:
    """Subscriptions visible to `user` (managers: all; anyone else: their own), with their offer, place, delivery
    rules, upcoming skips and pauses and today's solidarity eligibility: a constant number of queries."""
    today = timezone.localdate()
    rules = DeliveryDay.objects.filter(is_active=True).order_by("weekday")
    queryset = (
        BasketSubscription.objects.select_related("customer", "offer", "pickup_point", "delivery_zone")
        .prefetch_related(
            Prefetch("pickup_point__delivery_days", queryset=rules, to_attr="active_days"),
            Prefetch("delivery_zone__delivery_days", queryset=rules, to_attr="active_days"),
            Prefetch(
                "skips", queryset=BasketSkip.objects.filter(date__gte=today).order_by("date"), to_attr="upcoming_skips"
            ),
            Prefetch(
                "pauses",
                queryset=BasketPause.objects.filter(end_date__gte=today).order_by("start_date"),
                to_attr="upcoming_pauses",
            ),
        )
        .annotate(solidarity_now=solidarity_eligible_on(on=today))
    )
    if not is_manager(user):
        # Subscriptions carry the solidarity status: a manager's business only (preparers and drivers work from
        # the basket deliveries); everyone else reaches their own.
        queryset = queryset.filter(customer=user)
    return queryset.order_by("-created_at", "-id")


def subscription_get(*, user, subscription_id: int) -> BasketSubscription:
    subscription = subscription_list(user=user).filter(pk=subscription_id).first()
    if subscription is None:
        raise NotFound()
    return subscription


def runs_done(*, offer_ids, dates) -> set[tuple[int, date]]:
    return set(
        BasketRun.objects.filter(
            offer_id__in=set(offer_ids), date__in=set(dates), status=BasketRunStatus.DONE
        ).values_list("offer_id", "date")
    )


def basket_delivery_scope(*, user) -> QuerySet[BasketDelivery]:
    """Basket deliveries `user` may reach as staff: managers and preparers every one; a driver those handed over on
    their own rounds; anyone else none."""
    if sees_all_orders(user):
        return BasketDelivery.objects.all()
    if is_driver_only(user):
        return BasketDelivery.objects.filter(pk__in=driver_handover_refs(user=user, source="baskets"))
    return BasketDelivery.objects.none()


def basket_delivery_ensure_visible(*, user, delivery_id: int) -> None:
    if not basket_delivery_scope(user=user).filter(pk=delivery_id).exists():
        raise NotFound()


def pickup_sheet(*, on: date, user=None) -> dict:
    """The baskets of a distribution date per pickup point or home-delivery zone: how many of each offer and who
    (a pickup sheet). Three queries whatever the number of baskets. With `user`, only the baskets they may reach
    (`basket_delivery_scope`), and the solidarity flag and price (which tells it) for managers only (None else)."""
    scope = BasketDelivery.objects.all() if user is None else basket_delivery_scope(user=user)
    private = user is not None and not is_manager(user)
    deliveries = (
        scope.filter(date=on)
        .values(
            "id",
            "fulfilment",
            "pickup_point_id",
            "pickup_point__name",
            "delivery_zone_id",
            "delivery_zone__name",
            "offer_id",
            "offer__name",
            "offer__size",
            "customer_id",
            "customer__full_name",
            "customer__email",
            "delivery_address",
            "delivery_commune",
            "price",
            "solidarity",
            "delivery_fee",
            "status",
        )
        .order_by("fulfilment", "pickup_point__name", "delivery_zone__name", "customer__full_name", "id")
    )
    places: dict[tuple, dict] = {}
    for row in deliveries:
        pickup = row["fulfilment"] == Fulfilment.PICKUP
        key = (row["fulfilment"], row["pickup_point_id"] or row["delivery_zone_id"])
        place = places.setdefault(
            key,
            {
                "type": row["fulfilment"],
                "id": key[1],
                "name": row["pickup_point__name"] if pickup else row["delivery_zone__name"],
                "counts": {},
                "baskets": [],
            },
        )
        count = place["counts"].setdefault(
            row["offer_id"],
            {"offer": row["offer_id"], "name": row["offer__name"], "size": row["offer__size"], "count": 0},
        )
        count["count"] += 1
        place["baskets"].append(
            {
                "id": row["id"],
                "customer": row["customer_id"],
                "customer_name": row["customer__full_name"] or row["customer__email"],
                "offer": row["offer_id"],
                "offer_name": row["offer__name"],
                "size": row["offer__size"],
                "address": row["delivery_address"],
                "commune": row["delivery_commune"],
                "price": None if private else row["price"],
                "solidarity": None if private else row["solidarity"],
                "delivery_fee": row["delivery_fee"],
                "status": row["status"],
            }
        )
    for place in places.values():
        place["counts"] = sorted(place["counts"].values(), key=lambda c: (c["name"], c["offer"]))
        place["baskets_count"] = len(place["baskets"])
    runs = list(BasketRun.objects.filter(date=on).select_related("offer").order_by("offer__position", "offer_id"))
    if user is not None and not sees_all_orders(user):
        runs = []  # the day's generation runs (with their counts) are for those who prepare every basket
    totals = scope.filter(date=on).values("offer_id").annotate(n=Count("id")).values_list("offer_id", "n")
    return {
        "date": on,
        "baskets_count": sum(n for _offer, n in totals),
        "runs": runs,
        "places": list(places.values()),
    }


def statement(*, customer, month_start: date) -> dict:
    """What a subscriber received in a month and at which price (one query)."""
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    deliveries = list(
        BasketDelivery.objects.filter(customer=customer, date__gte=month_start, date__lt=next_month)
        .select_related("offer", "pickup_point", "delivery_zone")
        .order_by("date", "id")
    )
    return {
        "customer": customer,
        "month": month_start.strftime("%Y-%m"),
        "deliveries": deliveries,
        "baskets_count": len(deliveries),
        "total": sum((d.total for d in deliveries), Decimal("0.00")),
    }


def eligibility_list() -> QuerySet[SolidarityEligibility]:
    return SolidarityEligibility.objects.select_related("customer", "granted_by").order_by("-valid_until", "id")


def compositions_published(*, week_starts) -> QuerySet[BasketComposition]:
    """The published compositions of the active offers for the given weeks (Mondays), with their lines: two
    queries whatever their number. What a visitor may read of the cabas."""
    return (
        BasketComposition.objects.filter(
            week_start__in=list(week_starts), status=CompositionStatus.PUBLISHED, offer__is_active=True
        )
        .select_related("offer")
        .prefetch_related(_lines())
        .order_by("week_start", "offer__position", "offer_id")
    )


def solidarity_request_list(*, user) -> QuerySet[SolidarityRequest]:
    """Requests for the solidarity price `user` may read: a manager all of them, anyone else their own."""
    queryset = SolidarityRequest.objects.select_related("customer", "decided_by").order_by("-created_at", "-id")
    return queryset if is_manager(user) else queryset.filter(customer=user)


def solidarity_status(*, customer) -> dict:
    """A customer's solidarity price as they may read it: eligible until when (None: not eligible today) and their
    latest request (None: never asked). Two queries."""
    today = timezone.localdate()
    until = (
        SolidarityEligibility.objects.filter(customer=customer, valid_until__gte=today)
        .values_list("valid_until", flat=True)
        .first()
    )
    latest = SolidarityRequest.objects.filter(customer=customer).order_by("-created_at", "-id").first()
    return {"eligible_until": until, "request": latest}
