import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from baskets.models import BasketDelivery, BasketDeliveryStatus, SolidarityEligibility
from baskets.services.compositions import CompositionLineRequest, composition_publish, composition_set
from baskets.services.generation import basket_run_generate
from baskets.tasks import basket_reminders_queue
from ecopole.core.models import AuditEvent, OutboxMessage
from ecopole.core.outbox import outbox_deliver
from orders.models import Fulfilment
from tests.baskets.constants import BASE, CUTOFF, FRIDAY
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated(composed, make_subscription, home_zone, relay_point, basket_now):
    """Friday's baskets: three at the Ilôt Jacquard, one at the relay point, one at home."""
    names = ["Abonné 01", "Abonné 02", "Abonné 03"]
    subs = [make_subscription(composed, customer=UserFactory(full_name=name)) for name in names]
    subs.append(make_subscription(composed, pickup_point=relay_point, customer=UserFactory(full_name="Abonné 04")))
    subs.append(
        make_subscription(
            composed,
            fulfilment=Fulfilment.HOME,
            delivery_zone=home_zone,
            delivery_address="Rue de la Mer",
            delivery_commune="Calais",
            customer=UserFactory(full_name="Abonné 05"),
        )
    )
    basket_now.move_to(CUTOFF + timedelta(minutes=5))
    basket_run_generate(offer_id=composed.pk, on=FRIDAY)
    return subs


def test_pickup_sheet_per_point_with_counts_and_names(preparer_client, generated, ilot, relay_point, home_zone):
    response = preparer_client.get(f"{BASE}/deliveries/?date={FRIDAY.isoformat()}")
    assert response.status_code == 200
    body = response.json()
    assert body["baskets_count"] == 5
    assert body["runs"][0]["status"] == "done" and body["runs"][0]["deliveries_count"] == 5
    places = {(p["type"], p["name"]): p for p in body["places"]}
    jacquard = places[("pickup", ilot.name)]
    assert jacquard["counts"] == [{"offer": generated[0].offer_id, "name": "Petit cabas", "size": "small", "count": 3}]
    assert [b["customer_name"] for b in jacquard["baskets"]] == ["Abonné 01", "Abonné 02", "Abonné 03"]
    assert places[("pickup", relay_point.name)]["baskets_count"] == 1
    assert places[("home", home_zone.name)]["baskets"][0]["address"] == "Rue de la Mer"


