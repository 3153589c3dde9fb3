import pytest
from django.core import mail
from django.db import transaction

from ecopole.core.models import OutboxMessage
from ecopole.core.outbox import outbox_deliver, outbox_due_ids, outbox_enqueue, outbox_handler_register
from ecopole.core.tasks import outbox_sweep

pytestmark = pytest.mark.django_db(transaction=True)

DELIVERIES: list[dict] = []


def record_delivery(**payload) -> None:
    DELIVERIES.append(payload)
    mail.send_mail("Test", "corps", "from@example.org", ["to@example.org"])


HANDLER = "tests.core.test_outbox.record_delivery"
outbox_handler_register(HANDLER, record_delivery)


@pytest.fixture(autouse=True)
def _clear():
    DELIVERIES.clear()


def test_a_message_is_delivered_after_commit_and_only_once():
    with transaction.atomic():
        outbox_enqueue(key="k1", handler=HANDLER, payload={"n": 1})
        outbox_enqueue(key="k1", handler=HANDLER, payload={"n": 1})  # a retry in the same transaction
        assert DELIVERIES == []  # nothing before commit

    message = OutboxMessage.objects.get(key="k1")
    assert DELIVERIES == [{"n": 1}]
    assert message.status == "sent" and message.attempts == 1
    assert outbox_deliver(message_id=message.pk) is False  # a second delivery is a no-op
    assert DELIVERIES == [{"n": 1}]


def test_nothing_is_enqueued_when_the_transaction_rolls_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_enqueue(key="k2", handler=HANDLER)
        raise RuntimeError("the order failed")
    assert not OutboxMessage.objects.filter(key="k2").exists()
    assert DELIVERIES == []


def test_the_sweep_delivers_what_the_broker_never_got(time_machine):
    # given a message whose dispatch was lost (as when Redis is down at commit time)
    message = OutboxMessage.objects.create(key="k3", handler=HANDLER, payload={"n": 3})
    assert outbox_due_ids() == []  # too fresh: its dispatch may still be on its way

    # when the sweep runs two minutes later, twice
    time_machine.move_to(message.created_at.replace(microsecond=0) + __import__("datetime").timedelta(minutes=2))
    first, second = outbox_sweep(), outbox_sweep()

    # then it was delivered exactly once
    assert (first, second) == (1, 0)
    assert DELIVERIES == [{"n": 3}]
    assert len(mail.outbox) == 1


def test_a_failing_handler_is_retried_later():
    message = OutboxMessage.objects.create(key="k4", handler="tests.core.test_outbox.does_not_exist")
    assert outbox_deliver(message_id=message.pk) is False
    message.refresh_from_db()
    assert message.status == "pending" and message.attempts == 1 and "does_not_exist" in message.last_error


def test_periodic_tasks_are_created_after_migrate():
    from django_celery_beat.models import PeriodicTask

    assert PeriodicTask.objects.filter(task="core.outbox_sweep").exists()


def test_an_unregistered_handler_is_refused_where_it_is_enqueued():
    with pytest.raises(LookupError, match=r"tests\.core\.test_outbox\.typo"), transaction.atomic():
        outbox_enqueue(key="k-typo", handler="tests.core.test_outbox.typo")
    assert not OutboxMessage.objects.filter(key="k-typo").exists()


def test_a_queued_message_whose_handler_no_app_registers_fails_the_system_check():
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    # given every app's handlers registered: `manage.py check` passes
    call_command("check")
    # when a message still to deliver names a handler nobody registers (renamed or removed)
    OutboxMessage.objects.create(key="k-gone", handler="orders.emails.gone")

    # then the check fails and names it
    with pytest.raises(SystemCheckError, match=r"core\.E001.*orders\.emails\.gone"):
        call_command("check")


def test_the_stored_names_of_queued_messages_are_registered():
    from ecopole.core.outbox import OUTBOX_HANDLERS

    stored_names = {
        "accounts.emails.send_welcome",
        "accounts.emails.send_email_confirmation",
        "accounts.emails.send_registration_attempt",
        "deliveries.emails.send_arrival_window",
        "baskets.emails.basket_reminder_send",
        "baskets.emails.basket_delivery_failed_send",
        "baskets.emails.subscription_email_send",
        "orders.services.locker.locker_code_send",
        "orders.services.notifications.notification_send",
        "orders.services.notifications.send_delivery_failed",
        "orders.services.notifications.send_rescheduled",
        "processing.services.billing.statement_send",
        "processing.services.notifications.booking_send_offer_email",
        "processing.services.notifications.booking_send_status_email",
        "vending.services.click_collect.locker_reservation_expired_notify",
        "vending.services.refill_requests.refill_request_notify",
    }
    assert stored_names <= set(OUTBOX_HANDLERS)
