"""Invoices and SEPA mandates at the erasure of a customer's personal data (issue 20): the buyer's pseudonymisation
is the one change an issued invoice admits, the database refuses anything else (raw SQL); the invoices still add up
and print under the pseudonym; a revoked mandate's IBAN is masked 13 months after its last debit, once."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pypdf
import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from ecopole.core.models import RetentionRun
from ecopole.core.personal_data import pseudonym
from ecopole.core.tasks import personal_data_retention
from invoicing.models import DirectDebit, ImmutableDocument, Invoice, InvoiceLine, SepaMandate, Series
from invoicing.services.documents import invoice_cii_xml, invoice_pdf
from invoicing.services.exports import fec_export, invoices_csv
from invoicing.services.invoices import credit_note_issue, invoices_buyer_pseudonymise
from invoicing.services.sepa import mandate_sign, sepa_bank_details_expire
from tests.factories.accounts import UserFactory
from tests.factories.invoicing import issue_invoice

NAME = "Rosalie Vandenbussche"
IBAN = "FR1420041010050500013M02606"
PERSONAL = ("name", "email", "address", "postcode", "city")


def _pdf_text(invoice: Invoice) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(invoice_pdf(invoice))).pages)


def _as_issued(invoice: Invoice) -> dict:
    """Every column but the buyer's personal fields and the pseudonymisation's date, and the lines."""
    row = Invoice.objects.filter(pk=invoice.pk).values().get()
    row["buyer"] = {k: v for k, v in row.pop("buyer").items() if k not in PERSONAL}
    row.pop("buyer_pseudonymised_at")
    return {**row, "lines": list(InvoiceLine.objects.filter(invoice=invoice).order_by("pk").values())}


@pytest.fixture
def person(db):
    return UserFactory(full_name=NAME, email="rosalie@example.org")


def test_the_customers_invoices_and_credit_notes_get_the_pseudonym_and_nothing_else_changes(person, producer):
    invoice = issue_invoice(customer=person, source="order:1")
    credit = credit_note_issue(invoice_id=invoice.pk, reason="Commande annulée")
    other = issue_invoice(customer=UserFactory(full_name="Autre Client"), source="order:2")
    producers = issue_invoice(producer=producer, source="statement:1", series=Series.PRODUCER)
    before = {i.pk: _as_issued(i) for i in (invoice, credit, other, producers)}
    untouched = {i.pk: Invoice.objects.get(pk=i.pk).buyer for i in (other, producers)}
    name = pseudonym(person)

    changed = invoices_buyer_pseudonymise(customer_id=person.pk, pseudonym=name)

    assert changed == 2
    for document in (invoice, credit):
        document.refresh_from_db()
        assert document.buyer == {
            "name": name,
            "email": "",
            "address": "",
            "postcode": "",
            "city": "",
            "siret": "",
            "vat_number": "",
        }
        assert document.buyer_pseudonymised_at is not None
    assert {i.pk: _as_issued(i) for i in (invoice, credit, other, producers)} == before  # amounts, numbers, lines
    assert {i.pk: Invoice.objects.get(pk=i.pk).buyer for i in (other, producers)} == untouched
    # they still add up and are readable: the PDF (rendered on demand from the rows), the CII XML, the exports
    for document in (invoice, credit):
        assert sum(line.amount_incl_vat for line in document.lines.all()) == document.total_incl_vat
        text = _pdf_text(document)
        assert name in text and document.reference in text and "9,60" in text
        assert NAME not in text and "Maraîchers" not in text
        assert name.encode() in invoice_cii_xml(document) and NAME.encode() not in invoice_cii_xml(document)
    day = invoice.issue_date
    assert f"Facture {invoice.reference} {name}" in fec_export(day, day)
    assert f"\tC{person.pk}\t" in fec_export(day, day)  # the customer's auxiliary account is the same
    assert NAME not in invoices_csv(day, day) and name in invoices_csv(day, day)
    # once: a second erasure changes nothing
    assert invoices_buyer_pseudonymise(customer_id=person.pk, pseudonym=name) == 0


def test_only_a_pseudonym_may_replace_the_buyers_name(person):
    issue_invoice(customer=person, source="order:3")

    with pytest.raises(ValueError):
        invoices_buyer_pseudonymise(customer_id=person.pk, pseudonym="Jeanne Autre")

    assert Invoice.objects.get(customer=person).buyer["name"] == NAME


def test_the_model_layer_still_refuses_a_change_of_the_buyer(person):
    invoice = issue_invoice(customer=person, source="order:4")

    invoice.buyer = {**invoice.buyer, "name": pseudonym(person)}
    with pytest.raises(ImmutableDocument):
        invoice.save(update_fields=["buyer"])
    with pytest.raises(ImmutableDocument):
        Invoice.objects.filter(pk=invoice.pk).update(buyer={}, buyer_pseudonymised_at=timezone.now())


def _sql(statement: str, params) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


PSEUDONYMISED = "UPDATE invoicing_invoice SET buyer = buyer || %s::jsonb, buyer_pseudonymised_at = now()"


def _patch(name: str, **others) -> str:
    return json.dumps({"name": name, "email": "", "address": "", "postcode": "", "city": "", **others})


def test_the_database_refuses_any_other_change_than_exactly_the_pseudonymisation(person, producer):
    invoice = issue_invoice(customer=person, source="order:5")
    name = pseudonym(person)
    refused = [
        # the buyer set to another real name, or the pseudonymisation leaving the email or address
        (PSEUDONYMISED + " WHERE id = %s", [_patch("Jeanne Autre"), invoice.pk]),
        (PSEUDONYMISED + " WHERE id = %s", [_patch(f"{name} Jeanne"), invoice.pk]),
        (PSEUDONYMISED + " WHERE id = %s", [_patch(name, email="rosalie@example.org"), invoice.pk]),
        (PSEUDONYMISED + " WHERE id = %s", [_patch(name, address="1 rue des Maraîchers"), invoice.pk]),
        (PSEUDONYMISED + " WHERE id = %s", [_patch(name, siret="12345678900011"), invoice.pk]),
        # the buyer changed without recording the pseudonymisation
        ("UPDATE invoicing_invoice SET buyer = buyer || %s::jsonb WHERE id = %s", [_patch(name), invoice.pk]),
        # the pseudonymisation along with another column: amount, number, note, date
        (PSEUDONYMISED + ", total_incl_vat = 1 WHERE id = %s", [_patch(name), invoice.pk]),
        (PSEUDONYMISED + ", number = number + 100 WHERE id = %s", [_patch(name), invoice.pk]),
        (PSEUDONYMISED + ", note = 'autre' WHERE id = %s", [_patch(name), invoice.pk]),
        (PSEUDONYMISED + ", emailed_at = now() WHERE id = %s", [_patch(name), invoice.pk]),
        # the lines never change
        ("UPDATE invoicing_invoiceline SET description = 'autre' WHERE invoice_id = %s", [invoice.pk]),
    ]
    for statement, params in refused:
        with pytest.raises(DatabaseError, match="cannot be changed"):
            _sql(statement, params)
    invoice.refresh_from_db()
    assert invoice.buyer["name"] == NAME and invoice.buyer_pseudonymised_at is None

    # a producer's invoice (an organisation) is never pseudonymised
    producers = issue_invoice(producer=producer, source="statement:2", series=Series.PRODUCER)
    with pytest.raises(DatabaseError, match="cannot be changed"):
        _sql(PSEUDONYMISED + " WHERE id = %s", [_patch(name), producers.pk])

    # exactly the pseudonymisation passes, once: no second pseudonym after it, and the rest stays refused
    _sql(PSEUDONYMISED + " WHERE id = %s", [_patch(name), invoice.pk])
    invoice.refresh_from_db()
    assert invoice.buyer["name"] == name and invoice.buyer_pseudonymised_at is not None
    other = pseudonym(UserFactory())
    for statement, params in (
        (PSEUDONYMISED + " WHERE id = %s", [_patch(other), invoice.pk]),
        ("UPDATE invoicing_invoice SET buyer_pseudonymised_at = NULL WHERE id = %s", [invoice.pk]),
        ("UPDATE invoicing_invoice SET total_incl_vat = 1 WHERE id = %s", [invoice.pk]),
        ("DELETE FROM invoicing_invoice WHERE id = %s", [invoice.pk]),
    ):
        with pytest.raises(DatabaseError, match="cannot be changed"):
            _sql(statement, params)
    assert Invoice.objects.filter(pk=invoice.pk).update(emailed_at=timezone.now()) == 1  # the bookkeeping, as before


# --- SEPA mandates ---------------------------------------------------------------------------------------------------


def _mandate(customer, *, revoked: date | None, last_debit: date | None, source: str) -> SepaMandate:
    mandate = mandate_sign(customer=customer, account_holder=customer.full_name, iban=IBAN)
    if last_debit is not None:
        invoice = issue_invoice(customer=customer, source=source)
        DirectDebit.objects.create(
            invoice=invoice, mandate=mandate, amount=invoice.total_incl_vat, collection_date=last_debit
        )
    if revoked is not None:
        at = timezone.make_aware(timezone.datetime.combine(revoked, timezone.datetime.min.time()))
        SepaMandate.objects.filter(pk=mandate.pk).update(revoked_at=at)
    return mandate


def test_a_revoked_mandates_iban_is_masked_13_months_after_its_last_debit_once(db):
    today = timezone.localdate()
    long_ago, recently = today - timedelta(days=430), today - timedelta(days=360)
    due = _mandate(UserFactory(), revoked=recently, last_debit=long_ago, source="cabas:1:2025-09")
    never_debited = _mandate(UserFactory(), revoked=long_ago, last_debit=None, source="")
    debited_recently = _mandate(UserFactory(), revoked=long_ago, last_debit=recently, source="cabas:3:2025-12")
    active = _mandate(UserFactory(), revoked=None, last_debit=long_ago, source="cabas:4:2025-09")

    personal_data_retention.apply()
    second = sepa_bank_details_expire(now=timezone.now(), batch_size=500)

    assert RetentionRun.objects.get().changed["invoicing.sepa_bank_details"] == 2
    assert second == 0
    for mandate in (due, never_debited):
        mandate.refresh_from_db()
        assert (mandate.iban, mandate.bic) == ("*" * 23 + "2606", "")
        assert mandate.bank_details_erased_at is not None
        assert IBAN not in mandate.text and "FR14 2004 1010" not in mandate.text
        assert "IBAN **** **** **** **** **** ***2 606" in mandate.text
        assert mandate.reference in mandate.text  # the mandate itself stays readable
    for mandate in (debited_recently, active):
        mandate.refresh_from_db()
        assert (mandate.iban, mandate.bic, mandate.bank_details_erased_at) == (IBAN, "PSSTFRPP", None)
