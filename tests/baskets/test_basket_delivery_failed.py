"""A home basket that a round could not hand over: the subscriber is emailed what happens next (once), audited."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest

from baskets.models import BasketDelivery
from baskets.services.generation import basket_run_generate
from deliveries.models import Round, RoundStatus, Stop, StopKind
from deliveries.services.rounds import stop_fail
from ecopole.core.models import AuditEvent, OutboxMessage
from orders.models import Fulfilment
from tests.baskets.constants import CUTOFF, FRIDAY, PARIS
from tests.factories.accounts import StaffFactory, UserFactory
from tests.factories.deliveries import VehicleFactory

pytestmark = pytest.mark.django_db


def test_a_failed_home_basket_emails_the_subscriber_once(
    composed, make_subscription, home_zone, basket_now, mailoutbox, django_capture_on_commit_callbacks
):
    # given Friday's home basket on a started round
    subscriber = UserFactory(full_name="Abonnée Domicile")
    make_subscription(
        composed,
        fulfilment=Fulfilment.HOME,
        delivery_zone=home_zone,
        delivery_address="Rue de la Mer",
        delivery_commune="Calais",
        customer=subscriber,
    )
    basket_now.move_to(CUTOFF + timedelta(minutes=5))
    basket_run_generate(offer_id=composed.pk, on=FRIDAY)
    delivery = BasketDelivery.objects.get(customer=subscriber)
    driver = StaffFactory(groups=["driver"])
    start = datetime.combine(FRIDAY, time(8), tzinfo=PARIS)
    round_ = Round.objects.create(
        date=FRIDAY,
        vehicle=VehicleFactory(),
        driver=driver,
        status=RoundStatus.STARTED,
        planned_start=start,
        planned_end=start + timedelta(hours=4),
    )
    stop = Stop.objects.create(
        round=round_,
        sequence=1,
        kind=StopKind.HOME,
        source_key=f"basket:{delivery.pk}",
        label="Abonnée Domicile",
        latitude=Decimal("50.96"),
        longitude=Decimal("1.85"),
        arrival_at=start + timedelta(hours=1),
        departure_at=start + timedelta(hours=1, minutes=5),
        handover=[{"source": "baskets", "id": delivery.pk, "customer": "Abonnée Domicile", "items": []}],
    )
    mailoutbox.clear()

    # when the driver records the stop as failed, twice
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            stop_fail(round_id=round_.pk, stop_id=stop.pk, reason="refused", note="", actor=driver)

    # then the subscriber got one French email (text and HTML) saying what happens next, and it is audited
    (email,) = mailoutbox
    assert email.to == [subscriber.email]
    assert email.subject == "Nous n'avons pas pu livrer votre cabas bio du 11 décembre 2026"
    for body in (email.body, email.alternatives[0][0]):
        assert "du 11 décembre 2026 (motif : Refusé)" in body or "du 11 décembre 2026 (motif : Refusée)" in body
        assert "La suite" in body and "point de retrait" in body
    assert OutboxMessage.objects.filter(key__startswith="basket_delivery_failed:").count() == 1
    assert AuditEvent.objects.filter(action="basket_delivery.failed").count() == 1
