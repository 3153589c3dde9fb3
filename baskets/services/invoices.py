"""Each subscriber's monthly invoice of the cabas: baskets hands invoicing plain data (one line per basket and per
delivery fee, VAT included, at the food rate), invoicing numbers and keeps it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from invoicing.models import Invoice, Series
from invoicing.services.invoices import Buyer, LineData, invoice_issue

from ..models import BasketDelivery

# Vegetables and food: the reduced rate (the cabas is sold VAT included, like the grocery's food).
BASKET_VAT_RATE = Decimal("5.50")


def _month_bounds(month: date) -> tuple[date, date]:
    start = month.replace(day=1)
    return start, (start + timedelta(days=32)).replace(day=1)


def basket_invoice_source(*, customer_id: int, month: date) -> str:
    return f"cabas:{customer_id}:{month:%Y-%m}"


def basket_invoice_issue(*, customer_id: int, month: date) -> Invoice | None:
    """Issue the subscriber's invoice of the baskets distributed in `month` (None when there were none).

    Idempotent: one invoice per (customer, month) by its source; its own durable transaction."""
    start, end = _month_bounds(month)
    deliveries = list(
        BasketDelivery.objects.filter(customer_id=customer_id, date__gte=start, date__lt=end)
        .select_related("offer", "customer")
        .order_by("date", "id")
    )
    if not deliveries:
        return None
    customer = deliveries[0].customer
    with translation.override(settings.LANGUAGE_CODE):
        lines: list[LineData] = []
        for delivery in deliveries:
            label = _("Cabas %(offer)s of %(date)s") % {"offer": delivery.offer.name, "date": f"{delivery.date:%d/%m}"}
            if delivery.solidarity:
                label = _("%(label)s (solidarity price)") % {"label": label}
            lines.append(
                LineData(description=label, quantity=Decimal(1), unit_price=delivery.price, vat_rate=BASKET_VAT_RATE)
            )
            if delivery.delivery_fee > 0:
                lines.append(
                    LineData(
                        description=_("Home delivery of %(date)s") % {"date": f"{delivery.date:%d/%m}"},
                        quantity=Decimal(1),
                        unit_price=delivery.delivery_fee,
                        vat_rate=BASKET_VAT_RATE,
                    )
                )
        note = _("Cabas bio subscription, %(month)s") % {"month": f"{start:%m/%Y}"}
    last = deliveries[-1]
    buyer = Buyer(
        name=customer.full_name or customer.email,
        email=customer.email,
        address=last.delivery_address,
        city=last.delivery_commune,
    )
    with transaction.atomic(durable=True):
        invoice, _created = invoice_issue(
            series=Series.CUSTOMER,
            source=basket_invoice_source(customer_id=customer_id, month=start),
            buyer=buyer,
            lines=lines,
            customer_id=customer_id,
            note=note,
        )
    return invoice


def basket_invoices_issue_monthly(*, month: date | None = None) -> int:
    """Every subscriber's invoice for `month` (default: the month just ended, Europe/Paris), each in its own
    transaction; a second run issues nothing. Returns how many invoices this run issued."""
    if month is None:
        month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    start, end = _month_bounds(month)
    customer_ids = sorted(
        set(BasketDelivery.objects.filter(date__gte=start, date__lt=end).values_list("customer_id", flat=True))
    )
    already = set(
        Invoice.objects.filter(
            source__in=[basket_invoice_source(customer_id=pk, month=start) for pk in customer_ids]
        ).values_list("customer_id", flat=True)
    )
    issued = 0
    for customer_id in customer_ids:
        if customer_id not in already and basket_invoice_issue(customer_id=customer_id, month=start):
            issued += 1
    return issued


def subscriptions_hold_for_returned_debit(*, customer_id: int, invoice_source: str) -> int:
    """A returned direct debit (`invoicing.ports`): each active subscription of the customer is paused from its next
    open distribution for SEPA_RETURN_HOLD_WEEKS weeks, through the pause service (its rules and its event).
    Idempotent: the same pause again changes nothing (the pause service's rule). Returns how many are on hold."""
    from ecopole.core.exceptions import ApplicationError

    from ..models import BasketSubscription, SubscriptionStatus
    from .subscriptions import next_distribution, subscription_pause

    paused = 0
    subscriptions = BasketSubscription.objects.filter(customer_id=customer_id, status=SubscriptionStatus.ACTIVE)
    for subscription in subscriptions.select_related("offer").order_by("pk"):
        start = next_distribution(subscription=subscription)
        end = start + timedelta(weeks=settings.SEPA_RETURN_HOLD_WEEKS) - timedelta(days=1)
        try:
            subscription_pause(subscription_id=subscription.pk, start_date=start, end_date=end, actor=None)
        except ApplicationError:
            continue  # already paused over it, or its cutoff passed: nothing more to hold
        paused += 1
    return paused
