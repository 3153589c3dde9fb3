"""The dashboard: today's figures, each linking to its page, read in a bounded number of queries whatever the number
of orders, rounds, stops, machines, compartments and bookings."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deliveries.models import Round, Stop, StopStatus
from orders.models import OrderStatus
from processing.models import Booking
from tests.factories.catalogue import ProducerFactory
from tests.factories.deliveries import VehicleFactory
from tests.factories.orders import OrderFactory
from tests.factories.vending import CompartmentFactory, MachineFactory
from tests.orders.helpers import PARIS
from vending.models import Anomaly

pytestmark = pytest.mark.django_db
TODAY = datetime(2026, 10, 19, 9, 0, tzinfo=PARIS).date()


def _world(n: int) -> None:
    """n orders to prepare, n rounds of n stops (one delivered), n machines of n compartments (one anomaly each),
    n workshop bookings, all today."""
    start = datetime(2026, 10, 19, 8, 0, tzinfo=PARIS)
    for i in range(n):
        OrderFactory(delivery_date=TODAY, status=OrderStatus.PLACED)
        round_ = Round.objects.create(
            date=TODAY, vehicle=VehicleFactory(), planned_start=start, planned_end=start + timedelta(hours=4)
        )
        for sequence in range(1, n + 1):
            Stop.objects.create(
                round=round_,
                sequence=sequence,
                kind="home",
                source_key=f"order:{i}-{sequence}",
                label="Arrêt",
                latitude=Decimal("50.95"),
                longitude=Decimal("1.85"),
                arrival_at=start,
                departure_at=start,
                status=StopStatus.DELIVERED if sequence == 1 else StopStatus.PENDING,
            )
        machine = MachineFactory()
        for _ in range(n):
            CompartmentFactory(machine=machine)
        Anomaly.objects.create(machine=machine, kind="sale_from_empty")
        Booking.objects.create(
            producer=ProducerFactory(),
            starts_at=start,
            ends_at=start + timedelta(hours=4),
            status="confirmed",
            process="soup",
            raw_product_name="Carottes",
            raw_quantity_kg=Decimal("20"),
        )


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("staff:dashboard"))
    assert response.status_code == 200
    return len(queries)


def test_the_dashboard_shows_todays_figures_with_links(manager_web):
    _world(2)
    page = manager_web.get(reverse("staff:dashboard")).content.decode()
    assert "Commandes à préparer" in page
    assert "1 arrêts faits sur 2" in page or "1 arrêt" in page
    assert "2 anomalies" not in page and "1 anomalie" in page
    assert 'href="/equipe/tournees/"' in page and reverse("staff:preparation") in page


def test_the_dashboard_reads_a_bounded_number_of_queries(manager_web):
    _world(1)
    small = _queries(manager_web)
    _world(4)
    large = _queries(manager_web)
    assert small == large
    assert large <= 20, large
