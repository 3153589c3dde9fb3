"""The security walkers' shared ground: a `world` holding two users of every role and the objects each owns, the
OpenAPI operations generated in-process, one valid call per operation, and helpers to call, roll back and snapshot.

Roles (the columns of every table): anonymous, customer, producer (a member of a producer), preparer, driver,
manager, machine (a vending machine's own key). Each role calls with its real credential (a DRF token, or the
`X-Machine-Key` header), never `force_authenticate`, which would bypass the views' authentication classes.

"A" objects belong to the user of the role who calls in the role matrix (customer A's order, producer A's product,
driver A's rounds, machine A); "B" objects belong to another user of the same role and are what the object-level
walker aims at.

The walkers import from here; the fixtures (`world`, the frozen clock) are in conftest.py.
"""

from __future__ import annotations

import functools
import io
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image
from rest_framework.test import APIClient

from accounts.services import email_confirmation_token, token_create
from baskets.models import BasketDelivery, BasketSize
from baskets.services.compositions import CompositionLineRequest, composition_publish, composition_set
from baskets.services.generation import basket_run_generate
from baskets.services.invoices import basket_invoice_issue
from baskets.services.solidarity import solidarity_grant, solidarity_request_submit
from baskets.services.subscriptions import PlaceRequest, subscription_create, subscription_pause
from catalogue.models import Category
from catalogue.services.stock import stock_receive
from deliveries.geocoding import SAMPLE_CSV, ban_import
from deliveries.models import (
    DeliveryDay,
    DeliveryWindow,
    DeliveryZone,
    PickupPoint,
    PickupPointKind,
    PlanningJob,
    Round,
    RoundStatus,
    Stop,
    StopKind,
    StopStatus,
    Weekday,
)
from deliveries.services.addresses import saved_address_create
from invoicing.models import Series
from invoicing.services.invoices import Buyer, LineData, invoice_issue
from invoicing.services.sepa import direct_debits_prepare, mandate_sign
from orders.services.grocery import HomeAddress, LineRequest, order_place, order_transition
from processing.services.billing import statement_build
from processing.services.bookings import BookingRequest, booking_confirm, booking_create
from processing.services.feeds import calendar_feed_rotate
from processing.services.lots import Output, booking_complete
from tests.factories.accounts import DEFAULT_PASSWORD, ProducerMemberFactory, StaffFactory, UserFactory
from tests.factories.baskets import BasketOfferFactory
from tests.factories.catalogue import ProducerFactory, ProductFactory
from tests.factories.deliveries import VehicleFactory
from tests.factories.processing import workshop_setup
from tests.factories.vending import CompartmentFactory, MachineFactory
from vending.models import CompartmentKind
from vending.services import locker_reservation_create, machine_key_rotate, refill_record, sale_record

PARIS = ZoneInfo("Europe/Paris")

NOW = datetime(2026, 10, 19, 9, 0, tzinfo=PARIS)  # a Monday: Friday's orders are open until Wednesday noon

TODAY = NOW.date()

FRIDAY = date(2026, 10, 23)

# cabas bio: this week is 2026-W43 (baskets on FRIDAY); last week's baskets (Friday 16 October) are generated
BASKET_WEEK = "2026-W43"

LAST_FRIDAY = date(2026, 10, 16)

ROLES = ("anonymous", "customer", "producer", "preparer", "driver", "manager", "machine")

HTTP_METHODS = ("get", "post", "put", "patch", "delete")

# The apps whose tables the walkers snapshot ("nothing changed in the database").
PROJECT_APPS = (
    "accounts",
    "catalogue",
    "orders",
    "baskets",
    "deliveries",
    "processing",
    "vending",
    "core",
    "invoicing",
    "payments",
)


