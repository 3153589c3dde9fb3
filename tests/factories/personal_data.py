"""A customer with rows in EVERY table of the register of personal data (`ecopole.core.personal_data`): the
"everything" factory of the export and erasure tests. A table added to the register must get its row here (the
test fails on a registered table the factory leaves empty).

The customer is also a producer member (so the producer's tables are filled) and is recognisable in every field:
`NAME`, `EMAIL`, `PHONE`, `STREET` appear wherever the platform copies them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import ApiToken, User, token_digest
from baskets.models import (
    BasketDelivery,
    BasketFrequency,
    BasketRun,
    BasketSubscription,
    SolidarityEligibility,
    SolidarityRequest,
)
from catalogue.services.stock import StockLine, stock_receive, stock_reserve
from deliveries.models import Round, SavedAddress, Stop
from ecopole.core.audit import audit_record
from ecopole.core.models import SentEmail
from orders.models import (
    IdempotencyRecord,
    NotificationKind,
    Order,
    OrderEvent,
    OrderEventKind,
    OrderLine,
    OrderNotification,
    OrderStatus,
    PaymentStatus,
)
from processing.models import Booking, Process, Statement

from .accounts import DEFAULT_PASSWORD, ProducerMemberFactory, StaffFactory
from .baskets import BasketOfferFactory
from .catalogue import ProductFactory
from .deliveries import DeliveryZoneFactory, VehicleFactory

NAME = "Philomène Delacourt-Vasseur"
EMAIL = "philomene.delacourt@example.org"
PHONE = "06 12 34 56 78"
STREET = "17 rue des Mouettes Rieuses"
NOTE = "Digicode 4B27, chien gentil"


@dataclass
class Everything:
    customer: User
    token_key: str
    open_order: Order
    paid_order: Order
    product_id: int


def customer_everything() -> Everything:
    """The customer, their token, a paid home-delivered order (an accounting record), an open order holding stock,
    their subscription and baskets, solidarity status and request, saved address, stop, emails, audit events, and
    their producer's products, booking and statement."""
    now = timezone.now()
    customer = ProducerMemberFactory(email=EMAIL, full_name=NAME, phone=PHONE)
    customer.set_password(DEFAULT_PASSWORD)
    customer.newsletter_opt_in_at = now
    customer.last_login = now
    customer.inactivity_warned_at = now - dt.timedelta(days=2)
    customer.save()
    staff = StaffFactory(groups=["manager"])
    key = "everything-token-key-" + "x" * 20
    ApiToken.objects.create(user=customer, digest=token_digest(key), prefix=key[:8])

    zone = DeliveryZoneFactory()
    product = ProductFactory(producer=customer.producer, name="Poireaux", slug="poireaux-everything")
    day = timezone.localdate() + dt.timedelta(days=7)
    address = {
        "delivery_address": STREET,
        "delivery_postcode": "62100",
        "delivery_commune": "Calais",
        "delivery_latitude": Decimal("50.951312"),
        "delivery_longitude": Decimal("1.858745"),
    }
    paid = Order.objects.create(
        customer=customer,
        status=OrderStatus.FULFILLED,
        fulfilment="home",
        delivery_zone=zone,
        delivery_date=day - dt.timedelta(days=14),
        cutoff_at=now - dt.timedelta(days=16),
        subtotal=Decimal("10.00"),
        delivery_fee=Decimal("4.50"),
        vat_total=Decimal("0.76"),
        total=Decimal("14.50"),
        payment_status=PaymentStatus.PAID,
        note=NOTE,
        **address,
    )
    OrderLine.objects.create(
        order=paid,
        product=product,
        product_name="Poireaux",
        unit="kg",
        unit_price=Decimal("2.50"),
        vat_rate=Decimal("5.50"),
        quantity=Decimal("4"),
        line_total=Decimal("10.00"),
        vat_amount=Decimal("0.52"),
    )
    open_order = Order.objects.create(
        customer=customer,
        status=OrderStatus.PLACED,
        fulfilment="home",
        delivery_zone=zone,
        delivery_date=day,
        cutoff_at=now + dt.timedelta(days=5),
        subtotal=Decimal("5.00"),
        total=Decimal("5.00"),
        note=NOTE,
        **address,
    )
    OrderLine.objects.create(
        order=open_order,
        product=product,
        product_name="Poireaux",
        unit="kg",
        unit_price=Decimal("2.50"),
        vat_rate=Decimal("5.50"),
        quantity=Decimal("2"),
        line_total=Decimal("5.00"),
        vat_amount=Decimal("0.26"),
    )
    stock_receive(product_id=product.pk, quantity=Decimal("10"))
    stock_reserve(lines=[StockLine(product.pk, Decimal("2"))], source=open_order)
    OrderEvent.objects.create(
        order=paid, kind=OrderEventKind.STATUS, from_value="placed", to_value="fulfilled", note=f"Remis à {NAME}"
    )
    OrderNotification.objects.create(order=paid, kind=NotificationKind.CONFIRMATION, sent_at=now)
    IdempotencyRecord.objects.create(user=customer, key="everything-1", request_hash="0" * 64, order=paid)

    SolidarityEligibility.objects.create(
        customer=customer, valid_until=day + dt.timedelta(days=180), granted_by=staff, note=f"{NAME}, CCAS de Calais"
    )
    SolidarityRequest.objects.create(customer=customer, message=f"Je suis {NAME}, seule avec deux enfants.")
    offer = BasketOfferFactory()
    subscription = BasketSubscription.objects.create(
        customer=customer,
        offer=offer,
        frequency=BasketFrequency.WEEKLY,
        start_date=day,
        fulfilment="home",
        delivery_zone=zone,
        **address,
    )
    run = BasketRun.objects.create(offer=offer, date=day - dt.timedelta(days=7))
    BasketDelivery.objects.create(
        run=run,
        subscription=subscription,
        customer=customer,
        offer=offer,
        date=run.date,
        fulfilment="home",
        delivery_zone=zone,
        delivery_address=STREET,
        delivery_commune="Calais",
        price=Decimal("6.00"),
        solidarity=True,
    )
    SavedAddress.objects.create(
        customer=customer,
        label="Maison",
        street=STREET,
        postcode="62100",
        commune="Calais",
        latitude=Decimal("50.951312"),
        longitude=Decimal("1.858745"),
    )
    start = timezone.make_aware(dt.datetime.combine(paid.delivery_date, dt.time(9)))
    round_ = Round.objects.create(
        date=paid.delivery_date,
        vehicle=VehicleFactory(),
        driver=StaffFactory(groups=["driver"]),
        planned_start=start,
        planned_end=start + dt.timedelta(hours=4),
    )
    stop = Stop.objects.create(
        round=round_,
        sequence=1,
        kind="home",
        source_key=f"order:{paid.pk}",
        label=NAME,
        address=STREET,
        postcode="62100",
        commune="Calais",
        latitude=Decimal("50.951312"),
        longitude=Decimal("1.858745"),
        arrival_at=start + dt.timedelta(minutes=30),
        departure_at=start + dt.timedelta(minutes=35),
        handover=[{"source": "order", "id": paid.pk, "customer": NAME, "phone": PHONE, "items": []}],
        failure_note=f"{NAME} absente, voisin au {STREET}",
        received_by=NAME,
    )
    # a proof of delivery: the photo and the drawn signature (issue 18), files of the private proof storage
    stop.proof_photo.save("preuve.jpg", ContentFile(b"photo of the parcel"), save=False)
    stop.proof_signature.save("signature.png", ContentFile(b"signature drawn on the phone"), save=False)
    stop.save(update_fields=["proof_photo", "proof_signature"])
    stop.orders.add(paid)
    SentEmail.objects.create(recipient=customer, to=EMAIL, subject=f"Bonjour {NAME}, votre commande")
    audit_record(actor=staff, action="account.change", obj=customer, changes={"phone": ["", PHONE]})
    starts = now + dt.timedelta(days=3)
    Booking.objects.create(
        producer=customer.producer,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        process=Process.choices[0][0],
        raw_product_name="Poireaux",
        raw_quantity_kg=Decimal("20"),
        notes=f"Appeler {NAME} au {PHONE}",
        created_by=customer,
    )
    Statement.objects.create(producer=customer.producer, month=day.replace(day=1), total=Decimal("42.00"), data={})
    return Everything(customer=customer, token_key=key, open_order=open_order, paid_order=paid, product_id=product.pk)
