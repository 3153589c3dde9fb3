"""Vending data that cannot be trusted (issue 14.4): doubtful sales are kept but flagged and held out of revenue until
staff accept them; every report figure follows its period; the demo prints a working machine key."""

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from ecopole.core.models import AuditEvent
from tests.factories.catalogue import ProductFactory
from tests.factories.vending import CompartmentFactory
from vending.demo import demo_machine_key_line
from vending.models import Anomaly, Machine, Sale
from vending.services import machine_authenticate_key, refill_record, sale_record

pytestmark = pytest.mark.django_db

PARIS = timezone.get_fixed_timezone(60)


@pytest.fixture
def leeks(machine, carrots):
    """A1 holds 5 bunches at 2.20 €."""
    a1 = CompartmentFactory(machine=machine, code="A1", capacity=Decimal("10"))
    refill_record(compartment=a1, product=carrots, quantity=Decimal("5"), price=Decimal("2.20"))
    return a1


def post_sale(machine_client, machine, tid, amount, sold_at, compartment="A1", quantity="1"):
    return machine_client.post(
        f"/api/v1/vending/machines/{machine.pk}/sales/",
        {
            "transaction_id": tid,
            "compartment": compartment,
            "quantity": quantity,
            "amount": amount,
            "sold_at": sold_at.isoformat(),
        },
    )


def report(client, machine, start, end):
    return client.get(f"/api/v1/vending/machines/{machine.pk}/report/?from={start}&to={end}").json()


def test_a_sale_of_999_euros_for_a_2_20_item_is_kept_but_out_of_revenue(machine, machine_client, leeks, manager_client):
    now = timezone.now()
    good = post_sale(machine_client, machine, "T-OK", "4.40", now - dt.timedelta(minutes=3), quantity="2")
    bad = post_sale(machine_client, machine, "T-999", "999.00", now - dt.timedelta(minutes=2))

    assert (good.status_code, bad.status_code) == (201, 201)
    assert good.json()["review"] == "ok" and good.json()["anomaly"] is False
    assert bad.json()["review"] == "flagged" and bad.json()["anomaly"] is True
    anomaly = Anomaly.objects.get(sale_id=bad.json()["id"])
    assert anomaly.kind == "amount_mismatch"
    expected = {"reason": "amount", "expected": "2.20", "amount": "999.00", "compartment": "A1"}
    assert {key: anomaly.details.get(key) for key in expected} == expected
    leeks.refresh_from_db()
    assert leeks.quantity == Decimal("2")  # the units left the machine all the same: nothing it sent is lost
    today = timezone.localdate()
    body = report(manager_client, machine, today, today)
    assert body["revenue"]["amount_incl_vat"] == "4.40"
    assert body["held_back"] == {"count": 1, "amount_incl_vat": "999.00"}
    assert body["sales_count"] == 1 and body["sold_quantity"] == "3.000"


def test_a_sale_dated_2030_is_flagged_a_small_clock_drift_is_not(machine, machine_client, leeks):
    now = timezone.now()
    future = post_sale(machine_client, machine, "T-2030", "2.20", dt.datetime(2030, 1, 1, 12, tzinfo=PARIS))
    drift = post_sale(machine_client, machine, "T-DRIFT", "2.20", now + dt.timedelta(minutes=2))

    assert future.json()["review"] == "flagged" and drift.json()["review"] == "ok"
    anomaly = Anomaly.objects.get(sale_id=future.json()["id"])
    assert anomaly.kind == "sold_in_future" and anomaly.details["reason"] == "future"


@override_settings(VENDING_SALE_MAX_DELAY_DAYS=3)
def test_a_sale_received_long_after_its_date_is_flagged(machine, machine_client, leeks):
    now = timezone.now()
    late = post_sale(machine_client, machine, "T-LATE", "2.20", now - dt.timedelta(days=3, minutes=1))
    recent = post_sale(machine_client, machine, "T-RECENT", "2.20", now - dt.timedelta(days=2, hours=23))

    assert late.json()["review"] == "flagged" and recent.json()["review"] == "ok"
    assert Anomaly.objects.get(sale_id=late.json()["id"]).kind == "sold_long_before_receipt"


