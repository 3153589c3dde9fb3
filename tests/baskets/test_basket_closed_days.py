"""The cabas bio on closed days (public holidays, the association's closures): a closed distribution date is skipped
(no basket, nothing allocated nor charged; the rhythm goes on the week after), and dates in messages are French."""

from datetime import date, datetime, timedelta

import pytest

from baskets.models import BasketDelivery, BasketPause
from baskets.services.generation import basket_run_generate, basket_runs_due, basket_runs_generate_due
from ecopole.core.calendar import ClosedDay
from ecopole.core.models import Closure
from tests.baskets.constants import BASE, FRIDAY, NEXT_FRIDAY, PARIS

pytestmark = pytest.mark.django_db
AFTER_CUTOFF = datetime(2026, 12, 10, 9, 0, tzinfo=PARIS)


@pytest.fixture
def inventory(db):
    """The Ecopôle is closed on Friday 11 December for its inventory."""
    return Closure.objects.create(start_date=FRIDAY, end_date=FRIDAY, label="Inventaire")


def test_a_closed_distribution_date_generates_no_basket(composed, make_subscription, inventory, basket_now):
    # given a subscriber due on Friday 11, a closed day
    make_subscription(composed)
    basket_now.move_to(AFTER_CUTOFF)

    # when the periodic generation runs after the cutoff
    assert (composed.pk, FRIDAY) not in basket_runs_due()
    summary = basket_runs_generate_due()

    # then nothing is generated, nothing fails; a forced generation by staff is refused with closed_day
    assert summary == {"generated": 0, "baskets": 0, "failed": 0}
    with pytest.raises(ClosedDay) as refused:
        basket_run_generate(offer_id=composed.pk, on=FRIDAY, force=True)
    assert refused.value.detail == "L'Ecopôle est fermé le 11 décembre 2026 (Inventaire) : choisissez un autre jour."
    assert not BasketDelivery.objects.exists()


def test_the_subscriber_sees_the_closed_date_and_cannot_skip_it(
    customer, customer_client, small, make_subscription, inventory
):
    subscription = make_subscription(small, customer=customer)

    detail = customer_client.get(f"{BASE}/subscriptions/{subscription.pk}/").json()
    upcoming = {u["date"]: (u["state"], u["closed_reason"]) for u in detail["upcoming"]}
    assert upcoming[FRIDAY.isoformat()] == ("closed", "Inventaire")
    assert upcoming[NEXT_FRIDAY.isoformat()] == ("basket", None)
    assert upcoming["2026-12-25"] == ("closed", "Noël")

    skip = customer_client.post(
        f"{BASE}/subscriptions/{subscription.pk}/skip/", {"date": FRIDAY.isoformat()}, format="json"
    )
    assert skip.status_code == 400 and skip.json()["code"] == "closed_day"


def test_a_new_subscription_starts_at_the_first_open_distribution(customer_client, small, ilot, inventory):
    response = customer_client.post(
        f"{BASE}/subscriptions/", {"offer": small.pk, "start_date": FRIDAY.isoformat()}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["start_date"] == NEXT_FRIDAY.isoformat()


def test_basket_errors_write_their_dates_in_french(customer, customer_client, small, make_subscription):
    subscription = make_subscription(small, customer=customer)
    url = f"{BASE}/subscriptions/{subscription.pk}/"

    wrong_day = customer_client.post(f"{url}skip/", {"date": "2026-12-12"}, format="json").json()
    assert wrong_day["detail"] == "Le 12 décembre 2026 n’est pas une date de distribution de cet abonnement."
    assert wrong_day["fields"] == {"date": "2026-12-12"}

    none = customer_client.post(f"{url}pause/", {"start_date": "2026-12-12", "end_date": "2026-12-13"}, format="json")
    assert "12 décembre 2026" in none.json()["detail"] and "13 décembre 2026" in none.json()["detail"]
    assert none.json()["fields"] == {"start_date": "2026-12-12", "end_date": "2026-12-13"}

    BasketPause.objects.create(subscription=subscription, start_date=date(2027, 1, 4), end_date=date(2027, 1, 17))
    overlap = customer_client.post(
        f"{url}pause/", {"start_date": "2027-01-10", "end_date": "2027-01-24"}, format="json"
    ).json()
    assert overlap["code"] == "pause_overlaps"
    assert "4 janvier 2027" in overlap["detail"] and "17 janvier 2027" in overlap["detail"]
    assert "2027-01-04" not in overlap["detail"]


def test_a_week_with_a_closed_distribution_needs_no_stock(composed, make_subscription, inventory, manager_client):
    from baskets.services.compositions import week_requirements

    make_subscription(composed)
    required, baskets = week_requirements(week_start=FRIDAY - timedelta(days=4))
    assert baskets == 0 and all(quantity == 0 for quantity in required.values())