@functools.cache
def openapi_schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def schema_operations() -> dict[str, dict]:
    """Every operation of the schema, keyed "METHOD /path/template/"."""
    operations = {}
    for path, item in openapi_schema()["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                operations[f"{method.upper()} {path}"] = operation
    return operations


def path_parameters(op: str) -> list[str]:
    return re.findall(r"{(\w+)}", op.split(" ", 1)[1])


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = openapi_schema()["components"]["schemas"][name]
    return schema


def request_properties(op: str) -> dict[str, dict]:
    """The top-level properties of an operation's request body (any content type), resolved."""
    body = schema_operations()[op].get("requestBody")
    if not body:
        return {}
    properties: dict[str, dict] = {}
    for content in body["content"].values():
        properties.update(_resolve(content["schema"]).get("properties", {}))
    return {name: _resolve(value) for name, value in properties.items()}


def item_properties(property_schema: dict) -> dict[str, dict]:
    """For an array-of-objects property, the properties of its items."""
    if property_schema.get("type") != "array":
        return {}
    return _resolve(property_schema.get("items", {})).get("properties", {})


def is_paginated_list(op: str) -> bool:
    operation = schema_operations()[op]
    content = operation.get("responses", {}).get("200", {}).get("content", {}).get("application/json")
    return bool(content) and "results" in _resolve(content["schema"]).get("properties", {})


@dataclass
class World:
    users: dict[str, Any] = field(default_factory=dict)  # role → the "A" user (None for anonymous and machine)
    tokens: dict[str, str] = field(default_factory=dict)  # role → credential
    o: SimpleNamespace = field(default_factory=SimpleNamespace)  # every object, by name

    def client(self, role: str, *, b_side: bool = False) -> APIClient:
        """An API client for `role` (its B user with `b_side`), carrying the role's real credential."""
        client = APIClient()
        key = f"{role}_b" if b_side else role
        if role == "machine":
            client.credentials(HTTP_X_MACHINE_KEY=self.tokens[key])
        elif role != "anonymous":
            client.credentials(HTTP_AUTHORIZATION=f"Token {self.tokens[key]}")
        return client

    def personal_data(self, user) -> list[str]:
        """What identifies a person in a response: email, phone, full name, and their home delivery address."""
        values = [user.email, user.phone, user.full_name]
        values += getattr(self.o, "addresses", {}).get(user.pk, [])
        return [v for v in values if v]


def _user(factory, role: str, letter: str, **kwargs):
    tag = f"{role}-{letter}".lower()
    return factory(
        email=f"{tag}@secret.example.org",
        full_name=f"Personne {role.capitalize()} {letter}",
        phone=f"06{abs(hash(tag)) % 10**8:08d}",
        **kwargs,
    )


def build_world() -> World:
    world = World()
    o = world.o
    o.producer_a = ProducerFactory(name="Ferme Alpha", slug="ferme-alpha")
    o.producer_b = ProducerFactory(name="Ferme Bravo", slug="ferme-bravo")
    people = {
        "customer": lambda letter: _user(UserFactory, "customer", letter),
        "producer": lambda letter: _user(
            ProducerMemberFactory, "producer", letter, producer=o.producer_a if letter == "A" else o.producer_b
        ),
        "preparer": lambda letter: _user(StaffFactory, "preparer", letter, groups=["preparer"]),
        "driver": lambda letter: _user(StaffFactory, "driver", letter, groups=["driver"]),
        "manager": lambda letter: _user(StaffFactory, "manager", letter, groups=["manager"]),
    }
    for role, make in people.items():
        for letter in ("A", "B"):
            user = make(letter)
            key = role if letter == "A" else f"{role}_b"
            world.users[key] = user
            world.tokens[key] = token_create(user=user).key
    world.users["anonymous"] = world.users["machine"] = None
    customer_a, customer_b = world.users["customer"], world.users["customer_b"]

    # catalogue: each producer has an active product and a draft (inactive: visible only to its producer and staff)
    o.category = Category.objects.create(name="Légumes", slug="legumes")
    o.product_a = ProductFactory(
        piece=True, producer=o.producer_a, category=o.category, name="Poireaux", slug="poireaux"
    )
    o.product_b = ProductFactory(piece=True, producer=o.producer_b, category=o.category, name="Navets", slug="navets")
    o.potatoes = ProductFactory(
        piece=True,
        producer=o.producer_a,
        category=o.category,
        name="Pommes de terre",
        slug="pommes-de-terre",
        unit="kg",
        sold_by_weight=True,
        quantity_step=Decimal("0.5"),
        minimum_quantity=Decimal("1"),
    )
    o.draft_a = ProductFactory(
        piece=True, producer=o.producer_a, category=o.category, name="Brouillon A", is_active=False
    )
    o.draft_b = ProductFactory(
        piece=True, producer=o.producer_b, category=o.category, name="Brouillon B", is_active=False
    )
    for product in (o.product_a, o.product_b, o.potatoes):
        stock_receive(product_id=product.pk, quantity=Decimal("100"))

    # places: the depot (pickup, Friday) and a Calais home-delivery zone (Friday)
    o.depot = PickupPoint.objects.create(
        name="Ecopôle alimentaire",
        slug="ecopole",
        kind=PickupPointKind.DEPOT,
        is_depot=True,
        address="Rue du Marais",
        postcode="62890",
        commune="Vieille-Église",
        latitude=Decimal("50.928100"),
        longitude=Decimal("2.076900"),
        opening_hours=[],
    )
    DeliveryDay.objects.create(pickup_point=o.depot, weekday=Weekday.FRIDAY, cutoff_weekday=Weekday.WEDNESDAY)
    o.zone = DeliveryZone.objects.create(name="Calais et littoral", slug="calais", communes=["Calais", "Marck"])
    DeliveryDay.objects.create(zone=o.zone, weekday=Weekday.FRIDAY, cutoff_weekday=Weekday.WEDNESDAY)
    o.delivery_window = DeliveryWindow.objects.create(
        zone=o.zone, date=FRIDAY, start=time(10, 0), end=time(12, 0), capacity=5
    )
    # saved addresses: the BAN extract for the geocoder, one address of customer A's and one of B's (personal data)
    ban_import(SAMPLE_CSV)
    o.saved_address_a = saved_address_create(
        customer=customer_a, label="Maison", street="4 rue de vic", postcode="", commune="Calais"
    )
    o.saved_address_b = saved_address_create(
        customer=customer_b, label="Maison", street="12 bd jacquard", postcode="", commune="Calais"
    )

    # orders: customer A has a placed pickup order and a home order being prepared; customer B a placed home order
    def home(customer, street):
        address = HomeAddress(street, "62100", "Calais", "50.951300", "1.858700")
        o.addresses.setdefault(customer.pk, []).append(street)
        return address

    o.addresses = {customer_a.pk: ["4 rue de vic"], customer_b.pk: ["12 bd jacquard"]}
    o.order_a = order_place(
        customer=customer_a,
        lines=[LineRequest(o.product_a.pk, Decimal("2"))],
        fulfilment="pickup",
        pickup_point_id=o.depot.pk,
        delivery_date=FRIDAY,
    ).order
    o.order_prep = order_place(
        customer=customer_a,
        lines=[LineRequest(o.potatoes.pk, Decimal("2")), LineRequest(o.product_a.pk, Decimal("1"))],
        fulfilment="home",
        address=home(customer_a, "1 impasse Alpha-Secrète"),
        delivery_date=FRIDAY,
    ).order
    order_transition(order_id=o.order_prep.pk, target="preparing", actor=world.users["manager"])
    o.order_b = order_place(
        customer=customer_b,
        lines=[LineRequest(o.potatoes.pk, Decimal("3")), LineRequest(o.product_b.pk, Decimal("1"))],
        fulfilment="home",
        address=home(customer_b, "2 impasse Bravo-Secrète"),
        delivery_date=FRIDAY,
    ).order
    order_transition(order_id=o.order_b.pk, target="preparing", actor=world.users["manager"])
    o.order_b_pickup = order_place(
        customer=customer_b,
        lines=[LineRequest(o.product_b.pk, Decimal("1"))],
        fulfilment="pickup",
        pickup_point_id=o.depot.pk,
        delivery_date=FRIDAY,
    ).order
    o.weight_line_a = o.order_prep.lines.get(product=o.potatoes)
    o.weight_line_b = o.order_b.lines.get(product=o.potatoes)

    # rounds of today: each driver has a planned round (2 stops) and a started one (a pending and a failed stop)
    def round_(driver, vehicle_name, status, stops):
        vehicle = VehicleFactory(name=vehicle_name)
        start = datetime.combine(TODAY, time(8, 0), tzinfo=PARIS)
        created = Round.objects.create(
            date=TODAY,
            vehicle=vehicle,
            driver=driver,
            status=status,
            planned_start=start,
            planned_end=start.replace(hour=12),
            started_at=start if status == RoundStatus.STARTED else None,
        )
        made = []
        for sequence, (order, stop_status) in enumerate(stops, start=1):
            stop = Stop.objects.create(
                round=created,
                sequence=sequence,
                kind=StopKind.HOME if order.fulfilment == "home" else StopKind.PICKUP_POINT,
                pickup_point=None if order.fulfilment == "home" else order.pickup_point,
                source_key=f"order:{order.pk}:{sequence}",
                label=f"Commande {order.pk}",
                address=order.delivery_address,
                postcode=order.delivery_postcode,
                commune=order.delivery_commune,
                latitude=order.delivery_latitude or Decimal("50.95"),
                longitude=order.delivery_longitude or Decimal("1.85"),
                arrival_at=start.replace(hour=8 + sequence),
                departure_at=start.replace(hour=8 + sequence, minute=5),
                status=stop_status,
                failure_reason="absent" if stop_status == StopStatus.FAILED else "",
            )
            stop.orders.add(order)
            made.append(stop)
        return created, made

    pending, failed = StopStatus.PENDING, StopStatus.FAILED
    driver_a, driver_b = world.users["driver"], world.users["driver_b"]
    o.round_a, o.round_a_stops = round_(driver_a, "Camion A", RoundStatus.PLANNED, [(o.order_prep, pending)] * 2)
    o.live_a, (o.live_a_stop, o.live_a_failed) = round_(
        driver_a, "Vélo A", RoundStatus.STARTED, [(o.order_a, pending), (o.order_prep, failed)]
    )
    o.round_b, o.round_b_stops = round_(driver_b, "Camion B", RoundStatus.PLANNED, [(o.order_b, pending)] * 2)
    o.live_b, (o.live_b_stop, o.live_b_failed) = round_(
        driver_b, "Vélo B", RoundStatus.STARTED, [(o.order_b_pickup, pending), (o.order_b, failed)]
    )

    # a planning job of Friday, done (the manager polls it)
    o.planning_job = PlanningJob.objects.create(date=FRIDAY, status="done", result={"rounds": [], "kept": []})

    # vending: machine A (a filled shelf A1 and a reserved locker L1) and machine B (shelf B1, locker M1)
    for letter, machine_name in (("a", "Distributeur Ilôt Jacquard"), ("b", "Distributeur Vieille-Église")):
        machine = MachineFactory(name=machine_name, open_all_day=True)
        shelf = CompartmentFactory(
            machine=machine, code=f"{letter.upper()}1", kind=CompartmentKind.SPIRAL, capacity=Decimal("10")
        )
        refill_record(compartment=shelf, product=o.product_a, quantity=Decimal("5"), price=Decimal("3.00"))
        locker = CompartmentFactory(machine=machine, code=f"{'L' if letter == 'a' else 'M'}1", capacity=Decimal("1"))
        order = o.order_a if letter == "a" else o.order_b
        code = locker_reservation_create(compartment=locker, order_id=order.pk, pickup_date=FRIDAY).code
        setattr(o, f"machine_{letter}", machine)
        setattr(o, f"shelf_{letter}", shelf)
        setattr(o, f"locker_{letter}", locker)
        setattr(o, f"locker_code_{letter}", code)
        world.tokens["machine" if letter == "a" else "machine_b"] = machine_key_rotate(machine=machine)
        # a sale on an unknown compartment: flagged, held out of revenue until a manager accepts it
        setattr(
            o,
            f"sale_flagged_{letter}",
            sale_record(
                machine=machine,
                transaction_id=f"FLAG-{letter.upper()}",
                compartment_code="Z9",
                quantity=Decimal("1"),
                amount=Decimal("3.00"),
                sold_at=NOW,
            ).sale,
        )

    # workshop: each producer has a booking requested for Thursday and one completed last week (a lot of soup, the
    # month's statement); producer A also has a confirmed one of last week to complete, and a private calendar feed
    o.equipment = workshop_setup()
    manager = world.users["manager"]
    for letter, producer in (("a", o.producer_a), ("b", o.producer_b)):
        soup = ProductFactory(piece=True, producer=producer, category=o.category, name=f"Soupe {letter}", unit="jar")
        setattr(o, f"soup_{letter}", soup)
        with time_machine.travel(datetime(2026, 10, 5, 9, 0, tzinfo=PARIS), tick=False):
            past = [
                _book(producer, o.equipment["washing" if letter == "a" else "cutting"], datetime(2026, 10, 8, h))
                for h in (8, 13)
            ]
            for booking in past:
                booking_confirm(booking_id=booking.pk, user=manager)
        booking_complete(
            booking_id=past[0].pk, user=manager, outputs=[Output("Soupe", Decimal("40"), product_id=soup.pk)]
        )
        setattr(o, f"lot_{letter}", past[0].lots.get())
        setattr(o, f"statement_{letter}", statement_build(producer_id=producer.pk, month=date(2026, 10, 1))[0])
        setattr(o, f"confirmed_{letter}", past[1])
        thursday = datetime(2026, 10, 22, 8 if letter == "a" else 13)
        setattr(o, f"booking_{letter}", _book(producer, o.equipment["washing"], thursday))
    o.feed_a = calendar_feed_rotate(producer_id=o.producer_a.pk, user=world.users["producer"])
    _baskets(world)
    _invoices(world)
    return world


def _invoices(world: World) -> None:
    """Invoicing: customers A and B each have an invoice (the producers' came with their statements, series P)."""
    o = world.o
    for letter in ("a", "b"):
        customer = world.users["customer" if letter == "a" else "customer_b"]
        line = LineData(
            description=f"Panier {letter}", quantity=Decimal(1), unit_price=Decimal("12.40"), vat_rate=Decimal("5.5")
        )
        buyer = Buyer(name=customer.full_name or customer.email, email=customer.email)
        with transaction.atomic():
            invoice, _ = invoice_issue(
                series=Series.CUSTOMER, source=f"world:{letter}", buyer=buyer, lines=[line], customer_id=customer.pk
            )
        setattr(o, f"invoice_{letter}", invoice)
    # SEPA: customer A signed a mandate; October's cabas invoice is debited under it
    customer_a = world.users["customer"]
    basket_invoice_issue(customer_id=customer_a.pk, month=date(2026, 10, 1))
    mandate_sign(customer=customer_a, account_holder="Client A", iban="FR14 2004 1010 0505 0001 3M02 606")
    o.debit_a = direct_debits_prepare(month=date(2026, 10, 1))[0]
    # Food-aid vouchers: the CCAS whose vouchers the counter takes
    from payments.models import VoucherPartner

    o.partner_a = VoucherPartner.objects.create(name="CCAS de Calais")


def _baskets(world: World) -> None:
    """Cabas bio: a small and a medium offer (Friday, at the depot); customers A and B subscribed to the small one
    last Monday and got last Friday's baskets (generated; B at the solidarity price the manager granted); the
    small basket of this week (W43) is published, the next week's (W44) is a draft; A has a pause planned."""
    o, manager = world.o, world.users["manager"]
    customer_a, customer_b = world.users["customer"], world.users["customer_b"]
    o.carrots = ProductFactory(
        piece=True, producer=o.producer_a, category=o.category, name="Carottes", slug="carottes", unit="kg"
    )
    stock_receive(product_id=o.carrots.pk, quantity=Decimal("100"))
    o.basket_offer = BasketOfferFactory()
    o.basket_offer_medium = BasketOfferFactory(
        name="Moyen cabas",
        slug="moyen-cabas",
        size=BasketSize.MEDIUM,
        price=Decimal("18.00"),
        solidarity_price=Decimal("9.00"),
        indicative_weight=Decimal("5.000"),
    )
    offer_id = o.basket_offer.pk

    def compose(week_start: date, quantity: str):
        lines = [CompositionLineRequest(o.carrots.pk, Decimal(quantity))]
        return composition_set(offer_id=offer_id, week_start=week_start, lines=lines, actor=manager)

    depot = PlaceRequest(pickup_point_id=o.depot.pk)
    with time_machine.travel(datetime(2026, 10, 12, 9, 0, tzinfo=PARIS), tick=False):
        compose(date(2026, 10, 12), "1")
        composition_publish(offer_id=offer_id, week_start=date(2026, 10, 12), actor=manager)
        o.eligibility_b = solidarity_grant(
            customer_id=customer_b.pk, valid_until=date(2026, 12, 31), actor=manager, note="CCAS"
        )
        o.subscription_a = subscription_create(customer=customer_a, offer_id=offer_id, place=depot)
        o.subscription_b = subscription_create(customer=customer_b, offer_id=offer_id, place=depot)
    with time_machine.travel(datetime(2026, 10, 15, 14, 0, tzinfo=PARIS), tick=False):  # after Wednesday's cutoff
        basket_run_generate(offer_id=offer_id, on=LAST_FRIDAY, actor=manager)
    o.basket_delivery_a = BasketDelivery.objects.get(subscription=o.subscription_a, date=LAST_FRIDAY)
    o.basket_delivery_b = BasketDelivery.objects.get(subscription=o.subscription_b, date=LAST_FRIDAY)
    # customer A asked for the solidarity price (pending: the manager decides)
    o.solidarity_request_a, _created = solidarity_request_submit(
        customer=customer_a, message="Fin de droits au chômage", situation="low_income"
    )
    o.composition = compose(date(2026, 10, 19), "1.5")
    composition_publish(offer_id=offer_id, week_start=date(2026, 10, 19), actor=manager)
    o.draft_composition = compose(date(2026, 10, 26), "2")
    subscription_pause(
        subscription_id=o.subscription_a.pk,
        start_date=date(2026, 11, 20),
        end_date=date(2026, 11, 27),
        actor=customer_a,
    )


def _book(producer, equipment, starts_at: datetime):
    starts_at = starts_at.replace(tzinfo=PARIS)
    request = BookingRequest(
        equipment_ids=[equipment.pk],
        starts_at=starts_at,
        ends_at=starts_at.replace(hour=starts_at.hour + 4),
        process="soup",
        raw_product_name="Potimarrons",
        raw_quantity_kg=Decimal("50"),
    )
    return booking_create(producer_id=producer.pk, request=request, user=None)


@dataclass(frozen=True)
class Call:
    """How to call an operation legitimately: as `role` (its "natural" caller), with `body(world)` and `query`.

    `params` overrides the default path parameters (by name → world object name); `multipart` sends the body as a
    form upload. `succeeds` is False when the natural call cannot end in a 2xx from this world (with the reason):
    the property-level walker then only checks that nothing changed.
    """

    role: str
    body: Any = None
    query: dict | None = None
    params: dict | None = None
    multipart: bool = False
    succeeds: bool | str = True

    def data(self, world: World):
        return self.body(world) if callable(self.body) else self.body


def _csv(world: World):
    content = "nom;unité;prix;tva;catégorie;stock\nCourgettes;kg;2,50;5.5;Légumes;10\n".encode()
    return {"producer": world.o.producer_a.slug, "file": SimpleUploadedFile("prix.csv", content, "text/csv")}


def _photo(world: World):
    buffer = io.BytesIO()
    Image.new("RGB", (120, 90), (60, 140, 60)).save(buffer, "PNG")
    return {"photo": SimpleUploadedFile("photo.png", buffer.getvalue(), "image/png")}


def _sale(tid: str, compartment: str = "A1") -> dict:
    return {
        "transaction_id": tid,
        "compartment": compartment,
        "quantity": "1",
        "amount": "3.00",
        "sold_at": "2026-10-19T08:30:00+02:00",
    }


PERIOD_2026 = {"from": "2026-01-01", "to": "2026-12-31"}

# Every operation that the walkers call with a body or a query, and who calls it naturally. Read-only operations
# without a query are called as GET with no body by whoever the table says; they need no row here.
CALLS: dict[str, Call] = {
    "PATCH /api/v1/auth/me/": Call("customer", {"full_name": "Personne Renommée", "phone": "0321000000"}),
    "DELETE /api/v1/auth/me/": Call("customer", {"password": DEFAULT_PASSWORD}),
    "POST /api/v1/auth/me/addresses/": Call(
        "customer", {"label": "Travail", "street": "2 rue royale", "postcode": "62100", "commune": "Calais"}
    ),
    "PUT /api/v1/auth/me/addresses/{address_id}/": Call(
        "customer", {"label": "Chez moi", "street": "6 rue de vic", "postcode": "62100", "commune": "Calais"}
    ),
    "POST /api/v1/auth/register/": Call(
        "anonymous", {"email": "nouveau@example.org", "password": DEFAULT_PASSWORD, "full_name": "Nouveau"}
    ),
    "POST /api/v1/auth/logout/": Call("customer", {"everywhere": False}),
    "POST /api/v1/auth/password/": Call(
        "customer", {"current_password": DEFAULT_PASSWORD, "new_password": "un-autre-secret-2026"}
    ),
    "POST /api/v1/auth/confirm-email/": Call(
        "anonymous", lambda w: {"token": email_confirmation_token(user=w.users["customer"])}
    ),
    "POST /api/v1/auth/confirm-email/resend/": Call(
        "customer", None, succeeds="the world's addresses are confirmed: 409"
    ),
    "POST /api/v1/auth/token/": Call(
        "anonymous", lambda w: {"email": w.users["customer"].email, "password": DEFAULT_PASSWORD}
    ),
    "PUT /api/v1/baskets/offers/{offer_id}/compositions/{week}/": Call(
        "preparer",
        lambda w: {"lines": [{"product": w.o.carrots.pk, "quantity": "1.250"}], "note": "Carottes nouvelles"},
    ),
    "POST /api/v1/baskets/offers/{offer_id}/compositions/{week}/publish/": Call(
        "preparer", {"force": False}, params={"week": "draft_composition"}
    ),
    "POST /api/v1/baskets/subscriptions/": Call(
        "customer",
        lambda w: {
            "offer": w.o.basket_offer_medium.pk,
            "frequency": "every_two_weeks",
            "fulfilment": {"type": "pickup", "point": w.o.depot.pk},
        },
    ),
    "POST /api/v1/baskets/subscriptions/{subscription_id}/skip/": Call("customer", {"date": FRIDAY.isoformat()}),
    "POST /api/v1/baskets/subscriptions/{subscription_id}/pause/": Call(
        "customer", {"start_date": "2026-10-30", "end_date": "2026-11-13"}
    ),
    "POST /api/v1/baskets/subscriptions/{subscription_id}/resume/": Call("customer"),
    "POST /api/v1/baskets/subscriptions/{subscription_id}/change/": Call(
        "customer", lambda w: {"offer": w.o.basket_offer_medium.pk, "frequency": "every_two_weeks"}
    ),
    "POST /api/v1/baskets/subscriptions/{subscription_id}/cancel/": Call("customer"),
    "GET /api/v1/baskets/statement/": Call("customer", query={"month": "2026-10"}),
    "GET /api/v1/baskets/deliveries/": Call("preparer", query={"date": LAST_FRIDAY.isoformat()}),
    "POST /api/v1/baskets/deliveries/{delivery_id}/status/": Call("preparer", {"status": "collected"}),
    "POST /api/v1/baskets/generate/": Call("manager", {"date": FRIDAY.isoformat(), "force": True}),
    "POST /api/v1/baskets/solidarity-requests/": Call(
        "customer", {"message": "Étudiante, bourse seule", "situation": "student"}
    ),
    "POST /api/v1/baskets/solidarity-requests/{request_id}/decide/": Call(
        "manager", {"decision": "grant", "valid_until": "2027-06-30", "reason": "Vu avec le CCAS"}
    ),
    "POST /api/v1/baskets/solidarity/": Call(
        "manager", lambda w: {"customer": w.users["customer"].pk, "valid_until": "2026-12-31", "note": "CCAS"}
    ),
    "POST /api/v1/catalogue/products/": Call(
        "producer",
        {
            "producer": "ferme-alpha",
            "category": "legumes",
            "name": "Courges",
            "unit_price": "3.20",
            "description": "Bio",
        },
    ),
    "PATCH /api/v1/catalogue/products/{id}/": Call("producer", {"name": "Poireaux d'hiver", "unit_price": "2.90"}),
    "POST /api/v1/catalogue/products/import/": Call("manager", _csv, multipart=True),
    "PUT /api/v1/catalogue/products/{id}/photo/": Call("producer", _photo, multipart=True),
    "PUT /api/v1/catalogue/producers/{slug}/photo/": Call("producer", _photo, multipart=True),
    "POST /api/v1/catalogue/stock-movements/": Call(
        "manager", lambda w: {"product": w.o.product_a.pk, "operation": "receipt", "quantity": "5", "note": "Arrivage"}
    ),
    "POST /api/v1/deliveries/rounds/plan/": Call("manager", {"date": "2026-10-25"}),
    "POST /api/v1/deliveries/rounds/{round_id}/driver/": Call("manager", lambda w: {"driver": w.users["driver_b"].pk}),
    "POST /api/v1/deliveries/rounds/{round_id}/finish/": Call(
        "driver", params={"round_id": "live_a"}, succeeds="a stop is still pending: 409 stops_pending"
    ),
    "POST /api/v1/deliveries/rounds/{round_id}/lock/": Call("manager", {"locked": True}),
    "POST /api/v1/deliveries/rounds/{round_id}/stops/{stop_id}/move/": Call(
        "manager", lambda w: {"round": w.o.round_a.pk, "position": 2}
    ),
    "GET /api/v1/deliveries/windows/": Call("customer", query={"date": FRIDAY.isoformat()}),
    "POST /api/v1/deliveries/windows/": Call(
        "manager", lambda w: {"zone": w.o.zone.pk, "date": FRIDAY.isoformat(), "start": "14:00", "capacity": 3}
    ),
    "PATCH /api/v1/deliveries/windows/{window_id}/": Call("manager", {"capacity": 6}),
    "POST /api/v1/deliveries/rounds/{round_id}/reorder/": Call(
        "manager", lambda w: {"stops": [s.pk for s in reversed(w.o.round_a_stops)]}
    ),
    "POST /api/v1/deliveries/rounds/{round_id}/start/": Call("driver"),
    "POST /api/v1/deliveries/rounds/{round_id}/stops/{stop_id}/delivered/": Call(
        "driver", params={"round_id": "live_a", "stop_id": "live_a_stop"}
    ),
    "POST /api/v1/deliveries/rounds/{round_id}/stops/{stop_id}/failed/": Call(
        "driver", {"reason": "absent", "note": "Personne"}, params={"round_id": "live_a", "stop_id": "live_a_stop"}
    ),
    "POST /api/v1/deliveries/rounds/{round_id}/stops/{stop_id}/resolve/": Call(
        "manager",
        {"action": "next_delivery_day"},
        params={"round_id": "live_a", "stop_id": "live_a_failed"},
    ),
    "GET /api/v1/deliveries/rounds/": Call("manager", query={"date": TODAY.isoformat()}),
    "POST /api/v1/orders/": Call(
        "customer",
        lambda w: {
            "lines": [{"product": w.o.product_a.pk, "quantity": "1"}],
            "fulfilment": {"type": "pickup", "point": w.o.depot.pk},
            "delivery_date": FRIDAY.isoformat(),
            "note": "Merci",
        },
    ),
    "POST /api/v1/orders/counter-sales/": Call(
        "preparer", lambda w: {"lines": [{"product": w.o.product_a.pk, "quantity": "1"}], "payment_method": "card"}
    ),
    "POST /api/v1/orders/{order_id}/cancel/": Call("customer", {"note": "Empêchée"}),
    "PUT /api/v1/orders/{order_id}/lines/": Call(
        "customer", lambda w: {"lines": [{"product": w.o.product_a.pk, "quantity": "3"}]}
    ),
    "POST /api/v1/orders/{order_id}/locker/": Call(
        "manager", {"compartment": "L1"}, succeeds="order A is collected at the depot, not at a machine: 409"
    ),
    "POST /api/v1/orders/{order_id}/locker/code/": Call("manager"),  # order A waits in locker L1 of machine A
    "POST /api/v1/orders/{order_id}/payment/": Call("manager", {"payment_status": "paid", "payment_method": "cash"}),
    "POST /api/v1/orders/{order_id}/voucher/": Call(
        "manager", lambda w: {"partner": w.o.partner_a.pk, "number": "W-1", "value": "5.00"}
    ),
    "POST /api/v1/orders/{order_id}/prepared-quantities/": Call(
        "preparer",
        lambda w: {"lines": [{"line": w.o.weight_line_a.pk, "prepared_quantity": "2.400"}]},
        params={"order_id": "order_prep"},
    ),
    "POST /api/v1/orders/{order_id}/transition/": Call("manager", {"status": "preparing", "note": "En cours"}),
    "GET /api/v1/orders/preparation-list/": Call("preparer", query={"date": FRIDAY.isoformat()}),
    "POST /api/v1/processing/bookings/": Call(
        "producer",
        lambda w: {
            "equipment": [w.o.equipment["cold"].pk],
            "starts_at": "2026-10-22T13:00:00+02:00",
            "ends_at": "2026-10-22T17:00:00+02:00",
            "process": "soup",
            "raw_product_name": "Potimarrons",
            "raw_quantity_kg": "120.000",
            "expected_output": "240 bocaux",
            "organic": True,
        },
    ),
    "POST /api/v1/processing/bookings/{id}/cancel/": Call("producer"),
    "POST /api/v1/invoicing/invoices/{id}/credit-note/": Call("manager", {"reason": "Erreur de facturation"}),
    "GET /api/v1/invoicing/exports/invoices/": Call("manager", query=PERIOD_2026),
    "GET /api/v1/invoicing/exports/movements/": Call("manager", query=PERIOD_2026),
    "GET /api/v1/invoicing/exports/fec/": Call("manager", query=PERIOD_2026),
    "GET /api/v1/invoicing/exports/reconciliation/": Call("manager", query=PERIOD_2026),
    "POST /api/v1/invoicing/sepa/mandate/": Call(
        "customer", {"account_holder": "Client A", "iban": "FR7630006000011234567890189", "accept": True}
    ),
    "GET /api/v1/invoicing/sepa/pain008/": Call("manager", query={"month": "2026-10"}),
    "POST /api/v1/invoicing/sepa/debits/{id}/return/": Call("manager", {"reason": "AM04 provision insuffisante"}),
    "POST /api/v1/processing/bookings/{id}/accept-offer/": Call("producer", succeeds="no offer is held: 409"),
    "POST /api/v1/processing/bookings/{id}/confirm/": Call("manager"),
    "POST /api/v1/processing/bookings/{id}/no-show/": Call("manager", succeeds="the slot is ahead: 409"),
    "POST /api/v1/processing/bookings/{id}/complete/": Call(
        "manager",
        lambda w: {
            "hours_used": "4",
            "outputs": [
                {
                    "description": "Soupe",
                    "quantity": "30",
                    "unit": "jar",
                    "container": "bocal 75 cl",
                    "product": w.o.soup_a.pk,
                    "inputs": [{"name": "Potimarron", "quantity_kg": "40", "origin": "Vieille-Église"}],
                }
            ],
        },
        params={"id": "confirmed_a"},
    ),
    "POST /api/v1/processing/lots/{code}/recall/": Call("manager", {"reason": "Bocal mal serti"}),
    "POST /api/v1/processing/calendar-feed/": Call("producer"),
    "DELETE /api/v1/processing/calendar-feed/": Call("producer"),
    "POST /api/v1/vending/machines/{id}/inventory/": Call(
        "machine",
        {
            "count_id": "C-1",
            "counted_at": "2026-10-19T08:30:00+02:00",
            "lines": [{"compartment": "A1", "quantity": "4"}],
        },
    ),
    "POST /api/v1/vending/machines/{id}/key/": Call("manager"),
    "POST /api/v1/vending/machines/{id}/refills/": Call(
        "manager", lambda w: {"compartment": "A1", "product": w.o.product_a.pk, "quantity": "2"}
    ),
    "POST /api/v1/vending/machines/{id}/removals/": Call("manager", {"compartment": "A1", "quantity": "1"}),
    "GET /api/v1/vending/machines/{id}/report/": Call("manager", query={"from": "2026-10-01", "to": "2026-10-19"}),
    "POST /api/v1/vending/machines/{id}/sales/": Call("machine", _sale("T-1")),
    "POST /api/v1/vending/sales/{id}/accept/": Call("manager", {"note": "ticket vérifié"}),
    "POST /api/v1/vending/machines/{id}/unlock/": Call(
        "machine", lambda w: {"compartment": "L1", "code": w.o.locker_code_a}
    ),
    "GET /api/v1/payments/balance/": Call("customer"),
    "POST /api/v1/payments/vouchers/": Call(
        "preparer",
        lambda w: {"partner": w.o.partner_a.pk, "number": "W-2", "value": "5.00", "customer": w.users["customer"].pk},
    ),
    "GET /api/v1/payments/voucher-partners/": Call("preparer"),
    "GET /api/v1/payments/voucher-partners/{id}/statement/": Call("manager", query={"month": "2026-10"}),
    "POST /api/v1/payments/jar-returns/": Call(
        "driver",
        lambda w: {"customer": w.users["customer"].pk, "product": w.o.product_a.pk, "quantity": 2, "place": "driver"},
        succeeds="the world's products carry no deposit: 400 product_has_no_deposit",
    ),
    # Stripe signs its calls (tests/payments); a world call carries no signature: 400 webhook_signature_invalid.
    "POST /api/v1/payments/stripe/webhook/": Call(
        "anonymous",
        {"id": "evt_world", "type": "payment_intent.succeeded", "data": {"object": {}}},
        succeeds="unsigned: 400 webhook_signature_invalid",
    ),
}

# Default path parameters: parameter name (or "path prefix:name" for the ambiguous `id`) → world object name.
DEFAULT_PARAMS = {
    "/api/v1/catalogue/producers/:slug": "producer_a",
    "/api/v1/catalogue/products/:id": "product_a",
    "/api/v1/vending/machines/:id": "machine_a",
    "/api/v1/vending/sales/:id": "sale_flagged_a",
    "/api/v1/processing/bookings/:id": "booking_a",
    "/api/v1/processing/statements/:id": "statement_a",
    "/api/v1/invoicing/invoices/:id": "invoice_a",
    "/api/v1/invoicing/sepa/debits/:id": "debit_a",
    "/api/v1/payments/voucher-partners/:id": "partner_a",
    "code": "lot_a",
    "token": "feed_a",
    "order_id": "order_a",
    "round_id": "round_a",
    "stop_id": "round_a_stops",
    "offer_id": "basket_offer",
    "week": "composition",
    "subscription_id": "subscription_a",
    "delivery_id": "basket_delivery_a",
    "job_id": "planning_job",
    "window_id": "delivery_window",
    "address_id": "saved_address_a",
    "request_id": "solidarity_request_a",
}


def _param_value(param: str, obj) -> str:
    if isinstance(obj, list):
        obj = obj[0]
    if param == "week":
        return obj.iso_week
    return str(getattr(obj, param) if param in ("slug", "code", "token") else obj.pk)


def param_names(op: str, overrides: dict | None = None) -> dict[str, str]:
    """Path parameter → world object name for an operation: the caller's own (A) objects unless overridden."""
    path = op.split(" ", 1)[1]
    call = CALLS.get(op)
    names = {}
    for param in path_parameters(op):
        prefix_key = next((k for k in DEFAULT_PARAMS if ":" in k and path.startswith(k.split(":")[0])), None)
        if prefix_key and prefix_key.endswith(f":{param}"):
            names[param] = DEFAULT_PARAMS[prefix_key]
        else:
            names[param] = DEFAULT_PARAMS[param]
    names.update((call.params or {}) if call else {})
    names.update(overrides or {})
    return names


def url_for(world: World, op: str, overrides: dict | None = None) -> str:
    path = op.split(" ", 1)[1]
    for param, name in param_names(op, overrides).items():
        value = _param_value(param, getattr(world.o, name))
        path = path.replace(f"{{{param}}}", value)
    return path


def call(world: World, op: str, role: str, *, b_side: bool = False, overrides: dict | None = None, body=None):
    """Call `op` as `role` with its table body (or `body`), path parameters from the world."""
    method = op.split(" ", 1)[0].lower()
    spec = CALLS.get(op, Call(role))
    data = spec.data(world) if body is None else body
    client = world.client(role, b_side=b_side)
    url = url_for(world, op, overrides)
    if method == "get":
        return client.get(url, spec.query or {})
    if spec.multipart:
        return getattr(client, method)(url, data, format="multipart")
    return getattr(client, method)(url, data, format="json")


@contextmanager
def rolled_back():
    """Run a block in a savepoint that is rolled back. The block may run views that open `atomic(durable=True)`: as
    in Django's TestCase, the savepoint is marked as the test's own so that their durability check lets them nest."""
    atomic = transaction.atomic()
    atomic._from_testcase = True
    with atomic:
        try:
            yield
        finally:
            transaction.set_rollback(True)


def project_models():
    return [m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS and not m._meta.proxy]


def db_snapshot(*, exclude: tuple[str, ...] = ()) -> dict[str, list[dict]]:
    """Every row of every table of the project's apps (the world is small): what "nothing changed" compares."""
    snapshot = {}
    for model in project_models():
        label = model._meta.label
        if label in exclude:
            continue
        snapshot[label] = list(model.objects.order_by("pk").values())
    return snapshot


def snapshot_diff(before: dict, after: dict) -> list[str]:
    changes = []
    for label, rows in before.items():
        if rows != after[label]:
            old = {r["id"] if "id" in r else str(r): r for r in rows}
            new = {r["id"] if "id" in r else str(r): r for r in after[label]}
            for pk in sorted(set(old) | set(new), key=str):
                if old.get(pk) != new.get(pk):
                    changes.append(f"{label} #{pk}: {old.get(pk)} -> {new.get(pk)}")
    return changes
