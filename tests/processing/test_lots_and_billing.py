"""Completion: lots with numbers and DDM, jars into the stock ledger, billing lines, monthly statements."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from facturx import get_facturx_xml_from_pdf

from catalogue.models import MovementReason, StockMovement
from catalogue.services.stock import StockLine, stock_apply, stock_available, stock_check_ledger
from invoicing.models import Invoice
from processing.models import BillingLine, Lot, ProcessShelfLife, Statement
from processing.services.billing import statement_build, statements_build_monthly
from processing.services.bookings import booking_confirm
from processing.services.lots import lot_code_next
from processing.tasks import build_monthly_statements
from tests.factories.catalogue import ProductFactory
from tests.mail_backends import ProbingBackend

from .helpers import make_booking, paris

pytestmark = pytest.mark.django_db

URL = "/api/v1/processing/bookings/"


@pytest.fixture
def confirmed(frozen, workshop, producer, manager):
    booking = make_booking(
        producer,
        [workshop["washing"], workshop["cutting"], workshop["autoclave"]],
        paris(2026, 11, 19, 8),
        paris(2026, 11, 19, 12),
        jars=240,
        raw_quantity_kg=Decimal("130"),
        organic=True,
    )
    booking_confirm(booking_id=booking.pk, user=manager)
    return booking


@pytest.fixture
def soup(producer):
    return ProductFactory(jar=True, producer=producer, name="Soupe de potimarron 75 cl", slug="soupe-potimarron-75cl")


@pytest.fixture
def squash(producer):
    return ProductFactory(jar=True, producer=producer, name="Potimarron", slug="potimarron", unit="kg")


def complete(manager_client, booking, soup, squash):
    with time_machine.travel(paris(2026, 11, 19, 12, 15), tick=False):
        return manager_client.post(
            f"{URL}{booking.pk}/complete/",
            {
                "hours_used": "4",
                "outputs": [
                    {
                        "description": "Soupe de potimarron",
                        "quantity": "240",
                        "unit": "jar",
                        "container": "bocal 75 cl",
                        "product": soup.pk,
                        "inputs": [
                            {
                                "name": "Potimarron",
                                "quantity_kg": "110",
                                "raw_product": squash.pk,
                                "origin": "Parcelle des Marais",
                            },
                            {"name": "Oignons", "quantity_kg": "20", "origin": "Vieille-Église"},
                        ],
                    },
                    {"description": "Velouté (fonds de cuve)", "quantity": "12", "unit": "jar"},
                ],
            },
        )


def test_completion_creates_numbered_lots_with_best_before_and_stock(confirmed, soup, squash, manager_client):
    ProcessShelfLife.objects.create(process="soup", best_before_days=400)

    response = complete(manager_client, confirmed, soup, squash)

    assert response.status_code == 200, response.json()
    assert response.json()["lots"] == ["LC-20261119-001", "LC-20261119-002"]
    lot = Lot.objects.get(code="LC-20261119-001")
    assert lot.production_date == date(2026, 11, 19)
    assert lot.best_before == date(2026, 11, 19) + timedelta(days=400)
    assert lot.organic is True and lot.quantity == Decimal("240")
    assert stock_available(product_id=soup.pk) == Decimal("240")
    movement = StockMovement.objects.get(product=soup)
    assert movement.reason == MovementReason.PROCESSING_OUTPUT and movement.source == lot
    assert stock_check_ledger() == {}
    # the second lot defaults to the booking's raw product
    assert list(Lot.objects.get(code="LC-20261119-002").inputs.values_list("name", "quantity_kg")) == [
        ("Potimarrons", Decimal("130.000"))
    ]


def test_completion_bills_hours_and_consumables(confirmed, soup, squash, manager_client):
    complete(manager_client, confirmed, soup, squash)
    lines = {(line.kind, line.equipment.slug): line.amount for line in BillingLine.objects.select_related("equipment")}
    assert lines == {
        ("usage", "lavage"): Decimal("48.00"),  # 4 h × 12.00
        ("usage", "decoupe"): Decimal("40.00"),  # 4 h × 10.00
        ("consumables", "decoupe"): Decimal("13.00"),  # (110 + 20 + 130) kg × 0.05 — inputs of both lots
        ("usage", "autoclave"): Decimal("32.00"),  # 4 h × 8.00
        ("consumables", "autoclave"): Decimal("50.40"),  # 252 jars × 0.20
    }


def test_completing_twice_stocks_and_bills_once(confirmed, soup, squash, manager_client):
    complete(manager_client, confirmed, soup, squash)
    again = complete(manager_client, confirmed, soup, squash)
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    assert Lot.objects.count() == 2 and BillingLine.objects.count() == 5
    assert stock_available(product_id=soup.pk) == Decimal("240")


def test_an_output_product_of_another_producer_is_refused(confirmed, squash, manager_client, other_producer):
    foreign = ProductFactory(jar=True, producer=other_producer)
    response = manager_client.post(
        f"{URL}{confirmed.pk}/complete/", {"outputs": [{"description": "x", "quantity": "10", "product": foreign.pk}]}
    )
    assert response.status_code == 400 and response.json()["code"] == "product_not_of_producer"
    assert not Lot.objects.exists()
    confirmed.refresh_from_db()
    assert confirmed.status == "confirmed"


def test_a_lot_is_traced_from_the_jar_back_to_the_raw_product_and_the_producer(
    confirmed, soup, squash, manager_client, producer, producer_client, customer
):
    # given the lot completed and 3 of its jars sold through the grocery
    complete(manager_client, confirmed, soup, squash)
    with time_machine.travel(paris(2026, 11, 21, 10), tick=False):
        sale = stock_apply(lines=[StockLine(soup.pk, Decimal("-3"))], reason=MovementReason.SALE, source=customer)[0]

    # when the producer traces the code printed on the jar
    response = producer_client.get("/api/v1/processing/lots/LC-20261119-001/")

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["lot"]["producer"] == {"id": producer.pk, "name": producer.name, "slug": producer.slug}
    assert body["lot"]["production_date"] == "2026-11-19" and body["lot"]["quantity"] == "240.000"
    assert body["booking"]["id"] == confirmed.pk
    assert {e["slug"] for e in body["booking"]["equipment"]} == {"lavage", "decoupe", "autoclave"}
    assert [(i["name"], i["quantity_kg"], i["raw_product"], i["origin"]) for i in body["inputs"]] == [
        ("Potimarron", "110.000", squash.pk, "Parcelle des Marais"),
        ("Oignons", "20.000", None, "Vieille-Église"),
    ]
    assert [(m["reason"], m["quantity"]) for m in body["stock_entries"]] == [("processing_output", "240.000")]
    assert [(m["id"], m["reason"], m["quantity"], m["source_type"]) for m in body["product_movements_after"]] == [
        (sale.pk, "sale", "-3.000", "accounts.user")
    ]


def test_lot_numbers_follow_a_daily_sequence(db):
    day = date(2026, 11, 29)
    assert [lot_code_next(day=day) for _ in range(3)] == ["LC-20261129-001", "LC-20261129-002", "LC-20261129-003"]
    assert lot_code_next(day=day + timedelta(days=1)) == "LC-20261130-001"


def test_monthly_statement_built_once_emailed_with_pdf_and_csv(
    confirmed,
    soup,
    squash,
    manager_client,
    producer,
    producer_member,
    mailoutbox,
    django_capture_on_commit_callbacks,
    settings,
):
    complete(manager_client, confirmed, soup, squash)
    settings.EMAIL_BACKEND = "tests.mail_backends.ProbingBackend"  # notes whether it was marked emailed before sent
    ProbingBackend.seen = []
    ProbingBackend.probe = lambda: list(Statement.objects.values_list("emailed_at", flat=True))
    with time_machine.travel(paris(2026, 12, 1, 6), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            created = build_monthly_statements.delay().get()
        with django_capture_on_commit_callbacks(execute=True):
            again = build_monthly_statements.delay().get()

    assert (created, again) == (1, 0)
    statement = Statement.objects.get()
    assert statement.month == date(2026, 11, 1) and statement.total == Decimal("183.40")
    assert statement.emailed_at is not None
    assert ProbingBackend.seen == [[None]]  # marked only after the backend accepted it
    ProbingBackend.probe = None
    assert BillingLine.objects.filter(statement=statement).count() == 5
    (message,) = mailoutbox
    assert message.to == [producer_member.email]
    names = [name for name, _content, _type in message.attachments]
    # the statement, its CSV, and the invoice it became: a Factur-X e-invoice (series P), marked emailed with it
    invoice = Invoice.objects.get(source=f"statement:{statement.pk}")
    assert names == [
        f"releve-{producer.slug}-2026-11.pdf",
        f"releve-{producer.slug}-2026-11.csv",
        f"facture-{invoice.reference}.pdf",
    ]
    assert message.attachments[0][1].startswith(b"%PDF")
    assert get_facturx_xml_from_pdf(message.attachments[2][1], check_xsd=True)[0] == "factur-x.xml"
    assert invoice.total_incl_vat == statement.total and invoice.producer_id == producer.pk
    invoice.refresh_from_db()
    assert invoice.emailed_at is not None


def test_statement_build_is_idempotent(confirmed, soup, squash, manager_client, producer):
    complete(manager_client, confirmed, soup, squash)
    first, created = statement_build(producer_id=producer.pk, month=date(2026, 11, 1))
    second, created_again = statement_build(producer_id=producer.pk, month=date(2026, 11, 1))
    assert created and not created_again and first.pk == second.pk
    assert statements_build_monthly(month=date(2026, 11, 1)) == 0


def test_statement_endpoints_json_csv_pdf(
    confirmed, soup, squash, manager_client, producer, producer_client, other_producer_client
):
    complete(manager_client, confirmed, soup, squash)
    statement, _ = statement_build(producer_id=producer.pk, month=date(2026, 11, 1))
    base = "/api/v1/processing/statements/"
    listing = producer_client.get(base).json()
    assert [s["id"] for s in listing["results"]] == [statement.pk] and listing["results"][0]["month"] == "2026-11"
    detail = producer_client.get(f"{base}{statement.pk}/").json()
    assert detail["total"] == "183.40" and len(detail["lines"]) == 5
    csv_response = producer_client.get(f"{base}{statement.pk}/csv/")
    assert csv_response["Content-Type"].startswith("text/csv")
    assert csv_response.content.decode().splitlines()[-1].endswith(";183.40")
    pdf = producer_client.get(f"{base}{statement.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert manager_client.get(f"{base}{statement.pk}/").status_code == 200
    # another producer sees nothing of it
    assert other_producer_client.get(base).json()["results"] == []
    for suffix in ("", "csv/", "pdf/"):
        assert other_producer_client.get(f"{base}{statement.pk}/{suffix}").status_code == 404
