"""A database with rows in every table of the project: `seed_demo`, then what the demo leaves empty, written through
the project's services (as a manager, a producer or a machine would), at the real clock.

The API fuzz tests run on it, so that every list, detail and filter meets real rows; `test_full_world.py` checks
that no project table is left empty, so a new model must be filled here (or excluded below with its reason).
"""

from __future__ import annotations

import io
from datetime import time, timedelta
from decimal import Decimal

from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.db.models import Model
from django.utils import timezone

from accounts.models import User
from accounts.services import token_create
from baskets.models import (
    BasketComposition,
    BasketFrequency,
    BasketOffer,
    BasketSubscription,
    CompositionStatus,
    SubscriptionStatus,
)
from baskets.services.generation import basket_run_generate
from baskets.services.subscriptions import subscription_pause
from catalogue.models import Category, Product
from catalogue.services.imports import product_import_csv
from catalogue.services.stock import stock_receive
from deliveries.models import DeliveryZone
from deliveries.services.planning_jobs import planning_job_request
from deliveries.services.windows import delivery_window_create
from ecopole.core.calendar import is_closed
from ecopole.core.emails import email_send
from ecopole.core.models import Closure
from ecopole.core.retention import retention_run
from orders.models import Order
from orders.services.counter import counter_sale_record
from orders.services.grocery import LineRequest
from payments.models import VoucherPartner
from payments.services.offline import jar_return_record, voucher_record
from payments.services.webhooks import stripe_event_apply
from processing.models import BillingLine, Lot
from processing.services.billing import statement_build
from processing.services.feeds import calendar_feed_rotate
from processing.services.recall import lot_recall_request
from vending.models import Compartment, Machine, RefillRequestStatus
from vending.services import inventory_record, refill_request_transition, refill_requests_generate, removal_record
from vending.services.stock import CountLine

# The apps of the project (Django's own and third-party apps are left out).
PROJECT_APPS = (
    "core",
    "accounts",
    "catalogue",
    "deliveries",
    "orders",
    "baskets",
    "processing",
    "vending",
    "payments",
    "invoicing",
)

# Project tables allowed to stay empty in the full world, each with the reason. Keep it short.
MAY_BE_EMPTY: dict[str, str] = {}

MANAGER = "gestion@ecopole.example"
PRODUCER_MEMBER = "ferme@terre-opale.example"
CUSTOMER = "client@ecopole.example"


def project_models() -> list[type[Model]]:
    """Every concrete table of the project's apps, many-to-many tables included (`accounts.User_groups`, ...)."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in PROJECT_APPS and not model._meta.proxy and model._meta.managed
    ]


def empty_tables() -> list[str]:
    """Labels of the project tables with no row, but those `MAY_BE_EMPTY` lets be."""
    return sorted(
        model._meta.label
        for model in project_models()
        if model._meta.label not in MAY_BE_EMPTY and not model.objects.exists()
    )


def seed_full_world() -> None:
    """`seed_demo`, then `fill_demo_gaps`."""
    call_command("seed_demo", stdout=io.StringIO())
    fill_demo_gaps()


def fill_demo_gaps() -> None:
    """Write, through the services, the rows that `seed_demo` leaves out: API tokens, a per-user permission, a
    closure, a product import, a basket run with its deliveries and a pause, a planning job, a workshop statement
    and calendar feed, a vending removal, inventory count and refill request (planned, so it has two events)."""
    manager = User.objects.get(email=MANAGER)
    member = User.objects.get(email=PRODUCER_MEMBER)
    now = timezone.now()
    today = timezone.localdate(now)

    # accounts: the demo roles' tokens; a right given to one person (the admin's "user permissions" box)
    for email in (CUSTOMER, PRODUCER_MEMBER, MANAGER):
        token_create(user=User.objects.get(email=email))
    manager.user_permissions.add(Permission.objects.get(codename="view_closure"))

    # core: a closure of the association, staff-edited in the admin (no service: the admin form is its writer)
    start = today + timedelta(days=70)
    Closure.objects.get_or_create(start_date=start, end_date=start + timedelta(days=2), label="Inventaire annuel")

    # catalogue: a producer's price list imported (one new product, its stock received)
    producer = member.producer
    category = Category.objects.order_by("pk").first()
    csv = f"nom;unité;prix;tva;catégorie;stock\nCourges de démonstration;kg;2,50;5.5;{category.name};10\n"
    product_import_csv(producer=producer, content=csv.encode(), filename="tarifs.csv", user=manager)

    # orders: a sale at the épicerie's counter (the staff pages' counter, issue 18)
    squash = Product.objects.get(producer=producer, name="Courges de démonstration")
    counter_sale_record(seller=manager, lines=[LineRequest(squash.pk, Decimal("1"))], payment_method="cash")

    _baskets(manager=manager, today=today)

    # deliveries: the planning of the next weekday asked for (its task runs after the commit; queued until then)
    day = today + timedelta(days=1)
    while day.weekday() >= 5 or is_closed(day):
        day += timedelta(days=1)
    planning_job_request(date=day, user=manager)
    # deliveries: a two-hour window of the first home-delivery zone on that day, for customers to choose
    zone = DeliveryZone.objects.order_by("pk").first()
    delivery_window_create(zone_id=zone.pk, day=day, start=time(10, 0), capacity=8, actor=manager)

    # processing: the month's statement of every producer billed, and a producer's private calendar feed
    billed = BillingLine.objects.filter(statement__isnull=True).values_list("producer_id", "billed_on").distinct()
    for producer_id, billed_on in billed:
        statement_build(producer_id=producer_id, month=billed_on)
    calendar_feed_rotate(producer_id=producer.pk, user=member)
    # a recall requested (left for the manager to confirm: the demo's jars stay on sale)
    lot_recall_request(lot_id=Lot.objects.order_by("pk").first().pk, user=manager, reason="Bocal mal serti")

    _vending(manager=manager, now=now)
    _payments(manager=manager)
    _invoicing(today=today)
    # personal data: an email really sent (its log line), and a run of the retention schedule
    email_send(EmailMessage(subject="Bienvenue", body="Bonjour", to=[CUSTOMER]))
    retention_run(now=now)


def _invoicing(*, today) -> None:
    """The customer's cabas invoice of this month, a SEPA mandate and its direct debit, a credit note."""
    from baskets.models import BasketDelivery
    from baskets.services.invoices import basket_invoice_issue
    from invoicing.services.invoices import credit_note_issue
    from invoicing.services.sepa import direct_debits_prepare, mandate_sign

    delivery = BasketDelivery.objects.order_by("date", "pk").first()
    invoice = basket_invoice_issue(customer_id=delivery.customer_id, month=delivery.date)
    mandate_sign(customer=delivery.customer, account_holder="Client démo", iban="FR1420041010050500013M02606")
    direct_debits_prepare(month=delivery.date)
    credit_note_issue(invoice_id=invoice.pk, reason="Démonstration")


