"""Demo cabas bio: the small, medium and large offers, their compositions for this week and the next (from the
catalogue's demo products, when there are any), and about sixty demo subscribers, most of them collecting at the
Ilôt Jacquard antenna in Calais, some at home, a few every two weeks, some at the solidarity price.

Idempotent: offers by slug, compositions by (offer, week) and left alone once published, subscriber accounts by
email (`abonne01@ecopole.example`…, role-only names), one subscription per subscriber created only if they have none.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import User
from catalogue.models import Product
from deliveries.models import PickupPoint
from ecopole.core.exceptions import ApplicationError
from orders.models import Fulfilment

from .models import (
    BasketComposition,
    BasketFrequency,
    BasketOffer,
    BasketSize,
    BasketSubscription,
    CompositionStatus,
    SolidarityEligibility,
)
from .services.calendar import week_monday
from .services.compositions import CompositionLineRequest, composition_publish, composition_set
from .services.solidarity import solidarity_grant, solidarity_request_submit
from .services.subscriptions import PlaceRequest, subscription_create, subscription_skip, upcoming_distributions

OFFERS = [
    (
        "petit-cabas",
        "Petit cabas",
        BasketSize.SMALL,
        "12.00",
        "6.00",
        "3.000",
        1,
        "Pour une ou deux personnes : 5 à 6 légumes de saison des Anges Gardins et de Terre d'Opale.",
    ),
    (
        "moyen-cabas",
        "Moyen cabas",
        BasketSize.MEDIUM,
        "18.00",
        "9.00",
        "5.000",
        2,
        "Pour trois ou quatre personnes : 7 à 8 légumes et un fruit de saison.",
    ),
    (
        "grand-cabas",
        "Grand cabas",
        BasketSize.LARGE,
        "25.00",
        "12.50",
        "8.000",
        3,
        "Pour une famille : 9 à 10 légumes, des fruits rouges de l'Ilôt Jacquard en saison.",
    ),
]
SIZE_FACTOR = {BasketSize.SMALL: 1, BasketSize.MEDIUM: 2, BasketSize.LARGE: 3}
SUBSCRIBERS = 60
CALAIS_HOME = PlaceRequest(
    fulfilment=Fulfilment.HOME,
    address="Quartier du Courgain",
    postcode="62100",
    commune="Calais",
    latitude=Decimal("50.964000"),
    longitude=Decimal("1.850000"),
)


def _offers() -> list[BasketOffer]:
    offers = []
    for slug, name, size, price, solidarity, weight, position, description in OFFERS:
        offer, _ = BasketOffer.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "size": size,
                "price": Decimal(price),
                "solidarity_price": Decimal(solidarity),
                "indicative_weight": Decimal(weight),
                "position": position,
                "description": description,
                "is_active": True,
            },
        )
        offers.append(offer)
    return offers


def _compositions(offers: list[BasketOffer], staff, stdout) -> int:
    products = list(Product.objects.filter(is_active=True).order_by("pk")[:10])
    if not products:
        if stdout:
            stdout.write("orders: no products yet, no demo basket compositions")
        return 0
    this_week = week_monday(timezone.localdate())
    published = 0
    for week_start in (this_week, this_week + timedelta(weeks=1)):
        for offer in offers:
            existing = BasketComposition.objects.filter(offer=offer, week_start=week_start).first()
            if existing is not None and existing.status == CompositionStatus.PUBLISHED:
                continue
            factor = SIZE_FACTOR[offer.size]
            count = min(len(products), 4 + 2 * factor)
            shift = week_start.isocalendar()[1] % len(products)
            chosen = [products[(shift + i) % len(products)] for i in range(count)]
            lines = [CompositionLineRequest(p.pk, p.minimum_quantity * factor) for p in chosen]
            try:
                composition_set(
                    offer_id=offer.pk,
                    week_start=week_start,
                    lines=lines,
                    actor=staff,
                    note="Composition de démonstration",
                )
                # Demo stock may not cover every basket: publish anyway, generation will say what is short.
                composition_publish(offer_id=offer.pk, week_start=week_start, actor=staff, force=True)
                published += 1
            except ApplicationError as exc:
                if stdout:
                    stdout.write(f"orders: demo composition {offer.slug} {week_start} skipped ({exc.code})")
    return published


def _subscribers(offers: list[BasketOffer], staff, stdout) -> int:
    if not PickupPoint.objects.filter(slug="ilot-jacquard-calais", is_active=True).exists():
        if stdout:
            stdout.write("orders: no Ilôt Jacquard pickup point, no demo subscriptions")
        return 0
    relay = PickupPoint.objects.filter(slug="relais-audruicq", is_active=True).first()
    password = make_password("ecopole-demo-2026")  # hashed once for all the demo subscribers
    created = 0
    for number in range(1, SUBSCRIBERS + 1):
        email = f"abonne{number:02d}@ecopole.example"
        customer = User.objects.filter(email=email).first()
        if customer is None:
            customer = User.objects.create(email=email, full_name=f"Abonné {number:02d}", password=password)
        if number % 5 == 0 and not SolidarityEligibility.objects.filter(customer=customer).exists():
            solidarity_grant(
                customer_id=customer.pk,
                valid_until=timezone.localdate() + timedelta(days=182),
                actor=staff,
                note="Tarif solidaire de démonstration",
            )
        if BasketSubscription.objects.filter(customer=customer).exists():
            continue
        if number % 12 == 0:
            place = CALAIS_HOME
        elif number % 10 == 3 and relay is not None:
            place = PlaceRequest(pickup_point_id=relay.pk)
        else:
            place = PlaceRequest()  # the Ilôt Jacquard antenna, the default point
        frequency = BasketFrequency.EVERY_TWO_WEEKS if number % 4 == 0 else BasketFrequency.WEEKLY
        offer = offers[[0, 1, 1, 2][number % 4]]
        try:
            subscription = subscription_create(customer=customer, offer_id=offer.pk, frequency=frequency, place=place)
            if number % 9 == 0:
                upcoming = upcoming_distributions(subscription=subscription, count=2)
                if len(upcoming) > 1:
                    subscription_skip(subscription_id=subscription.pk, on=upcoming[1]["date"], actor=customer)
            created += 1
        except ApplicationError as exc:
            if stdout:
                stdout.write(f"orders: demo subscription {number} skipped ({exc.code})")
    return created


def _solidarity_request() -> None:
    """A subscriber asked for the solidarity price: the manager finds it pending in the admin (idempotent)."""
    customer = User.objects.filter(email="abonne07@ecopole.example").first()
    if customer is not None and not SolidarityEligibility.objects.filter(customer=customer).exists():
        solidarity_request_submit(
            customer=customer, message="Je viens de perdre mon emploi, le cabas compte pour nous.", situation="other"
        )


def seed(stdout=None) -> None:
    staff = User.objects.filter(email="gestion@ecopole.example").first()
    offers = _offers()
    published = _compositions(offers, staff, stdout)
    created = _subscribers(offers, staff, stdout)
    _solidarity_request()
    if stdout:
        stdout.write(
            f"orders: {len(offers)} basket offers, {published} compositions published, {created} subscriptions created"
        )


def with_baskets(grocery_seed):
    """Wrap the grocery demo's `seed` so that `seed_demo` loads the cabas bio demo right after it."""

    def seed_grocery_and_baskets(stdout=None) -> None:
        grocery_seed(stdout=stdout)
        seed(stdout=stdout)

    return seed_grocery_and_baskets
