"""A dozen demo orders from the demo customers, at the demo places, some moved along their lifecycle.

Idempotent: each order is found by its natural key, an Idempotency-Key `demo-order-NN` of its customer, and once
any demo order exists the set is considered seeded (so an order the stock could not serve the first time is not
placed on a later run, whatever stock other demos added meanwhile). Products and their stock come from the catalogue
demo: with no active product, nothing is created.
"""

from decimal import ROUND_CEILING, Decimal

from accounts.models import User
from catalogue.models import Product
from deliveries.models import PickupPoint, PickupPointKind
from deliveries.services.places import delivery_dates_open, zone_for_commune
from ecopole.core.exceptions import ApplicationError
from vending.ports import machine_for_pickup_point

from .models import Fulfilment, IdempotencyRecord, Order, OrderStatus, PaymentMethod, PaymentStatus
from .services.grocery import (
    HomeAddress,
    LineRequest,
    order_cancel,
    order_payment_record,
    order_place,
    order_prepared_quantities_set,
    order_transition,
)

CALAIS = HomeAddress("Quartier du Courgain", "62100", "Calais", Decimal("50.964000"), Decimal("1.850000"))
AUDRUICQ = HomeAddress("Rue principale", "62370", "Audruicq", Decimal("50.879000"), Decimal("2.079000"))
GUINES = HomeAddress("Centre-bourg", "62340", "Guînes", Decimal("50.869000"), Decimal("1.871000"))

# customer, where (point slug or address), number of products, final status
DEMO_ORDERS = [
    ("client@ecopole.example", "ilot-jacquard-calais", 3, OrderStatus.PLACED),
    ("client@ecopole.example", CALAIS, 5, OrderStatus.PLACED),
    ("client@ecopole.example", "ilot-jacquard-calais", 2, OrderStatus.PREPARING),
    ("client@ecopole.example", "ecopole-vieille-eglise", 4, OrderStatus.READY),
    ("client@ecopole.example", CALAIS, 6, OrderStatus.OUT_FOR_DELIVERY),
    ("client@ecopole.example", "ilot-jacquard-calais", 2, OrderStatus.CANCELLED),
    ("client2@ecopole.example", "relais-audruicq", 3, OrderStatus.PLACED),
    ("client2@ecopole.example", AUDRUICQ, 5, OrderStatus.PLACED),
    ("client2@ecopole.example", "ecopole-vieille-eglise", 2, OrderStatus.FULFILLED),
    ("client2@ecopole.example", "relais-ardres", 3, OrderStatus.READY),
    ("client2@ecopole.example", GUINES, 6, OrderStatus.PREPARING),
    ("client2@ecopole.example", AUDRUICQ, 4, OrderStatus.CANCELLED),
]


DEMO_CUSTOMERS = sorted({email for email, *_ in DEMO_ORDERS})


def _quantity(product: Product, factor: int) -> Decimal:
    steps = (product.minimum_quantity / product.quantity_step).to_integral_value(rounding=ROUND_CEILING)
    return steps * product.quantity_step * factor


def _advance(order, status: str, staff) -> None:
    if status == OrderStatus.CANCELLED:
        order_cancel(order_id=order.pk, actor=order.customer)
        return
    path = {
        OrderStatus.PREPARING: [OrderStatus.PREPARING],
        OrderStatus.READY: [OrderStatus.PREPARING, OrderStatus.READY],
        OrderStatus.OUT_FOR_DELIVERY: [OrderStatus.PREPARING, OrderStatus.OUT_FOR_DELIVERY],
        OrderStatus.FULFILLED: [OrderStatus.PREPARING, OrderStatus.READY, OrderStatus.FULFILLED],
    }.get(status, [])
    for target in path:
        if target in {OrderStatus.READY, OrderStatus.OUT_FOR_DELIVERY}:
            weighed = {line.pk: line.quantity for line in order.lines.filter(sold_by_weight=True)}
            if weighed:
                order_prepared_quantities_set(order_id=order.pk, quantities=weighed, actor=staff)
        order_transition(order_id=order.pk, target=target, actor=staff)
    if status == OrderStatus.FULFILLED:
        order_payment_record(
            order_id=order.pk, payment_status=PaymentStatus.PAID, payment_method=PaymentMethod.CARD, actor=staff
        )


