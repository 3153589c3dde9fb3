"""A fulfilled order gets its invoice (the same total and VAT per rate as the order, to the cent), emailed with its
PDF; the customer reads it in the API; the treasurer's exports journal invoices and recorded payments, balanced
(FEC: debits = credits) and reconciled (each payment lands on exactly one invoice or credit note)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from invoicing.models import Invoice, InvoiceKind
from invoicing.services.exports import FEC_COLUMNS, fec_export, journal_lines, reconciliation
from invoicing.services.invoices import credit_note_issue
from orders.services.grocery import order_payment_record, order_transition
from tests.clients import client_for
from tests.orders.helpers import place_pickup

pytestmark = pytest.mark.django_db
OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))


def _fulfil(order, manager):
    for target in ("preparing", "ready", "fulfilled"):
        order_transition(order_id=order.pk, target=target, actor=manager)
    return Invoice.objects.get(source=f"order:{order.pk}")


def test_a_fulfilled_order_gets_its_invoice_at_the_orders_total_and_vat(
    customer, manager, depot, leeks, soap, mailoutbox, django_capture_on_commit_callbacks
):
    order = place_pickup(customer, depot, [(leeks, 3), (soap, 1)])

    with django_capture_on_commit_callbacks(execute=True):
        invoice = _fulfil(order, manager)

    order.refresh_from_db()
    assert invoice.total_incl_vat == order.total == Decimal("12.30")
    assert invoice.vat_total == order.vat_total
    assert [(r["rate"], r["total"], r["vat"]) for r in invoice.vat_breakdown] == [
        (r["rate"], r["amount"], r["vat"]) for r in order.vat_breakdown
    ]
    assert [line.description for line in invoice.lines.all()] == ["Poireaux", "Savon"]
    assert invoice.customer_id == customer.pk
    # emailed (through the outbox) with the PDF
    sent = [m for m in mailoutbox if invoice.reference in m.subject]
    assert len(sent) == 1 and sent[0].to == [customer.email]
    (name, content, mimetype) = sent[0].attachments[0]
    assert (name, mimetype) == (f"facture-{invoice.reference}.pdf", "application/pdf")
    assert content.startswith(b"%PDF")
    # fulfilling again changes nothing
    order_transition(order_id=order.pk, target="fulfilled", actor=manager)
    assert Invoice.objects.count() == 1


def test_a_cancelled_order_gets_no_invoice(customer, manager, depot, leeks):
    order = place_pickup(customer, depot, [(leeks, 1)])
    order_transition(order_id=order.pk, target="cancelled", actor=manager)
    assert not Invoice.objects.exists()


def test_the_customer_reads_their_invoice_and_its_pdf_another_gets_404(customer, other_customer, manager, depot, leeks):
    invoice = _fulfil(place_pickup(customer, depot, [(leeks, 2)]), manager)

    listed = client_for(customer).get("/api/v1/invoicing/invoices/").json()
    assert [row["reference"] for row in listed["results"]] == [invoice.reference]
    detail = client_for(customer).get(f"/api/v1/invoicing/invoices/{invoice.pk}/").json()
    assert detail["seller"]["siret"] and detail["lines"][0]["description"] == "Poireaux"
    pdf = client_for(customer).get(f"/api/v1/invoicing/invoices/{invoice.pk}/pdf/")
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert client_for(other_customer).get(f"/api/v1/invoicing/invoices/{invoice.pk}/").status_code == 404
    assert client_for(other_customer).get("/api/v1/invoicing/invoices/").json()["results"] == []


def test_the_manager_credits_an_invoice_once_through_the_api(customer, manager, depot, leeks):
    invoice = _fulfil(place_pickup(customer, depot, [(leeks, 2)]), manager)
    client = client_for(manager)

    response = client.post(f"/api/v1/invoicing/invoices/{invoice.pk}/credit-note/", {"reason": "Produit abîmé"})
    again = client.post(f"/api/v1/invoicing/invoices/{invoice.pk}/credit-note/", {"reason": "Produit abîmé"})

    assert response.status_code == 201
    assert response.json()["credited_invoice"] == invoice.reference
    assert response.json()["kind"] == InvoiceKind.CREDIT_NOTE
    assert (again.status_code, again.json()["code"]) == (409, "invoice_already_credited")
    assert client_for(customer).post(f"/api/v1/invoicing/invoices/{invoice.pk}/credit-note/", {}).status_code == 403


def _world_of_october(customer, other_customer, manager, depot, leeks, soap):
    """Two orders paid and fulfilled (cash, card); the card one refunded and credited; one paid, not fulfilled."""
    cash = place_pickup(customer, depot, [(leeks, 3), (soap, 1)])
    card = place_pickup(other_customer, depot, [(leeks, 1)])
    pending = place_pickup(customer, depot, [(soap, 2)])
    order_payment_record(order_id=cash.pk, payment_status="paid", payment_method="cash", actor=manager)
    order_payment_record(order_id=card.pk, payment_status="paid", payment_method="card", actor=manager)
    order_payment_record(order_id=pending.pk, payment_status="paid", payment_method="cheque", actor=manager)
    _fulfil(cash, manager)
    card_invoice = _fulfil(card, manager)
    order_payment_record(order_id=card.pk, payment_status="refunded", actor=manager)
    credit_note_issue(invoice_id=card_invoice.pk, reason="Remboursé")
    return cash, card, pending


def test_the_fec_journal_balances_and_every_payment_lands_on_one_invoice(
    customer, other_customer, manager, depot, leeks, soap
):
    cash, _card, pending = _world_of_october(customer, other_customer, manager, depot, leeks, soap)

    lines = journal_lines(*OCTOBER)
    fec = list(csv.reader(io.StringIO(fec_export(*OCTOBER)), delimiter="\t"))

    assert sum(line.debit for line in lines) == sum(line.credit for line in lines) > 0
    for number in {(line.journal, line.number) for line in lines}:  # and every entry on its own
        entry = [line for line in lines if (line.journal, line.number) == number]
        assert sum(line.debit for line in entry) == sum(line.credit for line in entry)
    assert fec[0] == FEC_COLUMNS
    assert all(len(row) == 18 for row in fec)
    debit = sum(Decimal(row[11].replace(",", ".")) for row in fec[1:])
    credit = sum(Decimal(row[12].replace(",", ".")) for row in fec[1:])
    assert debit == credit
    assert {row[0] for row in fec[1:]} == {"VT", "TR"}
    # 3 invoices (2 orders + 1 credit note) in sales, 4 movements (3 payments, 1 refund) in treasury
    assert len({row[2] for row in fec[1:] if row[0] == "VT"}) == 3
    assert len({row[2] for row in fec[1:] if row[0] == "TR"}) == 4

    report = reconciliation(*OCTOBER)
    assert report["movements"] == 4
    assert report["mismatched"] == []
    # the cheque of the order not yet fulfilled settles no invoice yet
    assert len(report["unmatched"]) == 1
    assert Decimal(report["received"]) == cash.total + pending.total


def test_the_manager_downloads_the_exports(customer, other_customer, manager, depot, leeks, soap):
    _world_of_october(customer, other_customer, manager, depot, leeks, soap)
    client = client_for(manager)
    period = {"from": "2026-10-01", "to": "2026-10-31"}

    fec = client.get("/api/v1/invoicing/exports/fec/", period)
    invoices = client.get("/api/v1/invoicing/exports/invoices/", period)
    movements = client.get("/api/v1/invoicing/exports/movements/", period)
    report = client.get("/api/v1/invoicing/exports/reconciliation/", period)
    wrong = client.get("/api/v1/invoicing/exports/fec/", {"from": "2026-10-31", "to": "2026-10-01"})

    assert fec.status_code == invoices.status_code == movements.status_code == report.status_code == 200
    assert fec.content.decode().startswith("JournalCode\tJournalLib\tEcritureNum")
    assert len(invoices.content.decode().strip().splitlines()) == 1 + 3
    rows = list(csv.reader(io.StringIO(movements.content.decode()), delimiter=";"))
    assert [row[1] for row in rows[1:]] == ["payment", "payment", "payment", "refund"]
    assert sum(1 for row in rows[1:] if row[7]) == 3  # three settle an invoice, the cheque not yet
    assert report.json()["mismatched"] == []
    assert (wrong.status_code, wrong.json()["code"]) == (400, "period_invalid")
