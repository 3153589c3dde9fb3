"""A round's outcome reaches the cabas baskets it carried (`deliveries.ports`): a basket stop delivered marks the
basket delivery delivered, a failed one marks it failed; the stop's hand-over names the basket (source and id)."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse

from baskets.models import BasketDelivery
from baskets.services.generation import basket_run_generate
from deliveries.models import Round, RoundStatus, Stop
from deliveries.services.sources import stop_demands_for
from ecopole.core.models import AuditEvent
from tests.baskets.constants import CUTOFF, FRIDAY, PARIS
from tests.clients import client_for
from tests.factories.accounts import StaffFactory, UserFactory
from tests.factories.deliveries import VehicleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def basket_stop(composed, make_subscription, ilot, basket_now):
    """Friday's basket of one subscriber at the Ilôt Jacquard, on a started round (the stop built from the
    planner's demand, as `round_plan` stores it)."""
    make_subscription(composed, customer=UserFactory(full_name="Abonné Jacquard"))
    basket_now.move_to(CUTOFF + timedelta(minutes=5))
    basket_run_generate(offer_id=composed.pk, on=FRIDAY)
    delivery = BasketDelivery.objects.get()
    (demand,) = [d for d in stop_demands_for(FRIDAY) if d.key == f"point:{ilot.pk}"]
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
        kind=demand.kind,
        source_key=demand.key,
        label=demand.label,
        pickup_point_id=demand.pickup_point_id,
        latitude=demand.latitude,
        longitude=demand.longitude,
        arrival_at=start + timedelta(hours=1),
        departure_at=start + timedelta(hours=1, minutes=10),
        handover=[h.as_json() for h in demand.handover],
    )
    return {"delivery": delivery, "round": round_, "stop": stop, "driver": client_for(driver)}


def _url(name, world):
    return reverse(f"deliveries:{name}", kwargs={"round_id": world["round"].pk, "stop_id": world["stop"].pk})


def test_the_stop_names_the_basket_in_the_one_handover_shape(basket_stop):
    round_ = basket_stop["round"]
    response = basket_stop["driver"].get(reverse("deliveries:round-detail", kwargs={"round_id": round_.pk}))

    assert response.status_code == 200
    (handover,) = response.json()["stops"][0]["handover"]
    assert handover["source"] == "baskets" and handover["id"] == basket_stop["delivery"].pk
    assert handover["customer"] == "Abonné Jacquard" and handover["items"][0]["unit"] == "basket"


def test_a_round_delivering_a_basket_stop_marks_the_basket_delivered(basket_stop):
    # when the driver records the stop as delivered, twice
    first = basket_stop["driver"].post(_url("stop-delivered", basket_stop))
    again = basket_stop["driver"].post(_url("stop-delivered", basket_stop))

    # then the basket delivery is marked delivered, once
    assert first.status_code == 200 and again.status_code == 200
    delivery = BasketDelivery.objects.get(pk=basket_stop["delivery"].pk)
    assert delivery.round_status == "delivered" and delivery.round_status_at is not None
    assert delivery.status == "to_collect"  # at the pickup point, the subscriber still collects it
    assert AuditEvent.objects.filter(action="basket_delivery.delivered").count() == 1


def test_a_failed_basket_stop_marks_the_basket_failed(basket_stop, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = basket_stop["driver"].post(_url("stop-failed", basket_stop), {"reason": "no_access"}, "json")

    assert response.status_code == 200 and response.json()["status"] == "failed"
    delivery = BasketDelivery.objects.get(pk=basket_stop["delivery"].pk)
    assert delivery.round_status == "failed"
    assert [m.to for m in mailoutbox] == [[delivery.customer.email]]
