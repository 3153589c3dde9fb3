"""Invoices: continuous numbers under concurrency (real threads on PostgreSQL, a barrier), credit notes referring to
their invoice, immutability proven against the model, the queryset, raw SQL (the trigger) and the admin."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from invoicing.models import ImmutableDocument, Invoice, InvoiceCounter, InvoiceKind, InvoiceLine, Series
from invoicing.services.invoices import credit_note_issue
from tests.factories.accounts import UserFactory
from tests.factories.invoicing import issue_invoice


@pytest.mark.django_db(transaction=True)
def test_twenty_invoices_issued_in_parallel_are_numbered_1_to_20_in_order_of_issue():
    customers = [UserFactory() for _ in range(20)]
    barrier = threading.Barrier(20)
    errors: list[BaseException] = []

    def issue(i):
        try:
            barrier.wait()
            issue_invoice(customer=customers[i], source=f"test:parallel:{i}")
        except BaseException as exc:  # collected: a thread's exception would not fail the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    invoices = list(Invoice.objects.filter(series=Series.CUSTOMER).order_by("issued_at", "id"))
    assert len(invoices) == 20
    # numbers 1…20, no gap, no duplicate, and in the order the invoices were issued (committed)
    assert [invoice.number for invoice in invoices] == list(range(1, 21))
    assert sorted(invoice.pk for invoice in invoices) == [invoice.pk for invoice in invoices]
    assert InvoiceCounter.objects.get(series=Series.CUSTOMER, year=invoices[0].year).last_number == 20


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_consumes_no_number():
    customer = UserFactory()
    first = issue_invoice(customer=customer, source="test:first")
    with pytest.raises(RuntimeError), transaction.atomic():
        issue_invoice(customer=customer, source="test:rolled-back")
        raise RuntimeError("the order's fulfilment failed after the invoice")
    second = issue_invoice(customer=customer, source="test:second")
    assert (first.number, second.number) == (1, 2)
    assert not Invoice.objects.filter(source="test:rolled-back").exists()


def test_issuing_twice_for_the_same_source_returns_the_same_invoice(customer):
    first = issue_invoice(customer=customer, source="order:1")
    again = issue_invoice(customer=customer, source="order:1")
    assert again.pk == first.pk
    assert Invoice.objects.count() == 1


def test_vat_per_rate_and_legal_mentions(customer, settings):
    invoice = issue_invoice(customer=customer, source="order:2")
    assert invoice.reference == f"F{invoice.year}-00001"
    assert invoice.vat_breakdown == [
        {"rate": "5.50", "base": "5.31", "vat": "0.29", "total": "5.60"},
        {"rate": "20.00", "base": "3.33", "vat": "0.67", "total": "4.00"},
    ]
    assert (invoice.total_incl_vat, invoice.vat_total, invoice.total_excl_vat) == (
        Decimal("9.60"),
        Decimal("0.96"),
        Decimal("8.64"),
    )
    assert invoice.seller["siret"] == settings.INVOICING_SELLER_SIRET
    assert invoice.seller["vat_number"] == settings.INVOICING_SELLER_VAT_NUMBER
    assert invoice.seller["vat_exemption"] == ""


def test_an_exempt_seller_invoices_without_vat_and_prints_the_exemption_sentence(customer, settings):
    settings.INVOICING_SELLER_VAT_NUMBER = ""
    invoice = issue_invoice(customer=customer, source="order:3")
    assert invoice.vat_total == Decimal("0.00")
    assert invoice.total_excl_vat == invoice.total_incl_vat == Decimal("9.60")
    assert invoice.seller["vat_exemption"] == "TVA non applicable, art. 293 B du CGI"
    assert [row["rate"] for row in invoice.vat_breakdown] == ["0.00"]


def test_a_credit_note_refers_to_its_invoice_and_is_numbered_in_its_own_series(customer):
    invoice = issue_invoice(customer=customer, source="order:4")
    credit = credit_note_issue(invoice_id=invoice.pk, reason="Commande annulée après livraison")

    assert credit.kind == InvoiceKind.CREDIT_NOTE
    assert credit.credited_invoice_id == invoice.pk
    assert credit.reference == f"A{credit.year}-00001"
    assert credit.total_incl_vat == invoice.total_incl_vat
    assert credit.vat_breakdown == invoice.vat_breakdown
    assert credit.customer_id == customer.pk


def test_an_invoice_is_credited_once_and_a_credit_note_not_at_all(customer):
    from invoicing.errors import AlreadyCredited, NotAnInvoice

    invoice = issue_invoice(customer=customer, source="order:5")
    credit = credit_note_issue(invoice_id=invoice.pk)
    with pytest.raises(AlreadyCredited):
        credit_note_issue(invoice_id=invoice.pk)
    with pytest.raises(NotAnInvoice):
        credit_note_issue(invoice_id=credit.pk)
    assert Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE).count() == 1


def test_an_issued_invoice_cannot_be_changed_by_the_model_nor_the_queryset(customer):
    invoice = issue_invoice(customer=customer, source="order:6")

    invoice.total_incl_vat = Decimal("1.00")
    with pytest.raises(ImmutableDocument):
        invoice.save()
    with pytest.raises(ImmutableDocument):
        invoice.delete()
    with pytest.raises(ImmutableDocument):
        Invoice.objects.filter(pk=invoice.pk).update(total_incl_vat=Decimal("1.00"))
    with pytest.raises(ImmutableDocument):
        Invoice.objects.filter(pk=invoice.pk).delete()
    line = invoice.lines.first()
    line.description = "autre chose"
    with pytest.raises(ImmutableDocument):
        line.save()
    with pytest.raises(ImmutableDocument):
        InvoiceLine.objects.filter(invoice=invoice).update(vat_rate=Decimal("0"))

    invoice.refresh_from_db()
    assert invoice.total_incl_vat == Decimal("9.60")


def test_the_database_refuses_a_change_that_bypasses_the_model(customer):
    invoice = issue_invoice(customer=customer, source="order:7")
    for sql in (
        "UPDATE invoicing_invoice SET total_incl_vat = 1 WHERE id = %s",
        "DELETE FROM invoicing_invoiceline WHERE invoice_id = %s",
        "UPDATE invoicing_invoiceline SET amount_incl_vat = 0 WHERE invoice_id = %s",
        "DELETE FROM invoicing_invoice WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="cannot be changed"), transaction.atomic(), connection.cursor() as c:
            c.execute(sql, [invoice.pk])
    # the email bookkeeping is the one column written after issue
    assert Invoice.objects.filter(pk=invoice.pk).update(emailed_at="2026-10-01T10:00:00+02:00") == 1
    invoice.refresh_from_db()
    assert invoice.total_incl_vat == Decimal("9.60")
    assert invoice.lines.count() == 2


def test_the_admin_shows_an_invoice_but_cannot_change_or_delete_it(customer, client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    invoice = issue_invoice(customer=customer, source="order:8")
    client.force_login(admin)
    from django.conf import settings

    base = f"/{settings.ADMIN_URL}invoicing/invoice/{invoice.pk}"
    assert client.get(f"{base}/change/").status_code == 200  # read-only view
    response = client.post(f"{base}/change/", {"note": "modifiée", "total_incl_vat": "1.00"})
    assert response.status_code == 403
    assert client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    invoice.refresh_from_db()
    assert (invoice.note, invoice.total_incl_vat) == ("", Decimal("9.60"))