def test_pickup_sheet_as_csv(preparer_client, generated, ilot):
    response = preparer_client.get(f"{BASE}/deliveries/?date={FRIDAY.isoformat()}&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["date", "place_type", "place_id", "place", "basket", "customer", "offer", "size", "status"]
    assert len(rows) == 6
    assert sum(1 for row in rows if row[:4] == ["2026-12-11", "pickup", str(ilot.pk), ilot.name]) == 3


def test_pickup_sheet_is_for_staff_and_needs_a_date(customer_client, manager_client):
    assert customer_client.get(f"{BASE}/deliveries/?date=2026-12-11").status_code == 403
    response = manager_client.get(f"{BASE}/deliveries/?format=csv")
    assert response.status_code == 400 and response.json()["code"] == "validation_error"


def test_pickup_sheet_queries_do_not_grow_with_baskets(manager_client, composed, make_subscription, basket_now):
    def count(n):
        BasketDelivery.objects.all().delete()
        from baskets.models import BasketRun

        BasketRun.objects.all().delete()
        composed.subscriptions.all().delete()
        for _ in range(n):
            make_subscription(composed)
        basket_run_generate(offer_id=composed.pk, on=FRIDAY, force=True)
        manager_client.get(f"{BASE}/deliveries/?date=2026-12-04")  # warm the user's groups
        with CaptureQueriesContext(connection) as ctx:
            assert manager_client.get(f"{BASE}/deliveries/?date=2026-12-11").json()["baskets_count"] == n
        return len(ctx.captured_queries)

    assert count(2) == count(20)


def test_marking_a_basket_collected_or_not(preparer_client, customer_client, generated):
    delivery = BasketDelivery.objects.order_by("pk").first()
    url = f"{BASE}/deliveries/{delivery.pk}/status/"
    assert customer_client.post(url, {"status": "collected"}, format="json").status_code == 403

    for _ in range(2):  # run twice: one change recorded
        response = preparer_client.post(url, {"status": "collected"}, format="json")
        assert response.status_code == 200 and response.json()["status"] == "collected"
    assert preparer_client.post(url, {"status": "not_collected"}, format="json").json()["status"] == "not_collected"
    delivery.refresh_from_db()
    assert delivery.status == BasketDeliveryStatus.NOT_COLLECTED and delivery.status_changed_at is not None
    assert AuditEvent.objects.filter(action="basket_delivery.status").count() == 2
    assert (
        preparer_client.post(f"{BASE}/deliveries/999999/status/", {"status": "collected"}, format="json").status_code
        == 404
    )
    assert preparer_client.post(url, {"status": "lost"}, format="json").status_code == 400


def test_monthly_statement(generated, manager, manager_client, basket_now, carrots):
    customer = generated[0].customer
    week51 = date(2026, 12, 14)
    composition_set(
        offer_id=customer.basket_subscriptions.get().offer_id,
        week_start=week51,
        lines=[CompositionLineRequest(carrots.pk, Decimal("1"))],
        actor=manager,
    )
    composition_publish(offer_id=customer.basket_subscriptions.get().offer_id, week_start=week51, actor=manager)
    SolidarityEligibility.objects.create(customer=customer, valid_until=date(2026, 12, 31), granted_by=manager)
    basket_now.move_to(CUTOFF + timedelta(days=7))
    basket_run_generate(offer_id=generated[0].offer_id, on=date(2026, 12, 18), force=True)
    from tests.clients import client_for

    response = client_for(customer).get(f"{BASE}/statement/?month=2026-12")
    assert response.status_code == 200
    body = response.json()
    assert body["customer"]["id"] == customer.pk and body["month"] == "2026-12"
    assert [(d["date"], d["price"], d["solidarity"]) for d in body["deliveries"]] == [
        ("2026-12-11", "12.00", False),
        ("2026-12-18", "6.00", True),
    ]
    assert body["baskets_count"] == 2 and body["total"] == "18.00"
    # staff read anyone's; a customer cannot read another's
    assert manager_client.get(f"{BASE}/statement/?month=2026-12&customer={customer.pk}").json()["total"] == "18.00"
    other = client_for(generated[1].customer)
    assert other.get(f"{BASE}/statement/?month=2026-12&customer={customer.pk}").status_code == 404
    assert other.get(f"{BASE}/statement/?month=2026-13").status_code == 400


def test_reminder_the_day_before_with_the_composition_and_the_place(
    generated, ilot, mailoutbox, basket_now, django_capture_on_commit_callbacks
):
    # on Wednesday, nothing is due tomorrow
    assert basket_reminders_queue.delay().get() == 0
    # on Thursday, the five baskets of Friday are queued once
    basket_now.move_to(CUTOFF + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert basket_reminders_queue.delay().get() == 5
    assert basket_reminders_queue.delay().get() == 0
    assert OutboxMessage.objects.filter(key__startswith="basket_reminder:").count() == 5
    assert len(mailoutbox) == 5  # delivered by the outbox after commit (eager in tests)
    delivery = BasketDelivery.objects.select_related("customer").order_by("pk").first()
    message = next(m for m in mailoutbox if m.to == [delivery.customer.email])
    # (the weekday is capitalised by the deliveries catalogue, which translates "Friday" as "Vendredi")
    assert message.subject.lower() == "votre cabas bio du vendredi 11 décembre"
    assert "- Carottes: 1,5" in message.body and "- Poireaux: 2" in message.body
    assert "Prix : 12,00 €" in message.body
    assert ilot.name in message.body and "10:00–19:00" in message.body
    # delivering a message again sends nothing more
    outbox_deliver(message_id=OutboxMessage.objects.filter(key__startswith="basket_reminder:").first().pk)
    assert len(mailoutbox) == 5


def test_solidarity_is_granted_by_managers_only_and_audited(manager_client, preparer_client, customer_client, customer):
    body = {"customer": customer.pk, "valid_until": "2027-06-30", "note": "Orientation CCAS"}
    assert customer_client.post(f"{BASE}/solidarity/", body, format="json").status_code == 403
    assert preparer_client.post(f"{BASE}/solidarity/", body, format="json").status_code == 403
    assert customer_client.get(f"{BASE}/solidarity/").status_code == 403

    response = manager_client.post(f"{BASE}/solidarity/", body, format="json")
    assert response.status_code == 200
    assert response.json()["valid_until"] == "2027-06-30"
    manager_client.post(f"{BASE}/solidarity/", {**body, "valid_until": "2026-12-01"}, format="json")
    assert SolidarityEligibility.objects.get().valid_until == date(2026, 12, 1)
    events = list(AuditEvent.objects.filter(action="basket_solidarity.grant").order_by("id"))
    assert len(events) == 2 and events[1].changes["before"]["valid_until"] == "2027-06-30"
    assert manager_client.get(f"{BASE}/solidarity/").json()["count"] == 1
    unknown = manager_client.post(f"{BASE}/solidarity/", {**body, "customer": 999999}, format="json")
    assert unknown.status_code == 404


def test_a_customer_cannot_declare_themselves_eligible(customer_client, customer, small, ilot):
    response = customer_client.post(
        f"{BASE}/subscriptions/", {"offer": small.pk, "solidarity": True, "price": "6.00"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["price"] == "12.00" and response.json()["solidarity"] is False
    assert not SolidarityEligibility.objects.exists()


def test_the_subscription_shows_the_solidarity_price_while_eligible(customer_client, customer, manager, small, ilot):
    SolidarityEligibility.objects.create(customer=customer, valid_until=date(2026, 12, 31), granted_by=manager)
    body = customer_client.post(f"{BASE}/subscriptions/", {"offer": small.pk}, format="json").json()
    assert body["price"] == "6.00" and body["solidarity"] is True


def test_admin_pages_load(admin_client, generated):
    for model in ["basketoffer", "basketcomposition", "basketsubscription", "basketrun", "basketdelivery"]:
        assert admin_client.get(reverse(f"admin:baskets_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:baskets_solidarityeligibility_changelist")).status_code == 200


def test_admin_grants_solidarity_through_the_audited_service(admin_client, customer):
    response = admin_client.post(
        reverse("admin:baskets_solidarityeligibility_add"),
        {"customer": customer.pk, "valid_until": "2027-01-31", "note": "Accueil"},
    )
    assert response.status_code == 302
    assert SolidarityEligibility.objects.get().valid_until == date(2027, 1, 31)
    assert AuditEvent.objects.filter(action="basket_solidarity.grant").count() == 1


def test_baskets_become_stops_of_the_delivery_rounds(generated, relay_point, home_zone, ilot):
    from decimal import Decimal as D

    from deliveries.services.sources import stop_demands_for

    generated[4].delivery_latitude, generated[4].delivery_longitude = D("50.960000"), D("1.850000")
    generated[4].save()
    demands = {d.key: d for d in stop_demands_for(FRIDAY)}
    jacquard = demands[f"point:{ilot.pk}"]
    assert jacquard.load_kg == D("9.000") and jacquard.load_crates == 3
    assert [h.customer for h in jacquard.handover] == ["Abonné 01", "Abonné 02", "Abonné 03"]
    assert demands[f"point:{relay_point.pk}"].load_crates == 1
    home = next(d for key, d in demands.items() if key.startswith("basket:"))
    assert home.kind == "home" and home.address == "Rue de la Mer"