def test_a_sale_on_an_unknown_compartment_is_held_back_and_named_in_the_report(
    machine, machine_client, leeks, manager_client
):
    response = post_sale(machine_client, machine, "T-Z9", "2.20", timezone.now(), compartment="Z9")

    assert response.json()["review"] == "flagged"
    today = timezone.localdate()
    body = report(manager_client, machine, today, today)
    assert body["anomalies"] == [{"kind": "unknown_compartment", "compartment": "Z9", "count": 1}]
    assert body["revenue"]["amount_incl_vat"] == "0.00"


def test_sold_and_refilled_quantities_follow_the_period(machine, manager_client, carrots):
    """The field trial: December with 5 sales showed 34 sold and 72 refilled, the same 72 as November."""
    a1 = CompartmentFactory(machine=machine, code="A1", capacity=Decimal("100"))
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=PARIS), tick=False):
        refill_record(compartment=a1, product=carrots, quantity=Decimal("40"), price=Decimal("2.20"))
    with time_machine.travel(dt.datetime(2026, 12, 2, 9, tzinfo=PARIS), tick=False):
        refill_record(compartment=a1, product=carrots, quantity=Decimal("10"), price=Decimal("2.20"))
    # November's sales are received on 1 December (the machine was offline), December's on the day
    with time_machine.travel(dt.datetime(2026, 12, 1, 8, tzinfo=PARIS), tick=False):
        for day in range(21, 30):
            sale_record(
                machine=machine,
                transaction_id=f"N-{day}",
                compartment_code="A1",
                quantity=Decimal("3"),
                amount=Decimal("6.60"),
                sold_at=dt.datetime(2026, 11, day, 12, tzinfo=PARIS),
            )
    with time_machine.travel(dt.datetime(2026, 12, 3, 20, tzinfo=PARIS), tick=False):
        for number in range(5):
            sale_record(
                machine=machine,
                transaction_id=f"D-{number}",
                compartment_code="A1",
                quantity=Decimal("1"),
                amount=Decimal("2.20"),
                sold_at=dt.datetime(2026, 12, 3, 10 + number, tzinfo=PARIS),
            )
        november = report(manager_client, machine, "2026-11-01", "2026-11-30")
        december = report(manager_client, machine, "2026-12-01", "2026-12-31")

    assert (november["sold_quantity"], november["refilled_quantity"]) == ("27.000", "40.000")
    assert (december["sold_quantity"], december["refilled_quantity"]) == ("5.000", "10.000")
    assert (november["sales_count"], december["sales_count"]) == (9, 5)
    assert december["revenue"]["amount_incl_vat"] == "11.00"


def accept_url(sale_id: int) -> str:
    return f"/api/v1/vending/sales/{sale_id}/accept/"


def test_a_manager_accepts_a_flagged_sale_once_audited_and_it_counts_in_revenue(
    machine, machine_client, leeks, manager_client, manager, preparer_client
):
    sale_id = post_sale(machine_client, machine, "T-999", "999.00", timezone.now()).json()["id"]
    listed = preparer_client.get("/api/v1/vending/sales/flagged/").json()["results"]
    assert [row["id"] for row in listed] == [sale_id]
    assert listed[0]["anomalies"][0]["kind"] == "amount_mismatch"
    assert preparer_client.post(accept_url(sale_id), {}).status_code == 403

    first = manager_client.post(accept_url(sale_id), {"note": "vérifié sur le ticket"}, format="json")
    again = manager_client.post(accept_url(sale_id), {}, format="json")

    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json()["review"] == "accepted" and first.json()["reviewed_at"]
    sale = Sale.objects.get(pk=sale_id)
    assert sale.review == "accepted" and sale.reviewed_by == manager
    assert not Anomaly.objects.filter(sale=sale, resolved_at__isnull=True).exists()
    events = AuditEvent.objects.filter(action="vending.sale_accept", object_id=str(sale_id))
    assert events.count() == 1 and events.get().actor == manager
    assert events.get().changes["note"] == "vérifié sur le ticket"
    today = timezone.localdate()
    assert report(manager_client, machine, today, today)["revenue"]["amount_incl_vat"] == "999.00"
    assert preparer_client.get("/api/v1/vending/sales/flagged/").json()["results"] == []


