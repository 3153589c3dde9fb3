"""Emails of delivery rounds, sent by the outbox (`ecopole.core.outbox`): plain functions taking the payload."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation


def send_arrival_window(*, order_id: int, opens: str, closes: str) -> bool:
    """Tell a home-delivery customer the two-hour window in which the round reaches them. Returns False when the
    order no longer exists or is no longer a home delivery (nothing to say)."""
    from orders.models import Order

    order = Order.objects.select_related("customer").filter(pk=order_id, fulfilment="home").first()
    if order is None:
        return False
    with translation.override(settings.LANGUAGE_CODE), timezone.override(settings.TIME_ZONE):
        context = {
            "order": order,
            "customer_name": order.customer.get_full_name(),
            "opens": timezone.localtime(datetime.fromisoformat(opens)),
            "closes": timezone.localtime(datetime.fromisoformat(closes)),
        }
        subject = " ".join(render_to_string("deliveries/email/arrival_window_subject.txt", context).split())
        text = render_to_string("deliveries/email/arrival_window.txt", context)
        html = render_to_string("deliveries/email/arrival_window.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[order.customer.email]
    )
    message.attach_alternative(html, "text/html")
    message.send()
    return True
