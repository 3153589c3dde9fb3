"""Basket deliveries as stops of the delivery rounds: the cabas app's `StopSource` (`deliveries.ports`), registered
at start-up by `OrdersConfig.ready()`.

A basket weighs its offer's indicative weight and travels in its own crates. Baskets for a pickup point other than
the depot merge with the grocery orders of that point into one stop; a home basket with coordinates is a stop of its
own (`basket:<id>`). Only baskets still to collect are delivered. What happened reaches each basket: its
`round_status` becomes `delivered` or `failed` (the subscriber of a failed one is emailed what happens next).
"""

from __future__ import annotations

from datetime import date

from deliveries.models import StopKind
from deliveries.ports import BaseStopSource, Handover, HandoverItem, StopDemand, StopOutcome
from deliveries.services.sources import (
    DEFAULT_HOME_WINDOW,
    SERVICE_MINUTES,
    crates_for,
    point_demand,
)
from orders.models import Fulfilment

from .models import BasketDelivery, BasketDeliveryStatus

SOURCE = "baskets"


def _handover(delivery: BasketDelivery) -> Handover:
    return Handover(
        source=SOURCE,
        ref=delivery.pk,
        customer=delivery.customer.get_full_name() or delivery.customer.email,
        phone=delivery.customer.phone,
        items=(HandoverItem(name=delivery.offer.name, quantity="1", unit="basket"),),
        customer_id=delivery.customer_id,
    )


def basket_stops(day: date) -> list[StopDemand]:
    """The baskets of `day` to bring to pickup points (not the depot) or to homes. One query."""
    deliveries = (
        BasketDelivery.objects.filter(date=day, status=BasketDeliveryStatus.TO_COLLECT)
        .exclude(pickup_point__is_depot=True)
        .select_related("customer", "offer", "pickup_point", "subscription")
        .order_by("pk")
    )
    demands = []
    for delivery in deliveries:
        kg = delivery.offer.indicative_weight
        if delivery.fulfilment == Fulfilment.PICKUP:
            demands.append(
                point_demand(
                    delivery.pickup_point, load_kg=kg, load_crates=crates_for(kg), handover=(_handover(delivery),)
                )
            )
            continue
        subscription = delivery.subscription
        if subscription.delivery_latitude is None or subscription.delivery_longitude is None:
            continue
        demands.append(
            StopDemand(
                key=f"basket:{delivery.pk}",
                kind=StopKind.HOME,
                label=delivery.customer.get_full_name() or delivery.customer.email,
                latitude=subscription.delivery_latitude,
                longitude=subscription.delivery_longitude,
                address=delivery.delivery_address,
                postcode=subscription.delivery_postcode,
                commune=delivery.delivery_commune,
                window_start=DEFAULT_HOME_WINDOW[0],
                window_end=DEFAULT_HOME_WINDOW[1],
                load_kg=kg,
                load_crates=crates_for(kg),
                service_minutes=SERVICE_MINUTES[StopKind.HOME],
                handover=(_handover(delivery),),
            )
        )
    return demands


class BasketSource(BaseStopSource):
    name = SOURCE

    def demands(self, day: date) -> list[StopDemand]:
        return basket_stops(day)

    def delivered(self, outcome: StopOutcome) -> None:
        from .services.deliveries import basket_delivery_round_outcome

        for delivery_id in outcome.refs:
            basket_delivery_round_outcome(
                delivery_id=delivery_id, stop_id=outcome.stop_id, status="delivered", actor=outcome.actor
            )

    def failed(self, outcome: StopOutcome) -> None:
        from .services.deliveries import basket_delivery_failed

        for delivery_id in outcome.refs:
            basket_delivery_failed(
                delivery_id=delivery_id,
                stop_id=outcome.stop_id,
                reason=outcome.reason,
                note=outcome.note,
                actor=outcome.actor,
            )

    def phones(self, refs: tuple[int, ...]) -> dict[int, str]:
        return dict(BasketDelivery.objects.filter(pk__in=refs).values_list("pk", "customer__phone"))
