"""The newsletter of the week's products: only to the accounts that asked for it (`User.newsletter_opt_in_at`, the
consent's date), each email with a signed one-click unsubscribe link (`List-Unsubscribe`, RFC 8058), through the
outbox and `email_send`.

`newsletter_week_queue` runs weekly (django-celery-beat): one outbox message per subscriber and ISO week (the unique
key makes a second run of the same week a no-op). The handler checks the consent again at sending time: withdrawn
between the queueing and the sending, nothing is sent.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.services import newsletter_unsubscribe_token
from catalogue.models import Product
from ecopole.core.emails import email_send, templated_email
from ecopole.core.outbox import outbox_enqueue

HANDLER = "orders.newsletter_send"
BATCH = 1000
PRODUCTS_SHOWN = 12


def newsletter_subscribers():
    return User.objects.filter(newsletter_opt_in_at__isnull=False, is_active=True, erased_at__isnull=True)


def newsletter_week_queue(*, now: datetime | None = None) -> int:
    """Queue this ISO week's newsletter for every subscriber not queued yet; returns how many were queued."""
    now = now or timezone.now()
    year, week, _ = timezone.localdate(now).isocalendar()
    label = f"{year}-W{week:02d}"
    queued = 0
    ids = list(newsletter_subscribers().order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        with transaction.atomic(durable=True):
            for user_id in ids[start : start + BATCH]:
                message = outbox_enqueue(
                    key=f"newsletter:{label}:{user_id}", handler=HANDLER, payload={"user_id": user_id, "week": label}
                )
                queued += message.status == message.Status.PENDING and message.attempts == 0
    return queued


def newsletter_unsubscribe_url(user: User) -> str:
    path = reverse("shop:newsletter-unsubscribe", kwargs={"token": newsletter_unsubscribe_token(user=user)})
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def newsletter_send(*, user_id: int, week: str) -> bool:
    """The outbox handler: send the week's newsletter if the account still wants it (False otherwise)."""
    user = newsletter_subscribers().filter(pk=user_id).first()
    if user is None:
        return False
    products = list(Product.objects.filter(is_active=True).select_related("producer").order_by("name")[:PRODUCTS_SHOWN])
    unsubscribe = newsletter_unsubscribe_url(user)
    context = {
        "name": user.get_full_name(),
        "week": week,
        "products": products,
        "site_url": settings.SITE_URL.rstrip("/"),
        "unsubscribe_url": unsubscribe,
    }
    message = templated_email("orders/email/newsletter", context, to=[user.email])
    message.extra_headers["List-Unsubscribe"] = f"<{unsubscribe}>"
    message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email_send(message)
    return True
