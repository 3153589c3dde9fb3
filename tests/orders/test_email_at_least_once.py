"""Order emails are sent at least once: marked sent only after the mail backend accepted them, each with a stable
Message-ID derived from its outbox key (issue 22, item 1)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail

from ecopole.core.emails import email_message_id
from ecopole.core.models import OutboxMessage
from ecopole.core.outbox import outbox_deliver
from orders.models import OrderNotification
from tests.clients import client_for
from tests.mail_backends import ProbingBackend
from tests.orders.helpers import pickup_body

ROOT = Path(__file__).resolve().parents[2]
APPS = ["accounts", "baskets", "catalogue", "deliveries", "ecopole", "orders", "processing", "shop", "vending"]


def _place(customer, depot, leeks, captured):
    with captured(execute=True):
        response = client_for(customer).post("/api/v1/orders/", pickup_body(depot, [(leeks, 1)]), format="json")
    assert response.status_code == 201, response.json()
    return OrderNotification.objects.get(order_id=response.json()["id"])


@pytest.fixture
def probing(settings):
    settings.EMAIL_BACKEND = "tests.mail_backends.ProbingBackend"
    ProbingBackend.seen = []
    ProbingBackend.probe = lambda: list(OrderNotification.objects.values_list("sent_at", flat=True))
    yield ProbingBackend
    ProbingBackend.probe = None


def test_the_confirmation_is_marked_sent_only_after_the_backend_accepted_it(
    customer, depot, leeks, probing, django_capture_on_commit_callbacks
):
    notification = _place(customer, depot, leeks, django_capture_on_commit_callbacks)

    # when the backend accepted the email, the notification was not yet marked sent (at most once marked it before)
    assert probing.seen == [[None]]
    notification.refresh_from_db()
    assert notification.sent_at is not None
    # and the email carries the Message-ID of its outbox message
    (email,) = mail.outbox
    assert email.extra_headers["Message-ID"] == email_message_id(f"order_email:{notification.pk}")
    assert email.message()["Message-ID"] == email_message_id(f"order_email:{notification.pk}")


def test_a_crash_after_the_send_sends_again_with_the_same_message_id_never_zero_times(
    customer, depot, leeks, settings, django_capture_on_commit_callbacks
):
    # given a worker that dies right after the mail server accepted the confirmation
    settings.EMAIL_BACKEND = "tests.mail_backends.AcceptThenCrashBackend"
    notification = _place(customer, depot, leeks, django_capture_on_commit_callbacks)
    message = OutboxMessage.objects.get(key=f"order_email:{notification.pk}")
    notification.refresh_from_db()
    assert len(mail.outbox) == 1 and notification.sent_at is None and message.status == "pending"

    # when the outbox delivers it again
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox_deliver(message_id=message.pk) is True

    # then it went out twice, recognisably the same email, and is marked sent once
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [email_message_id(message.key)] * 2
    notification.refresh_from_db()
    assert notification.sent_at is not None
    assert outbox_deliver(message_id=message.pk) is False and len(mail.outbox) == 2


EMAIL_SEND_OUTSIDE_CORE = re.compile(r"\bsend_mail\(|\bsend_mass_mail\(|\.send\(\)|\.send\(fail_silently")


def test_every_email_of_the_project_goes_through_email_send():
    """Audit: no handler sends an email by itself (it would get no stable Message-ID and could mark before sending)."""
    offenders = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or path == ROOT / "ecopole" / "core" / "emails.py":
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if EMAIL_SEND_OUTSIDE_CORE.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