def test_accepting_a_trusted_sale_is_a_409_and_an_unknown_one_a_404(machine, machine_client, leeks, manager_client):
    sale_id = post_sale(machine_client, machine, "T-OK", "2.20", timezone.now()).json()["id"]

    response = manager_client.post(accept_url(sale_id), {}, format="json")

    assert response.status_code == 409 and response.json()["code"] == "sale_not_flagged"
    assert Sale.objects.get(pk=sale_id).review == "ok"
    assert manager_client.post(accept_url(999999), {}, format="json").status_code == 404


def test_staff_accept_flagged_sales_from_the_admin(client, machine, machine_client, leeks):
    flagged = post_sale(machine_client, machine, "T-999", "999.00", timezone.now()).json()["id"]
    trusted = post_sale(machine_client, machine, "T-OK", "2.20", timezone.now()).json()["id"]
    admin = User.objects.create_superuser(email="admin@example.org", password="un-mot-de-passe-solide-42")
    client.force_login(admin)

    response = client.post(
        reverse("admin:vending_sale_changelist"),  # under ADMIN_URL ("gestion/" by default), not /admin/
        {"action": "accept_flagged", "_selected_action": [flagged, trusted]},
        follow=True,
    )

    assert response.status_code == 200
    assert Sale.objects.get(pk=flagged).review == "accepted" and Sale.objects.get(pk=trusted).review == "ok"
    assert AuditEvent.objects.filter(action="vending.sale_accept", object_id=str(flagged), actor=admin).exists()


def test_the_demo_prints_a_working_machine_key_at_every_run(db):
    outputs = []
    for _ in range(2):
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        outputs.append(out.getvalue())
    keys = [
        line.rsplit(": ", 1)[1].strip()
        for output in outputs
        for line in output.splitlines()
        if line.startswith("vending: API key of the demo machine")
    ]

    assert len(keys) == 2 and keys[0] == keys[1]
    machine = Machine.objects.get(slug="distributeur-ilot-jacquard")
    assert machine_authenticate_key(key=keys[1]) == machine
    # `make run`'s banner (scripts/run.py) shows the same key, where the README says
    assert demo_machine_key_line() == [f"Vending machine {machine.pk} key (header X-Machine-Key): {keys[1]}"]
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "`Vending machine <id> key (header X-Machine-Key): <key>`" in readme
    assert "demo_machine_key_line()" in (Path(__file__).resolve().parents[2] / "scripts" / "run.py").read_text()
    assert not Sale.objects.filter(review="flagged").exists()  # the demo's own sales are all trusted


def test_a_product_named_like_a_formula_is_neutralised_in_the_report_csv(machine, preparer_client, carrots):
    """Issue 21.6 as the field trial met it: the vending report CSV wrote `=HYPERLINK(...)` as a live formula."""
    evil = ProductFactory(bunch=True, name='=HYPERLINK("http://evil.example/","x")', unit_price=Decimal("2.20"))
    from catalogue.services.stock import stock_receive

    stock_receive(product_id=evil.pk, quantity=Decimal("5"))
    b1 = CompartmentFactory(machine=machine, code="B1", capacity=Decimal("10"))
    refill_record(compartment=b1, product=evil, quantity=Decimal("2"), price=Decimal("2.20"))
    sale_record(
        machine=machine,
        transaction_id="T-EVIL",
        compartment_code="B1",
        quantity=Decimal("1"),
        amount=Decimal("2.20"),
        sold_at=timezone.now(),
    )
    today = timezone.localdate()

    response = preparer_client.get(
        f"/api/v1/vending/machines/{machine.pk}/report/?from={today}&to={today}", HTTP_ACCEPT="text/csv"
    )

    text = response.content.decode()
    assert "'=HYPERLINK" in text and ',"=HYPERLINK' not in text and ",=HYPERLINK" not in text
