import threading
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baskets.models import (
    BasketDelivery,
    BasketFrequency,
    BasketPause,
    BasketRun,
    BasketRunStatus,
    BasketSkip,
    SolidarityEligibility,
)
from baskets.services.generation import basket_run_generate, basket_runs_due
from baskets.tasks import basket_runs_generate
from catalogue.models import MovementReason, StockMovement
from catalogue.services.stock import stock_available, stock_check_ledger, stock_count
from orders.models import Fulfilment
from tests.baskets.constants import BASE, CUTOFF, FRIDAY, NEXT_FRIDAY

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")
AFTER_CUTOFF = CUTOFF + timedelta(minutes=5)


def test_generation_creates_one_priced_basket_per_due_subscription_and_allocates_stock_once(
    composed, carrots, leeks, make_subscription, home_zone, manager, basket_now
):
    # given: two weekly subscribers, one skipping, one paused, one fortnightly in its off week, one starting later,
    # one at home, one eligible for the solidarity price and one whose eligibility expired the day before
    weekly = make_subscription(composed)
    solidarity = make_subscription(composed)
    SolidarityEligibility.objects.create(customer=solidarity.customer, valid_until=FRIDAY, granted_by=manager)
    expired = make_subscription(composed)
    SolidarityEligibility.objects.create(
        customer=expired.customer, valid_until=FRIDAY - timedelta(days=1), granted_by=manager
    )
    skipping = make_subscription(composed)
    BasketSkip.objects.create(subscription=skipping, date=FRIDAY)
    paused = make_subscription(composed)
    BasketPause.objects.create(subscription=paused, start_date=date(2026, 12, 1), end_date=date(2026, 12, 31))
    make_subscription(composed, frequency=BasketFrequency.EVERY_TWO_WEEKS, start=date(2026, 12, 4))
    make_subscription(composed, start=NEXT_FRIDAY)
    home = make_subscription(
        composed, fulfilment=Fulfilment.HOME, delivery_zone=home_zone, delivery_address="Rue", delivery_commune="Calais"
    )

    # when the baskets of Friday are generated after the cutoff
    basket_now.move_to(AFTER_CUTOFF)
    result = basket_run_generate(offer_id=composed.pk, on=FRIDAY)

    # then one basket each for the four due subscribers, with the price of the day
    assert result.created == 4 and result.solidarity == 1 and not result.already_done
    prices = {d.subscription_id: (d.price, d.solidarity, d.delivery_fee) for d in BasketDelivery.objects.all()}
    assert prices == {
        weekly.pk: (Decimal("12.00"), False, Decimal("0.00")),
        solidarity.pk: (Decimal("6.00"), True, Decimal("0.00")),
        expired.pk: (Decimal("12.00"), False, Decimal("0.00")),
        home.pk: (Decimal("12.00"), False, Decimal("4.50")),
    }
    # and the stock left in one movement per product, sourced by the run
    movements = StockMovement.objects.filter(reason=MovementReason.BASKET_ALLOCATION)
    assert sorted((m.product_id, m.quantity) for m in movements) == sorted(
        [(carrots.pk, Decimal("-6.000")), (leeks.pk, Decimal("-8.000"))]
    )
    assert {m.source for m in movements} == {BasketRun.objects.get()}
    assert stock_available(product_id=carrots.pk) == Decimal("994.000")
    assert stock_check_ledger() == {}

    # run twice: nothing more
    again = basket_run_generate(offer_id=composed.pk, on=FRIDAY)
    assert again.already_done and again.created == 0
    assert BasketDelivery.objects.count() == 4
    assert movements.count() == 2


def test_generation_refuses_before_the_cutoff_unless_forced(composed, make_subscription, basket_now):
    make_subscription(composed)
    from baskets.errors import GenerationTooEarly

    basket_now.move_to(CUTOFF - timedelta(minutes=1))
    with pytest.raises(GenerationTooEarly):
        basket_run_generate(offer_id=composed.pk, on=FRIDAY)
    assert not BasketRun.objects.exists()
    assert basket_run_generate(offer_id=composed.pk, on=FRIDAY, force=True).created == 1


def test_a_shortage_at_generation_refuses_everything_and_says_what_is_missing(
    composed, carrots, make_subscription, basket_now, manager_client
):
    for _ in range(5):
        make_subscription(composed)
    stock_count(product_id=carrots.pk, counted=Decimal("6"))  # 7.5 kg needed
    basket_now.move_to(AFTER_CUTOFF)

    response = manager_client.post(f"{BASE}/generate/", {"date": FRIDAY.isoformat()}, format="json")

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "insufficient_stock"
    assert body["fields"]["shortages"] == [
        {
            "product": carrots.pk,
            "product_name": "Carottes",
            "required": "7.500",
            "available": "6.000",
            "missing": "1.500",
        }
    ]
    assert body["detail"] == "Stock insuffisant pour 5 cabas : Carottes : il manque 1.500."
    assert not BasketDelivery.objects.exists()
    assert not StockMovement.objects.filter(reason=MovementReason.BASKET_ALLOCATION).exists()