def seed(stdout=None) -> None:
    products = list(Product.objects.filter(is_active=True).order_by("pk"))
    staff = User.objects.filter(email="gestion@ecopole.example").first()
    if not products or staff is None:
        if stdout:
            stdout.write("orders: no products yet, no demo orders")
        return
    if IdempotencyRecord.objects.filter(key__startswith="demo-order-", user__email__in=DEMO_CUSTOMERS).exists():
        return
    created = skipped = 0
    for number, (email, where, count, status) in enumerate(DEMO_ORDERS, start=1):
        customer = User.objects.filter(email=email).first()
        key = f"demo-order-{number:02d}"
        if customer is None or IdempotencyRecord.objects.filter(user=customer, key=key).exists():
            continue
        if isinstance(where, str):
            point = PickupPoint.objects.filter(slug=where).first()
            place = {"fulfilment": Fulfilment.PICKUP, "pickup_point_id": point and point.pk}
            rules = list(point.delivery_days.filter(is_active=True)) if point else []
        else:
            place = {"fulfilment": Fulfilment.HOME, "address": where}
            zone = zone_for_commune(commune=where.commune)
            rules = list(zone.delivery_days.filter(is_active=True)) if zone else []
        dates = delivery_dates_open(rules=rules)
        if not dates:
            continue
        picked = [products[(number * 3 + i) % len(products)] for i in range(min(count, len(products)))]
        factor = 3 if place["fulfilment"] == Fulfilment.HOME else 1  # home delivery has a minimum order
        lines = [LineRequest(p.pk, _quantity(p, factor * (1 + (number + i) % 3))) for i, p in enumerate(picked)]
        try:
            placement = order_place(
                customer=customer,
                lines=lines,
                delivery_date=dates[number % len(dates) if number % 4 == 0 else 0].date,
                note=f"Commande de démonstration {number}",
                idempotency_key=key,
                **place,
            )
            _advance(placement.order, status, staff)
            created += 1
        except ApplicationError as exc:
            skipped += 1
            if stdout:
                stdout.write(f"orders: demo order {number} skipped ({exc.code})")
    if stdout:
        stdout.write(f"orders: {created} demo orders created, {skipped} skipped")


# The locker of the vending demo's click-and-collect row (`vending.demo.CLICK_AND_COLLECT_ROW`) that the demo order
# waits in.
DEMO_LOCKER = "D1"
DEMO_MACHINE_POINT = "distributeur-ilot-jacquard"  # the pickup point of the vending demo's machine


def click_and_collect_seed(stdout=None) -> None:
    """One grocery order of the demo customer waiting in locker D1 of the demo machine, its code emailed (printed by
    the console email backend of `make run`). Runs after the vending demo (`seed_demo` orders the steps). Placed
    once: a demo order already at the machine, no machine, or no open delivery date, is a no-op."""
    from .services.locker import order_locker_load

    customer = User.objects.filter(email="client@ecopole.example").first()
    staff = User.objects.filter(email="gestion@ecopole.example").first()
    point = PickupPoint.objects.filter(slug=DEMO_MACHINE_POINT, kind=PickupPointKind.VENDING_MACHINE).first()
    if customer is None or staff is None or point is None or machine_for_pickup_point(pickup_point_id=point.pk) is None:
        return
    if Order.objects.filter(customer=customer, pickup_point=point).exists():
        return
    dates = delivery_dates_open(rules=list(point.delivery_days.filter(is_active=True)))
    products = list(Product.objects.filter(is_active=True, sold_by_weight=False).order_by("pk")[:2])
    if not dates or not products:
        return
    try:
        order = order_place(
            customer=customer,
            lines=[LineRequest(product.pk, product.minimum_quantity) for product in products],
            fulfilment="pickup",
            pickup_point_id=point.pk,
            delivery_date=dates[0].date,
            note="Commande de démonstration à retirer au distributeur",
            idempotency_key="demo-order-locker",
        ).order
        order_transition(order_id=order.pk, target="preparing", actor=staff)
        reservation = order_locker_load(order_id=order.pk, compartment_code=DEMO_LOCKER, actor=staff)
    except ApplicationError as exc:  # e.g. the demo stock ran out: the rest of the demo stands
        if stdout is not None:
            stdout.write(f"orders: no click-and-collect demo order ({exc.code})")
        return
    if stdout is not None:
        stdout.write(
            f"orders: demo order {order.pk} waits in locker {reservation.compartment.code}; "
            "its code is in the email to client@ecopole.example"
        )
