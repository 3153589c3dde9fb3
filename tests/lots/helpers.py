"""Helpers of the lot tests (issue 17): a jar product tracked by lot and a lot completed from a workshop booking."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.test import Client
from PIL import Image

from catalogue.season import allergens_to_mask
from processing.models import Lot
from processing.services.bookings import booking_confirm
from processing.services.lots import Output, RawInput, booking_complete
from tests.factories.catalogue import ProductFactory
from tests.processing.helpers import make_booking

PARIS = ZoneInfo("Europe/Paris")

# Monday 16 November 2026, 09:00: the workshop tests' "now"; the slots below are that week.
NOW = datetime(2026, 11, 16, 9, 0, tzinfo=PARIS)
THURSDAY = (datetime(2026, 11, 19, 8, tzinfo=PARIS), datetime(2026, 11, 19, 12, tzinfo=PARIS))
FRIDAY = (datetime(2026, 11, 20, 8, tzinfo=PARIS), datetime(2026, 11, 20, 12, tzinfo=PARIS))

INGREDIENTS = "Potimarron 80 %, eau, crème fraîche, céleri, sel"


def web_client_for(user) -> Client:
    """A browser-like client logged in as `user` (the web pages use the session, not the API token)."""
    client = Client()
    client.force_login(user)
    return client


def jar_product(producer, **kwargs):
    kwargs.setdefault("name", "Velouté de potimarron")
    return ProductFactory(
        producer=producer,
        piece=True,
        unit="jar",
        unit_price=Decimal("4.50"),
        tracked_by_lot=True,
        ingredients=INGREDIENTS,
        allergens=allergens_to_mask(["milk", "celery", "mustard"]),
        **kwargs,
    )


def completed_lot(*, producer, product, manager, equipment, slot=THURSDAY, quantity=10) -> Lot:
    booking = make_booking(producer, equipment, *slot)
    booking_confirm(booking_id=booking.pk, user=manager)
    booking_complete(
        booking_id=booking.pk,
        user=manager,
        outputs=[
            Output(
                description="Velouté de potimarron au céleri",
                quantity=Decimal(quantity),
                product_id=product.pk,
                container="75 cl",
                inputs=[RawInput(name="Potimarrons", quantity_kg=Decimal("40"), origin="Parcelle du Marais")],
            )
        ],
    )
    return booking.lots.get()


def qr_matrix(image: Image.Image) -> list[list[bool]]:
    """The dark modules of a QR image of one pixel per module."""
    grey = image.convert("L")
    return [[grey.getpixel((x, y)) < 128 for x in range(grey.width)] for y in range(grey.height)]