def test_the_hourly_task_generates_due_runs_records_refusals_and_retries(
    composed, carrots, make_subscription, basket_now
):
    for _ in range(2):
        make_subscription(composed)
    basket_now.move_to(CUTOFF - timedelta(hours=1))
    assert basket_runs_due() == []

    # after the cutoff, with too little stock: the refusal is kept on the run
    basket_now.move_to(AFTER_CUTOFF)
    stock_count(product_id=carrots.pk, counted=Decimal("1"))
    assert (composed.pk, FRIDAY) in basket_runs_due()
    # the medium and large offers have no subscriber: their runs are done, empty
    assert basket_runs_generate.delay().get() == {"generated": 2, "baskets": 0, "failed": 1}
    run = BasketRun.objects.get(offer=composed)
    assert run.status == BasketRunStatus.PENDING and run.last_error["code"] == "insufficient_stock"

    # stock received: the next tick generates; the one after does nothing
    stock_count(product_id=carrots.pk, counted=Decimal("100"))
    basket_now.move_to(AFTER_CUTOFF + timedelta(hours=1))
    assert basket_runs_generate.delay().get() == {"generated": 1, "baskets": 2, "failed": 0}
    assert basket_runs_generate.delay().get() == {"generated": 0, "baskets": 0, "failed": 0}
    run.refresh_from_db()
    assert run.status == BasketRunStatus.DONE and run.last_error == {}
    assert BasketDelivery.objects.count() == 2
    assert BasketRun.objects.filter(status=BasketRunStatus.DONE).count() == 3


def test_without_a_published_composition_generation_is_refused(small, make_subscription, basket_now):
    from baskets.errors import CompositionNotPublished

    make_subscription(small)
    basket_now.move_to(AFTER_CUTOFF)
    with pytest.raises(CompositionNotPublished):
        basket_run_generate(offer_id=small.pk, on=FRIDAY)


def test_generation_uses_the_same_number_of_queries_for_5_and_50_subscriptions(composed, make_subscription, basket_now):
    basket_now.move_to(AFTER_CUTOFF)

    def queries_for(n: int) -> int:
        BasketDelivery.objects.all().delete()
        BasketRun.objects.all().delete()
        StockMovement.objects.filter(reason=MovementReason.BASKET_ALLOCATION).delete()  # test-only reset
        composed.subscriptions.all().delete()
        for i in range(n):
            subscription = make_subscription(composed)
            if i % 3 == 0:
                SolidarityEligibility.objects.create(customer=subscription.customer, valid_until=FRIDAY)
        with CaptureQueriesContext(connection) as ctx:
            result = basket_run_generate(offer_id=composed.pk, on=FRIDAY)
        assert result.created == n
        return len(ctx.captured_queries)

    ContentType.objects.get_for_model(BasketRun)  # cached by Django after the first lookup of a process
    small_count, large_count = queries_for(5), queries_for(50)
    print(f"generation queries for 5 and 50 subscriptions: {small_count}, {large_count}")
    assert small_count == large_count
    assert large_count <= 25


def test_generate_api_is_for_managers_and_returns_counts(
    composed, make_subscription, manager_client, preparer_client, customer_client, basket_now
):
    for _ in range(3):
        make_subscription(composed)
    basket_now.move_to(AFTER_CUTOFF)
    body = {"date": FRIDAY.isoformat()}
    assert customer_client.post(f"{BASE}/generate/", body, format="json").status_code == 403
    assert preparer_client.post(f"{BASE}/generate/", body, format="json").status_code == 403

    first = manager_client.post(f"{BASE}/generate/", body, format="json")
    assert first.status_code == 200, first.json()
    assert first.json()["created"] == 3
    assert (first.json()["runs"][0]["offer"], first.json()["runs"][0]["created"]) == (composed.pk, 3)
    assert first.json()["runs"][0]["already_done"] is False
    second = manager_client.post(f"{BASE}/generate/", body, format="json")
    assert second.json()["created"] == 0 and second.json()["runs"][0]["already_done"] is True
    thursday = manager_client.post(f"{BASE}/generate/", {"date": "2026-12-10", "offer": composed.pk}, format="json")
    assert thursday.status_code == 400 and thursday.json()["code"] == "not_a_distribution_date"
    early = manager_client.post(f"{BASE}/generate/", {"date": NEXT_FRIDAY.isoformat()}, format="json")
    assert early.status_code == 409 and early.json()["code"] == "cutoff_not_passed"


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_generations_create_everything_once(composed, carrots, leeks, make_subscription, basket_now):
    for _ in range(20):
        make_subscription(composed)
    basket_now.move_to(AFTER_CUTOFF)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(basket_run_generate(offer_id=composed.pk, on=FRIDAY))  # its own durable transaction
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(r.created for r in results) == [0, 20]
    assert sorted(r.already_done for r in results) == [False, True]
    assert BasketDelivery.objects.count() == 20
    assert BasketRun.objects.count() == 1
    movements = StockMovement.objects.filter(reason=MovementReason.BASKET_ALLOCATION)
    assert sorted(m.quantity for m in movements) == [Decimal("-40.000"), Decimal("-30.000")]
    assert stock_available(product_id=carrots.pk) == Decimal("970.000")
    assert stock_check_ledger() == {}


def test_generation_around_the_change_to_winter_time(composed, make_subscription, basket_now):
    # the cutoff is computed in Paris local time: 12:00 on Wednesday is 11:00 UTC in December
    make_subscription(composed)
    basket_now.move_to(datetime(2026, 12, 9, 10, 59, tzinfo=UTC))
    assert basket_runs_due() == []
    basket_now.move_to(datetime(2026, 12, 9, 11, 0, tzinfo=UTC))
    assert (composed.pk, FRIDAY) in basket_runs_due()
