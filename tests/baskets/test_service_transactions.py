"""The cabas services own their transaction (durable at the entry points), so a task, the demo or a benchmark get
the guarantee a view gets; and the cabas errors format their own sentence from typed keyword arguments."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import translation

from baskets.errors import BasketCutoffPassed, BasketStockShort, PauseOverlaps
from baskets.models import BasketComposition, BasketSubscription, SolidarityEligibility
from baskets.services.compositions import CompositionLineRequest, composition_publish, composition_set
from baskets.services.generation import basket_run_generate, basket_runs_generate_on
from baskets.services.solidarity import solidarity_grant
from baskets.services.subscriptions import PlaceRequest, subscription_cancel, subscription_create, subscription_skip
from tests.baskets.constants import CUTOFF, FRIDAY, PARIS, WEEK_START
from tests.factories.accounts import UserFactory


def _entry_calls(*, small, carrots, manager, subscription, customer):
    lines = [CompositionLineRequest(carrots.pk, Decimal("1"))]
    return {
        "composition_set": lambda: composition_set(
            offer_id=small.pk, week_start=WEEK_START, lines=lines, actor=manager
        ),
        "composition_publish": lambda: composition_publish(offer_id=small.pk, week_start=WEEK_START, actor=manager),
        "subscription_create": lambda: subscription_create(
            customer=customer,
            offer_id=small.pk,
            frequency="weekly",
            place=PlaceRequest(),  # the default point, the Ilôt Jacquard
        ),
        "subscription_skip": lambda: subscription_skip(subscription_id=subscription.pk, on=FRIDAY, actor=customer),
        "subscription_cancel": lambda: subscription_cancel(subscription_id=subscription.pk, actor=customer),
        "solidarity_grant": lambda: solidarity_grant(
            customer_id=customer.pk, valid_until=date(2027, 6, 30), actor=manager
        ),
        "basket_run_generate": lambda: basket_run_generate(offer_id=small.pk, on=FRIDAY, actor=manager, force=True),
        "basket_runs_generate_on": lambda: basket_runs_generate_on(on=FRIDAY, actor=manager, force=True),
    }


ENTRY_SERVICES = [
    "composition_set",
    "composition_publish",
    "subscription_create",
    "subscription_skip",
    "subscription_cancel",
    "solidarity_grant",
    "basket_run_generate",
    "basket_runs_generate_on",
]


@pytest.mark.parametrize("service", ENTRY_SERVICES)
def test_an_entry_service_opens_its_own_durable_transaction(service, small, carrots, manager, make_subscription):
    # given a subscriber, and a caller already inside a transaction (what a view used to open around the call)
    customer = UserFactory()
    subscription = make_subscription(small, customer=UserFactory())
    call = _entry_calls(small=small, carrots=carrots, manager=manager, subscription=subscription, customer=customer)[
        service
    ]
    compositions, subscriptions, eligibilities = (
        BasketComposition.objects.count(),
        BasketSubscription.objects.count(),
        SolidarityEligibility.objects.count(),
    )
    # when the service is called inside that transaction
    # then it refuses to become a part of it: the service itself opens the durable (outermost) transaction
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        call()
    assert (
        BasketComposition.objects.count(),
        BasketSubscription.objects.count(),
        SolidarityEligibility.objects.count(),
    ) == (compositions, subscriptions, eligibilities)


def test_an_entry_service_called_alone_commits_its_work(small, carrots, manager):
    # given no transaction open (a task, the demo, a benchmark)
    # when a composition is set and published by the services alone
    composition_set(
        offer_id=small.pk,
        week_start=WEEK_START,
        lines=[CompositionLineRequest(carrots.pk, Decimal("1"))],
        actor=manager,
    )
    publication = composition_publish(offer_id=small.pk, week_start=WEEK_START, actor=manager)
    # then it is published
    assert BasketComposition.objects.get(offer=small, week_start=WEEK_START).status == "published"
    assert publication.shortages == []


def test_errors_take_typed_arguments_and_format_their_own_sentence():
    # given errors built from their facts only
    cutoff = BasketCutoffPassed(date=FRIDAY, cutoff_at=CUTOFF)
    overlap = PauseOverlaps(start_date=date(2026, 12, 11), end_date=date(2026, 12, 25))
    short = BasketStockShort(
        baskets=10,
        shortages=[
            {"product": 7, "product_name": "Carottes", "required": "15.000", "available": "12.000", "missing": "3.000"}
        ],
    )
    # when they are rendered in French
    with translation.override("fr"):
        sentences = cutoff.detail, overlap.detail, short.detail
    # then each sentence says the facts, and `fields` keeps them for clients
    assert "11" in sentences[0] and "décembre" in sentences[0]
    assert "25" in sentences[1]
    assert "10" in sentences[2] and "Carottes" in sentences[2] and "3.000" in sentences[2]
    assert short.extra["product"] == 7 and short.extra["baskets"] == 10
    assert cutoff.extra == {"date": FRIDAY, "cutoff_at": CUTOFF}


def test_errors_refuse_arguments_they_do_not_know():
    # when a call site passes something else than the error's facts (a ready-made sentence, an unknown field)
    # then it is a programming error, not a silently different message
    with pytest.raises(TypeError):
        BasketCutoffPassed("Trop tard", date=FRIDAY, cutoff_at=datetime(2026, 12, 9, 12, tzinfo=PARIS))
    with pytest.raises(TypeError):
        PauseOverlaps(start_date=FRIDAY)