def _baskets(*, manager: User, today) -> None:
    """A basket run of the first coming distribution with a published composition (forced before its cutoff, as a
    manager may), its stock received first; a weekly subscriber's pause a few weeks ahead."""
    for offer in BasketOffer.objects.filter(is_active=True).order_by("pk"):
        day = today + timedelta(days=(offer.distribution_weekday - today.weekday()) % 7)
        # The demo's subscriptions start at the first distribution after the generation cutoff: past that cutoff
        # (Wednesday's, for the Friday offer) this week's run has no basket, so the next weeks are tried too.
        for on in (day + timedelta(weeks=weeks) for weeks in range(3)):
            composition = BasketComposition.objects.filter(
                offer=offer, week_start=on - timedelta(days=on.weekday()), status=CompositionStatus.PUBLISHED
            ).first()
            if composition is None or is_closed(on):
                continue
            subscribers = BasketSubscription.objects.filter(offer=offer).count()
            for line in composition.lines.all():
                stock_receive(product_id=line.product_id, quantity=line.quantity * subscribers, note="cabas")
            if basket_run_generate(offer_id=offer.pk, on=on, actor=manager, force=True).created:
                break
        else:
            continue
        break
    subscription = BasketSubscription.objects.filter(
        status=SubscriptionStatus.ACTIVE, frequency=BasketFrequency.WEEKLY, pauses__isnull=True
    ).order_by("pk")[0]
    subscription_pause(
        subscription_id=subscription.pk,
        start_date=today + timedelta(weeks=3),
        end_date=today + timedelta(weeks=9),
        actor=subscription.customer,
    )


def _vending(*, manager: User, now) -> None:
    """On the demo machine: one unit taken out of a filled shelf, the machine's count of it, and the day's refill
    request (the shelf is now below its threshold), planned by a manager."""
    machine = Machine.objects.order_by("pk").first()
    shelf = Compartment.objects.filter(machine=machine, product__isnull=False, quantity__gt=0).order_by("code").first()
    removal_record(compartment=shelf, quantity=Decimal("1"), user=manager, note="Abîmé")
    shelf.refresh_from_db()
    inventory_record(
        machine=machine,
        count_id=f"DEMO-COUNT-{now:%Y%m%d}",
        counted_at=now,
        lines=[CountLine(shelf.code, shelf.quantity)],
    )
    (request,) = refill_requests_generate(now=now)
    refill_request_transition(refill_request=request, target=RefillRequestStatus.PLANNED, user=manager)


def _payments(*, manager: User) -> None:
    """A food-aid voucher paying the customer's first order and one credited to their balance, jars returned to the
    driver, and a Stripe event (for no payment of ours: recorded, ignored)."""
    customer = User.objects.get(email=CUSTOMER)
    partner, _ = VoucherPartner.objects.get_or_create(name="CCAS de Calais")  # staff add partners in the admin
    order = Order.objects.filter(customer=customer).order_by("pk").first()
    voucher_record(
        partner_id=partner.pk, number="FW-1", value=Decimal("10.00"), customer_id=customer.pk, source="order",
        ref=order.pk, actor=manager,
    )  # fmt: skip
    voucher_record(partner_id=partner.pk, number="FW-2", value=Decimal("5.00"), customer_id=customer.pk, actor=manager)
    # A jar's deposit, set in the admin (a product sold by weight carries none: `product_deposit_per_jar`).
    jam = Product.objects.filter(is_active=True, sold_by_weight=False).order_by("pk").first()
    Product.objects.filter(pk=jam.pk).update(deposit=Decimal("0.50"))
    jar_return_record(customer_id=customer.pk, product_id=jam.pk, quantity=3, place="driver", actor=manager)
    stripe_event_apply(
        event={"id": "evt_full_world", "type": "payment_intent.succeeded", "data": {"object": {"id": "pi_none"}}}
    )
