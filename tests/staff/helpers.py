"""Helpers of the staff and driver page tests (builders, images): test modules import them from here."""

from __future__ import annotations

import base64
import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from PIL import Image

from deliveries.models import Round, RoundStatus, Stop, StopKind
from tests.factories.deliveries import DeliveryZoneFactory, VehicleFactory
from tests.factories.orders import order_create

PARIS = ZoneInfo("Europe/Paris")
# Home deliveries in Calais: (latitude, longitude).
CALAIS = [("50.951300", "1.858700"), ("50.958000", "1.848000"), ("50.946000", "1.870000")]


def driver_round_create(*, driver, day: date, status: str = RoundStatus.STARTED, stops: int = 2) -> Round:
    """A round of `day` given to `driver`, with `stops` home deliveries in Calais (one grocery order each: 1.5 kg of
    potatoes and 2 jars of jam), from 9:00, two-hour windows, the customer's phone in the hand-over list."""
    start = datetime.combine(day, time(8, 30), tzinfo=PARIS)
    round_ = Round.objects.create(
        date=day,
        vehicle=VehicleFactory(),
        driver=driver,
        status=status,
        planned_start=start,
        planned_end=start + timedelta(hours=4),
        started_at=start if status != RoundStatus.PLANNED else None,
    )
    zone = DeliveryZoneFactory()
    for sequence, (lat, lon) in enumerate(CALAIS[:stops], start=1):
        order = order_create(
            day=day, zone=zone, commune="Calais", lat=lat, lon=lon, kg="1.5", jars=2, status="preparing"
        )
        order.note = "Digicode 1234" if sequence == 1 else ""
        order.save(update_fields=["note"])
        arrival = start + timedelta(minutes=30 * sequence)
        stop = Stop.objects.create(
            round=round_,
            sequence=sequence,
            kind=StopKind.HOME,
            source_key=f"order:{order.pk}",
            label=order.customer.get_full_name(),
            address="12 rue des Jardins",
            postcode="62100",
            commune="Calais",
            latitude=Decimal(lat),
            longitude=Decimal(lon),
            window_start=time(9, 0),
            window_end=time(11, 0),
            arrival_at=arrival,
            departure_at=arrival + timedelta(minutes=5),
            handover=[
                {
                    "source": "grocery",
                    "id": order.pk,
                    "customer": order.customer.get_full_name(),
                    "phone": "06 12 34 56 78",
                    "items": [
                        {"name": "Pommes de terre", "quantity": "1.500", "unit": "kg"},
                        {"name": "Confiture", "quantity": "2", "unit": "jar"},
                    ],
                }
            ],
        )
        stop.orders.add(order)
    return round_


def image_bytes(fmt: str = "JPEG", size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (120, 160, 90)).save(out, format=fmt)
    return out.getvalue()


def signature_data_url() -> str:
    return "data:image/png;base64," + base64.b64encode(image_bytes("PNG", (340, 180))).decode()
