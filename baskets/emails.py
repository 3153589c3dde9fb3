"""Emails of the cabas bio, sent through the transactional outbox (`ecopole.core.outbox`): handlers take the
payload as keyword arguments, render in the site's language (French by default) and send."""

from __future__ import annotations

from datetime import date

from django.core.mail import EmailMultiAlternatives

from ecopole.core.emails import email_send, templated_email
from ecopole.core.outbox import outbox_enqueue

from .models import BasketDelivery

BASE = "baskets/email/basket_reminder"


def _opening(delivery: BasketDelivery) -> str:
    point = delivery.pickup_point
    if point is None:
        return ""
    hours = [
        f"{o['opens']}–{o['closes']}" for o in point.opening_hours or [] if o.get("weekday") == delivery.date.weekday()
    ]
    return ", ".join(hours)


def basket_reminder_render(*, delivery: BasketDelivery) -> EmailMultiAlternatives:
    """The email of the day before: this week's composition and where to collect the basket."""
    lines = (
        list(delivery.run.composition.lines.select_related("product").order_by("product__name"))
        if (delivery.run.composition_id)
        else []
    )
    context = {
        "delivery": delivery,
        "lines": lines,
        "customer_name": delivery.customer.get_full_name(),
        "opening": _opening(delivery),
    }
    message = templated_email(BASE, context, to=[delivery.customer.email])
    return message


def basket_reminder_send(*, delivery_id: int) -> None:
    """Outbox handler. A delivery that no longer exists sends nothing."""
    delivery = (
        BasketDelivery.objects.select_related("customer", "offer", "pickup_point", "delivery_zone", "run__composition")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None:
        return
    email_send(basket_reminder_render(delivery=delivery))


# --- What a subscriber expects: subscription confirmed, basket skipped, subscription paused, resumed -------------

SUBSCRIPTION_BASE = "baskets/email/basket_subscription"
SUBSCRIPTION_EMAILS = ("confirmed", "skipped", "paused", "resumed")


def subscription_email_enqueue(*, subscription, kind: str, key: str, **dates: date) -> None:
    """Queue the email of a subscriber's action through the outbox, in the caller's transaction (sent after its
    commit, never when it rolls back). `key` names the action (the skip, the pause…), so a retried request or a
    second delivery of the task never sends it twice. `dates`: the dates the email gives (date, start_date…)."""
    if kind not in SUBSCRIPTION_EMAILS:
        raise ValueError(kind)
    outbox_enqueue(
        key=f"basket_subscription:{subscription.pk}:{kind}:{key}",
        handler="baskets.emails.subscription_email_send",
        payload={"subscription_id": subscription.pk, "kind": kind, **{k: v.isoformat() for k, v in dates.items()}},
    )


def subscription_email_render(*, subscription, kind: str, **dates: date) -> EmailMultiAlternatives:
    context = {
        "kind": kind,
        "subscription": subscription,
        "offer": subscription.offer,
        "customer_name": subscription.customer.get_full_name(),
        "frequency": subscription.get_frequency_display(),
        "point": subscription.pickup_point,
        **dates,
    }
    return templated_email(SUBSCRIPTION_BASE, context, to=[subscription.customer.email])


def subscription_email_send(*, subscription_id: int, kind: str, **dates: str) -> None:
    """Outbox handler. A subscription that no longer exists sends nothing."""
    from .models import BasketSubscription

    subscription = (
        BasketSubscription.objects.select_related("customer", "offer", "pickup_point", "delivery_zone")
        .filter(pk=subscription_id)
        .first()
    )
    if subscription is None:
        return
    parsed = {name: date.fromisoformat(value) for name, value in dates.items()}
    email_send(subscription_email_render(subscription=subscription, kind=kind, **parsed))


def basket_delivery_failed_send(*, delivery_id: int, reason: str) -> None:
    """Outbox handler: tell the subscriber their basket could not be handed over, and what happens next."""
    from django.conf import settings
    from django.utils import translation

    from deliveries.models import FailureReason

    delivery = BasketDelivery.objects.select_related("customer", "offer").filter(pk=delivery_id).first()
    if delivery is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        reason_label = str(FailureReason(reason).label) if reason in FailureReason.values else reason
    context = {
        "delivery": delivery,
        "customer_name": delivery.customer.get_full_name(),
        "reason": reason_label,
        "contact": settings.STAFF_NOTIFICATION_EMAIL,
    }
    email_send(templated_email("baskets/email/basket_delivery_failed", context, to=[delivery.customer.email]))


# --- The decision on a request for the solidarity price -----------------------------------------------------------

SOLIDARITY_REQUEST_BASE = "baskets/email/solidarity_request"


def solidarity_request_email_enqueue(*, request) -> None:
    """Queue the email telling the customer the manager's decision, in the caller's transaction; once per request
    (its key names the request: it is decided once)."""
    outbox_enqueue(
        key=f"solidarity_request:{request.pk}:decided",
        handler="baskets.emails.solidarity_request_email_send",
        payload={"request_id": request.pk},
    )


def solidarity_request_email_render(*, request) -> EmailMultiAlternatives:
    from django.conf import settings

    context = {
        "request": request,
        "granted": request.status == "granted",
        "customer_name": request.customer.get_full_name(),
        "contact": settings.STAFF_NOTIFICATION_EMAIL,
        "site_url": settings.SITE_URL,
    }
    return templated_email(SOLIDARITY_REQUEST_BASE, context, to=[request.customer.email])


def solidarity_request_email_send(*, request_id: int) -> None:
    """Outbox handler. A request that no longer exists, or is still pending, sends nothing."""
    from .models import SolidarityRequest, SolidarityRequestStatus

    request = SolidarityRequest.objects.select_related("customer").filter(pk=request_id).first()
    if request is None or request.status == SolidarityRequestStatus.PENDING:
        return
    email_send(solidarity_request_email_render(request=request))
