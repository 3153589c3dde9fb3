"""SEPA direct debit of the cabas: a mandate with a checked IBAN and its text kept, the month's pain.008 file that
sepaxml builds and its XSD accepts, a returned debit recorded once, emailed, the cabas put on hold."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import sepaxml
import xmlschema

from invoicing.errors import DebitAlreadyReturned, InvalidIban
from invoicing.models import DirectDebitStatus, SepaMandate
from invoicing.ports import movements
from invoicing.services.exports import journal_lines, reconciliation
from invoicing.services.invoices import LineData
from invoicing.services.sepa import direct_debit_return, direct_debits_prepare, mandate_sign, pain008_build
from tests.clients import client_for
from tests.factories.invoicing import issue_invoice

OCTOBER = date(2026, 10, 1)
IBAN_A = "FR14 2004 1010 0505 0001 3M02 606"
XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.008.001.02.xsd"


def _cabas_invoice(customer, total="26.00"):
    line = LineData(description="Cabas moyen", quantity=Decimal(1), unit_price=Decimal(total), vat_rate=Decimal("5.5"))
    return issue_invoice(customer=customer, source=f"cabas:{customer.pk}:2026-10", lines=[line])


def test_a_mandate_keeps_its_reference_date_text_and_the_checked_iban(customer):
    mandate = mandate_sign(customer=customer, account_holder="Camille Martin", iban=IBAN_A)

    assert mandate.iban == "FR1420041010050500013M02606"
    assert mandate.bic == "PSSTFRPP"
    assert mandate.reference.startswith("ECO")
    assert "FR14 2004 1010 0505 0001 3M02 606" in mandate.text and "Camille Martin" in mandate.text
    # a new mandate replaces the active one
    second = mandate_sign(customer=customer, account_holder="Camille Martin", iban="FR7630006000011234567890189")
    mandate.refresh_from_db()
    assert mandate.revoked_at is not None and second.revoked_at is None
    assert SepaMandate.objects.filter(customer=customer, revoked_at__isnull=True).count() == 1


def test_a_wrong_iban_is_refused_in_french_through_the_api(customer):
    with pytest.raises(InvalidIban):
        mandate_sign(customer=customer, account_holder="X", iban="FR14 2004 1010 0505 0001 3M02 607")

    response = client_for(customer).post(
        "/api/v1/invoicing/sepa/mandate/",
        {"account_holder": "Camille", "iban": "FR00 1234", "accept": True},
        format="json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert (response.status_code, response.json()["code"]) == (400, "invalid_iban")
    assert response.json()["detail"].startswith("Cet IBAN n'est pas valide")
    refused = client_for(customer).post(
        "/api/v1/invoicing/sepa/mandate/", {"account_holder": "C", "iban": IBAN_A, "accept": False}, format="json"
    )
    assert (refused.status_code, refused.json()["code"]) == (400, "mandate_not_accepted")
    assert not SepaMandate.objects.exists()


def test_the_months_pain008_file_is_built_by_sepaxml_and_accepted_by_its_schema(customer, other_customer, manager):
    mandate_sign(customer=customer, account_holder="Camille Martin", iban=IBAN_A)
    mandate_sign(customer=other_customer, account_holder="Dominique Petit", iban="FR7630006000011234567890189")
    first, second = _cabas_invoice(customer), _cabas_invoice(other_customer, "13.50")
    _cabas_invoice_without_mandate = issue_invoice(source="cabas:999:2026-10", customer=None)

    xml = pain008_build(month=OCTOBER)

    schema = xmlschema.XMLSchema(str(XSD))
    assert schema.is_valid(xml)
    text = xml.decode()
    assert first.reference.replace("-", "") in text and second.reference.replace("-", "") in text
    assert "<CtrlSum>39.50</CtrlSum>" in text
    assert "<SeqTp>FRST</SeqTp>" in text
    assert [d.amount for d in direct_debits_prepare(month=OCTOBER)] == [Decimal("26.00"), Decimal("13.50")]
    # the manager downloads the same file
    response = client_for(manager).get("/api/v1/invoicing/sepa/pain008/", {"month": "2026-10"})
    assert response.status_code == 200 and schema.is_valid(response.content)


def test_a_returned_debit_is_recorded_once_and_emails_the_customer(
    customer, manager, mailoutbox, django_capture_on_commit_callbacks
):
    mandate_sign(customer=customer, account_holder="Camille Martin", iban=IBAN_A)
    _cabas_invoice(customer)
    debit = direct_debits_prepare(month=OCTOBER)[0]

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(manager).post(
            f"/api/v1/invoicing/sepa/debits/{debit.pk}/return/", {"reason": "AM04"}, format="json"
        )

    assert response.status_code == 200 and response.json()["status"] == DirectDebitStatus.RETURNED
    debit.refresh_from_db()
    assert (debit.status, debit.return_reason) == (DirectDebitStatus.RETURNED, "AM04")
    sent = [m for m in mailoutbox if customer.email in m.to and "prélèvement" in m.subject.lower()]
    assert len(sent) == 1
    with pytest.raises(DebitAlreadyReturned):
        direct_debit_return(debit_id=debit.pk, reason="AM04")
    assert (
        client_for(customer).post(f"/api/v1/invoicing/sepa/debits/{debit.pk}/return/", {"reason": "x"}).status_code
        == 403
    )


def test_a_month_without_debits_has_no_file_a_404_in_french(manager_client):
    response = manager_client.get("/api/v1/invoicing/sepa/pain008/", {"month": "2000-01"})

    assert response.status_code == 404 and response.json()["code"] == "no_direct_debits"
    assert "Aucun prélèvement à encaisser pour 01/2000" in response.json()["detail"]


def test_debits_are_the_treasurers_movements_a_returned_one_leaves_its_invoice_unpaid(customer, other_customer):
    mandate_sign(customer=customer, account_holder="Camille Martin", iban=IBAN_A)
    mandate_sign(customer=other_customer, account_holder="Dominique Petit", iban="FR7630006000011234567890189")
    paid, returned = _cabas_invoice(customer), _cabas_invoice(other_customer, "13.50")
    debits = {d.invoice_id: d for d in direct_debits_prepare(month=OCTOBER)}
    direct_debit_return(debit_id=debits[returned.pk].pk, reason="AM04", now=datetime(2026, 11, 14, 10, tzinfo=UTC))
    november = (date(2026, 11, 1), date(2026, 11, 30))

    found = [m for m in movements(*november) if m.method == "sepa"]
    report = reconciliation(*november)

    assert sorted((m.kind, m.on, m.invoice_source, m.amount) for m in found) == sorted(
        [
            ("payment", date(2026, 11, 10), paid.source, Decimal("26.00")),
            ("payment", date(2026, 11, 10), returned.source, Decimal("13.50")),
            ("refund", date(2026, 11, 14), returned.source, Decimal("13.50")),
        ]
    )
    # the returned debit's invoice is still due: the treasurer sees it; the collected one is settled
    assert report["mismatched"] == [{"invoice": returned.reference, "due": "13.50", "received": "0.00"}]
    lines = journal_lines(*november)
    assert sum(line.debit for line in lines) == sum(line.credit for line in lines)
    assert {line.account[0] for line in lines if line.journal == "TR"} == {"512000", "411000"}
