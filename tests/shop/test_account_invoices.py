"""The customer's invoices in their account (/compte/factures/): their own listed with a PDF to download; another
customer's PDF is a 404; signed out, the login page."""

from __future__ import annotations

import pytest
from django.test import Client

from invoicing.services.invoices import credit_note_issue
from tests.factories.invoicing import issue_invoice

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_customer_lists_their_invoices_and_credit_notes_and_downloads_the_pdf(customer, other_customer):
    invoice = issue_invoice(customer=customer, source="order:1")
    credit = credit_note_issue(invoice_id=invoice.pk)
    other = issue_invoice(customer=other_customer, source="order:2")
    client = _client(customer)

    page = client.get("/compte/factures/", HTTP_ACCEPT_LANGUAGE="fr")

    assert page.status_code == 200
    text = page.content.decode()
    assert "Mes factures" in text
    assert f"Facture {invoice.reference}" in text and f"Avoir {credit.reference}" in text
    assert other.reference not in text
    pdf = client.get(f"/compte/factures/{invoice.pk}/pdf/")
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert pdf.content.startswith(b"%PDF")
    assert client.get(f"/compte/factures/{other.pk}/pdf/").status_code == 404


def test_signed_out_the_invoices_page_asks_to_log_in(client):
    response = client.get("/compte/factures/")
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]
