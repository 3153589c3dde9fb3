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
from baskets.services.invoices import basket_invoice_issue
from catalogue.services.stock import StockLine, stock_receive, stock_reserve
from deliveries.models import Round, SavedAddress, Stop
from ecopole.core.audit import audit_record
from ecopole.core.models import SentEmail
from invoicing.services.invoices import credit_note_issue
from invoicing.services.sepa import direct_debits_prepare, mandate_sign
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
from orders.services.invoices import order_invoice_issue
from payments.models import BalanceEntry, CustomerBalance, JarReturn, Payment, Voucher, VoucherPartner
from processing.models import Booking, Lot, LotRecall, Process, Statement

from .accounts import DEFAULT_PASSWORD, ProducerMemberFactory, StaffFactory, UserFactory
from .baskets import BasketOfferFactory
from .catalogue import ProductFactory
from .deliveries import DeliveryZoneFactory, PickupPointFactory, VehicleFactory

NAME = "Philomène Delacourt-Vasseur"
EMAIL = "philomene.delacourt@example.org"
PHONE = "06 12 34 56 78"
STREET = "17 rue des Mouettes Rieuses"
NOTE = "Digicode 4B27, chien gentil"
IBAN = "FR1420041010050500013M02606"
OLD_IBAN = "FR7630006000011234567890189"


NEIGHBOUR = "Gaspard Voisin"


def _handover(source: str, ref: int, person: User, item: str = "Cabas") -> dict:
    """A stop's hand-over entry (`deliveries.ports.Handover.as_json()`)."""
    return {
        "source": source,
        "id": ref,
        "customer": person.full_name,
        "phone": person.phone,
        "items": [{"name": item, "quantity": "1", "unit": "basket" if item == "Cabas" else "kg"}],
        "customer_id": person.pk,
    }


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
    their producer's products, booking and statement, their invoices, credit note, SEPA mandate and direct debit."""
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
    basket = BasketDelivery.objects.create(
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
        handover=[_handover("grocery", paid.pk, customer, "Poireaux")],
        failure_note=f"{NAME} absente, voisin au {STREET}",
        received_by=NAME,
    )
    # a proof of delivery: the photo and the drawn signature (issue 18), files of the private proof storage
    stop.proof_photo.save("preuve.jpg", ContentFile(b"photo of the parcel"), save=False)
    stop.proof_signature.save("signature.png", ContentFile(b"signature drawn on the phone"), save=False)
    stop.save(update_fields=["proof_photo", "proof_signature"])
    stop.orders.add(paid)
    # the cabas delivered at home is a stop of its own (issue 18), found through its hand-over's account; the same
    # customer's entry on a pickup point's stop shared with a neighbour
    Stop.objects.create(
        round=round_,
        sequence=2,
        kind="home",
        source_key=f"basket:{basket.pk}",
        label=NAME,
        address=STREET,
        postcode="62100",
        commune="Calais",
        latitude=Decimal("50.951312"),
        longitude=Decimal("1.858745"),
        arrival_at=start + dt.timedelta(minutes=50),
        departure_at=start + dt.timedelta(minutes=55),
        handover=[_handover("baskets", basket.pk, customer)],
        failure_note=f"Personne au {STREET}",
        received_by=NAME,
    )
    point = PickupPointFactory(name="Ilôt Jacquard")
    Stop.objects.create(
        round=round_,
        sequence=3,
        kind="pickup_point",
        source_key=f"point:{point.pk}",
        label=point.name,
        pickup_point=point,
        address=point.address,
        postcode=point.postcode,
        commune=point.commune,
        latitude=point.latitude,
        longitude=point.longitude,
        arrival_at=start + dt.timedelta(minutes=70),
        departure_at=start + dt.timedelta(minutes=80),
        handover=[
            _handover("baskets", basket.pk, customer),
            _handover("grocery", 999_999, UserFactory(full_name=NEIGHBOUR, phone="06 98 76 54 32"), "Poireaux"),
        ],
        received_by="Accueil de l'Ilôt",
    )
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
    # payments (issue 19): a card payment of the paid order, the balance and a movement with a staff note, a food-aid
    # voucher, jars brought back
    Payment.objects.create(
        customer=customer,
        source="order",
        ref=paid.pk,
        provider="stripe",
        method="online_card",
        status="captured",
        amount=paid.total,
        amount_authorised=paid.total,
        amount_captured=paid.total,
        provider_reference="pi_everything",
    )
    CustomerBalance.objects.create(customer=customer, amount=Decimal("2.00"))
    BalanceEntry.objects.create(
        customer=customer, kind="deposit", amount=Decimal("2.00"), balance_after=Decimal("2.00"), note=NOTE
    )
    partner = VoucherPartner.objects.create(name="CCAS de Calais")
    Voucher.objects.create(partner=partner, number="CA-2026-0001", value=Decimal("10.00"), customer=customer)
    JarReturn.objects.create(
        customer=customer, product=product, quantity=4, deposit=Decimal("0.50"), amount=Decimal("2.00"), place="counter"
    )
    # invoicing (issue 19): the paid order's invoice and its credit note, the month's cabas invoice collected by direct
    # debit under the customer's SEPA mandate (the buyer block and the mandate carry the name, email and address)
    order_invoice = order_invoice_issue(order=paid)
    credit_note_issue(invoice_id=order_invoice.pk, reason="Poireaux abîmés à la livraison")
    basket_invoice_issue(customer_id=customer.pk, month=run.date)
    mandate_sign(customer=customer, account_holder=NAME, iban=OLD_IBAN, now=now - dt.timedelta(days=400))
    mandate_sign(customer=customer, account_holder=NAME, iban=IBAN)  # revokes the old one
    direct_debits_prepare(month=run.date)
    # a recalled lot the customer received (issue 17): the report names them
    lot = Lot.objects.create(
        code="L-EVERYTHING",
        booking=Booking.objects.filter(producer=customer.producer).first(),
        producer=customer.producer,
        process=Process.choices[0][0],
        description="Soupe de poireaux",
        quantity=Decimal("10"),
        production_date=day,
        best_before=day + dt.timedelta(days=365),
    )
    recipient = {"channel": "order", "reference": f"order:{paid.pk}", "customer_id": customer.pk}
    LotRecall.objects.create(
        lot=lot,
        status="confirmed",
        reason="Bocal mal serti",
        requested_at=now,
        confirmed_at=now,
        report={"rows": [{**recipient, "customer_name": NAME, "customer_email": EMAIL, "quantity": "1"}]},
    )
    return Everything(customer=customer, token_key=key, open_order=open_order, paid_order=paid, product_id=product.pk)
