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
